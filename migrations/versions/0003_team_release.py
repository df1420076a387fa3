"""anonymous team totals released in steps: the stored release of a workshop

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("team_release", sa.Text(), nullable=True))
        batch.add_column(sa.Column("team_released_through", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("team_released_through")
        batch.drop_column("team_release")
