"""Programme message: what organisers sent to a programme's people, once per form (its token)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'programme_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('audience', sa.String(length=50), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_message_programme_id_programme')),
        sa.ForeignKeyConstraint(['sent_by_id'], ['account.id'], name=op.f('fk_programme_message_sent_by_id_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_message')),
        sa.UniqueConstraint('token', name=op.f('uq_programme_message_token')),
    )
    with op.batch_alter_table('programme_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_message_programme_id'), ['programme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('programme_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_message_programme_id'))
    op.drop_table('programme_message')
