"""E-invoice (UBL, Peppol BIS Billing 3.0): the seller's address in parts, the buyer's KvK number or
OIN on the billing details, the invoice and the municipality

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:10:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# the last line of an address as the invoices so far wrote it: "2511 AA Den Haag"
POSTCODE_CITY = re.compile(r"^\s*([1-9][0-9]{3} ?[A-Za-z]{2})\s+(.+?)\s*$")
INVOICE = sa.table(
    'invoice',
    sa.column('id', sa.Integer),
    sa.column('seller_address', sa.String),
    sa.column('seller_postcode', sa.String),
    sa.column('seller_city', sa.String),
    sa.column('seller_country', sa.String),
)


def upgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seller_postcode', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('seller_city', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('seller_country', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('buyer_identifier', sa.String(length=20), nullable=True))
    with op.batch_alter_table('billing_details', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kvk_or_oin', sa.String(length=20), nullable=True))
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oin', sa.String(length=20), nullable=True))

    # Invoices issued so far kept the seller's address as lines, the last "postcode city": the
    # same words, now in the parts an e-invoice names (what the invoice says does not change).
    connection = op.get_bind()
    for row in connection.execute(sa.select(INVOICE.c.id, INVOICE.c.seller_address)).all():
        lines = (row.seller_address or "").splitlines()
        found = POSTCODE_CITY.match(lines[-1]) if len(lines) > 1 else None
        values = {'seller_country': 'NL'}
        if found:
            values |= {
                'seller_address': "\n".join(lines[:-1]),
                'seller_postcode': found[1].upper(),
                'seller_city': found[2],
            }
        connection.execute(INVOICE.update().where(INVOICE.c.id == row.id).values(**values))


def downgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(INVOICE.c.id, INVOICE.c.seller_address, INVOICE.c.seller_postcode, INVOICE.c.seller_city)
    ).all()
    for row in rows:
        if row.seller_postcode:
            joined = f"{row.seller_address}\n{row.seller_postcode} {row.seller_city}"
            connection.execute(INVOICE.update().where(INVOICE.c.id == row.id).values(seller_address=joined))
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('oin')
    with op.batch_alter_table('billing_details', schema=None) as batch_op:
        batch_op.drop_column('kvk_or_oin')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('buyer_identifier')
        batch_op.drop_column('seller_country')
        batch_op.drop_column('seller_city')
        batch_op.drop_column('seller_postcode')
