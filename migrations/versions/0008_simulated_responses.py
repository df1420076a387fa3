"""Simulated responses are marked (source 'simulated') and count in nothing people
are shown. Responses imported from scripts/simulated_responses.py before this
(external ids 'sim-<seed>-<n>', source 'import') are marked now, and the cached item
analyses and norm tables of their versions are dropped: those were computed with
them counted. `flask item-analysis` and `freeze-norms` make them again from people.

Revision ID: 0008
Revises: 0007
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SIMULATED_ID = re.compile(r"sim-\d+-\d+")


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, external_id, instrument_id, instrument_version FROM responses "
        "WHERE source = 'import' AND external_id LIKE 'sim-%'"
    )).all()
    marked = [row for row in rows if SIMULATED_ID.fullmatch(row.external_id)]
    for start in range(0, len(marked), 500):
        connection.execute(
            sa.text("UPDATE responses SET source = 'simulated' WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)),
            {"ids": [row.id for row in marked[start:start + 500]]},
        )
    for instrument_id, version in {(row.instrument_id, row.instrument_version) for row in marked}:
        for table in ("item_analyses", "norm_tables"):
            connection.execute(
                sa.text(f"DELETE FROM {table} WHERE instrument_id = :i AND instrument_version = :v"),
                {"i": instrument_id, "v": version},
            )


def downgrade():
    op.execute("UPDATE responses SET source = 'import' WHERE source = 'simulated'")
