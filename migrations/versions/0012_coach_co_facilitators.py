"""Co-facilitators (issue 28): a workshop can be shared with other coach accounts, who
pass the same gate as its owner except for deleting it and sharing it on.

Revision ID: 0012_coach
Revises: 0011_coach
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_coach"
down_revision = "0011_coach"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "workshop_facilitators",
        sa.Column("workshop_id", sa.Integer(), sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("coach_id", sa.Integer(), sa.ForeignKey("coaches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workshop_facilitators_coach_id", "workshop_facilitators", ["coach_id"])


def downgrade():
    op.drop_index("ix_workshop_facilitators_coach_id", "workshop_facilitators")
    op.drop_table("workshop_facilitators")
