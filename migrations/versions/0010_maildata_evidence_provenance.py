"""Evidence with provenance (issue 25, F3): a response keeps the coarse client bucket it
was started from; an item analysis or norm table is a candidate until an operator accepts
it. What was published before this stays published (accepted when it was made).

Revision ID: 0010_maildata
Revises: 0009_maildata
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_maildata"
down_revision = "0009_maildata"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses") as table:
        table.add_column(sa.Column("client_bucket", sa.String(8), nullable=True))
    with op.batch_alter_table("item_analyses") as table:
        table.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("norm_tables") as table:
        table.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE item_analyses SET accepted_at = computed_at")
    op.execute("UPDATE norm_tables SET accepted_at = created_at")


def downgrade():
    op.execute("DELETE FROM item_analyses WHERE accepted_at IS NULL")
    op.execute("DELETE FROM norm_tables WHERE accepted_at IS NULL")
    for name, column in (("norm_tables", "accepted_at"), ("item_analyses", "accepted_at"), ("responses", "client_bucket")):
        with op.batch_alter_table(name) as table:
            table.drop_column(column)
