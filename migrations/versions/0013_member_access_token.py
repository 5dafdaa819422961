"""Registration member: a link of their own (a trio member sees the registration, corrects their
details and names a substitute; cancelling stays with the registration's own link)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:45:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration_member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_token', sa.String(length=64), nullable=True))
    members = sa.table('registration_member', sa.column('id', sa.Integer), sa.column('access_token', sa.String))
    connection = op.get_bind()
    for (member_id,) in connection.execute(sa.select(members.c.id)).all():
        connection.execute(
            members.update()
            .where(members.c.id == member_id)
            .values(access_token=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table('registration_member', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_registration_member_access_token'), ['access_token']
        )


def downgrade():
    with op.batch_alter_table('registration_member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registration_member_access_token'), type_='unique')
        batch_op.drop_column('access_token')
