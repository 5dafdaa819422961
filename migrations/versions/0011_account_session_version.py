"""Account: session version, raised to end every session of an account (log-out, new password,
blocked or another role)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts start at 1. Sessions made before this revision hold a bare account id,
    # which the user loader no longer accepts: everyone logs in once more after the upgrade.
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), nullable=False, server_default='1')
        )


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
