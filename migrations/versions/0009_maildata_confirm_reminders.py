"""Double opt-in for reminder addresses (issue 25, F5): a reminder goes only to an address
whose owner opened the confirmation link. Addresses given before this are unconfirmed:
the next `flask send-reminders` sends them the confirmation e-mail, and `flask purge`
deletes those still unconfirmed 7 days later. Plans count their confirmation e-mails.

Revision ID: 0009_maildata
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_maildata"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminders") as table:
        table.add_column(sa.Column("given_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
        table.add_column(sa.Column("confirm_token_hash", sa.String(64), nullable=True))
        table.add_column(sa.Column("confirm_sent_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        table.create_unique_constraint("uq_reminders_confirm_token_hash", ["confirm_token_hash"])
    with op.batch_alter_table("plans") as table:
        table.add_column(sa.Column("confirmation_mails", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("plans") as table:
        table.drop_column("confirmation_mails")
    with op.batch_alter_table("reminders") as table:
        table.drop_constraint("uq_reminders_confirm_token_hash", type_="unique")
        table.drop_column("confirmed_at")
        table.drop_column("confirm_sent_at")
        table.drop_column("confirm_token_hash")
        table.drop_column("given_at")
