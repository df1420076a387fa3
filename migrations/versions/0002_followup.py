"""follow-up: plans, reminders, retake links and retakes

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plans',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id')
    )
    op.create_table('plan_actions',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('scale_id', sa.String(length=40), nullable=True),
    sa.Column('situation', sa.String(length=300), nullable=False),
    sa.Column('step', sa.String(length=300), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['plans.response_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'position')
    )
    op.create_table('reminders',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('claimed_by', sa.String(length=36), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id')
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_due_on'), ['due_on'], unique=False)
    op.create_table('retake_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('retake_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retake_links_response_id'), ['response_id'], unique=False)
    op.create_table('retakes',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['responses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id')
    )
    with op.batch_alter_table('retakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retakes_previous_id'), ['previous_id'], unique=False)


def downgrade():
    op.drop_table('retakes')
    op.drop_table('retake_links')
    op.drop_table('reminders')
    op.drop_table('plan_actions')
    op.drop_table('plans')
