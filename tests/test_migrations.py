"""The Alembic migrations build exactly the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from tests.conftest import make_app, postgres_uri_or_skip
from wijkwerk.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> Iterator[str]:
    """The URI of a database with nothing in it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = make_url(postgres_uri_or_skip())
    name = f"wijkwerk_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def _flask(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.engine.dispose()
    return result


def test_upgrade_on_an_empty_database_leaves_no_drift(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    upgrade = _flask(app, "db", "upgrade")
    assert upgrade.exit_code == 0, upgrade.output
    check = _flask(app, "db", "check")
    assert check.exit_code == 0, f"models and migrations differ: {check.exception!r}"

    engine = create_engine(empty_database)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_check_notices_a_database_that_lacks_the_schema(empty_database, tmp_path):
    """The drift check is not a rubber stamp: on an unmigrated database it fails."""
    app = make_app(empty_database, tmp_path)
    _flask(app, "db", "stamp", "head")
    check = _flask(app, "db", "check")
    assert check.exit_code != 0


def test_downgrade_to_base_and_upgrade_again(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    assert _flask(app, "db", "upgrade").exit_code == 0
    downgrade = _flask(app, "db", "downgrade", "base")
    assert downgrade.exit_code == 0, downgrade.output
    engine = create_engine(empty_database)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    assert _flask(app, "db", "upgrade").exit_code == 0


def test_invoices_issued_before_the_e_invoice_keep_their_seller_address_in_parts(tmp_path):
    """Revision 0015 splits the seller's address the invoices so far kept as lines ("street",
    "postcode city") into the parts an e-invoice names; what an invoice says does not change."""
    from sqlalchemy import text

    uri = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    app = make_app(uri, tmp_path)
    assert _flask(app, "db", "upgrade", "0014").exit_code == 0
    engine = create_engine(uri)
    columns = (
        "id, registration_id, kind, year, sequence, number, issued_at, due_at, seller_name, "
        "seller_address, seller_kvk, seller_vat_number, buyer_name, buyer_address, "
        "buyer_postcode, buyer_city, buyer_email, description, amount_cents, vat_rate_bp, "
        "vat_cents, total_cents"
    )
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # an invoice row alone will do
        for number, address in (
            (1, "Voorbeeldstraat 1\n2511 AA Den Haag"),
            (2, "Postbus 1"),  # no postcode line: left as it was
        ):
            connection.execute(
                text(
                    f"INSERT INTO invoice ({columns}) VALUES (:id, 1, 'invoice', 2027, :id, "
                    ":number, '2027-01-05 10:00:00', '2027-02-04 10:00:00', 'Instituut', "
                    ":address, '12345678', 'NL123456789B01', 'Gemeente', 'Stadserf 1', "
                    "'3112 DZ', 'Schiedam', 'f@schiedam.nl', 'Deelname', 20000, 2100, 4200, "
                    "24200)"
                ),
                {"id": number, "number": f"2027-000{number}", "address": address},
            )
    engine.dispose()
    assert _flask(app, "db", "upgrade").exit_code == 0
    engine = create_engine(uri)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT seller_address, seller_postcode, seller_city, seller_country "
                "FROM invoice ORDER BY id"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("Voorbeeldstraat 1", "2511 AA", "Den Haag", "NL"),
        ("Postbus 1", None, None, "NL"),
    ]
