""""E-mail me my link" (issue 27): an address confirmed by double opt-in before the private
link is sent to it; the link kept only sealed with the confirmation token.

Revision ID: 0014_salesperson
Revises: 0013_security
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_salesperson"
down_revision = "0013_security"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "link_mails",
        sa.Column("response_id", sa.Integer(), sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("sealed_link", sa.String(200), nullable=True),
        sa.Column("confirmation_mails", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("confirm_token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("confirm_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_table("link_mails")
