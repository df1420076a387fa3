"""research consent, imported responses, cached item analyses, norm tables

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses') as batch:
        batch.add_column(sa.Column('research_consent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch.create_unique_constraint('uq_responses_external_id', ['external_id'])
    op.create_table('item_analyses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.String(length=40), nullable=False),
        sa.Column('instrument_version', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=True),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table('norm_tables',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instrument_id', sa.String(length=40), nullable=False),
        sa.Column('instrument_version', sa.String(length=20), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('frozen_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('table', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade():
    op.drop_table('norm_tables')
    op.drop_table('item_analyses')
    with op.batch_alter_table('responses') as batch:
        batch.drop_constraint('uq_responses_external_id', type_='unique')
        batch.drop_column('external_id')
        batch.drop_column('research_consent')
