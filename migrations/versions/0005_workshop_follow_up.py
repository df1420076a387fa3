"""a workshop may be the follow-up session of an earlier one

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("follow_up_of_id", sa.Integer(), nullable=True))
        batch.create_index("ix_workshops_follow_up_of_id", ["follow_up_of_id"])
        batch.create_foreign_key("fk_workshops_follow_up_of_id", "workshops", ["follow_up_of_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("workshops") as batch:
        batch.drop_constraint("fk_workshops_follow_up_of_id", type_="foreignkey")
        batch.drop_index("ix_workshops_follow_up_of_id")
        batch.drop_column("follow_up_of_id")
