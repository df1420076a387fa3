"""A retake remembers whether it was started from a link that does not open the earlier
take (the reminder's retake-only link, a follow-up code): such a take may not change the
earlier one (issue 25, F12) nor delete it (F11). Retakes made before this were started
from the private link or pasted one, and keep every right (false).

Revision ID: 0013_security
Revises: 0012_coach
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_security"
down_revision = "0012_coach"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("retakes") as batch:
        batch.add_column(sa.Column("by_link", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("retakes") as batch:
        batch.drop_column("by_link")
