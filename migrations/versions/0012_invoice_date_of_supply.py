"""Invoice: the date of supply (art. 35a Wet OB), the first and last day of the sessions invoiced

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Invoices issued before this revision keep no date of supply: an issued invoice never changes.
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplied_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('supplied_until', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('supplied_until')
        batch_op.drop_column('supplied_from')
