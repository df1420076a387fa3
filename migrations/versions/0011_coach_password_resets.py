"""Password reset by e-mail for coach accounts (issue 28): one row per link sent, only the
token's hash stored, deleted when used; a link works for 60 minutes.

Revision ID: 0011_coach
Revises: 0010_maildata
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_coach"
down_revision = "0010_maildata"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coach_password_resets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("coach_id", sa.Integer(), sa.ForeignKey("coaches.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_password_resets_coach_id", "coach_password_resets", ["coach_id"])


def downgrade():
    op.drop_index("ix_coach_password_resets_coach_id", "coach_password_resets")
    op.drop_table("coach_password_resets")
