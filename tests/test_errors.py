"""Unexpected errors: a Dutch page for people, JSON under /api/, the transaction rolled back."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import factories
from tests.conftest import log_in
from wijkwerk.municipalities.models import Municipality


def _failing_app(app):
    app.config["TESTING"] = False  # the tests normally re-raise; production shows a page

    def boom():
        factories.municipality("GM0001", "Halverwege", 1000)  # flushed, never committed
        raise RuntimeError("kapot")

    app.add_url_rule("/boom", view_func=boom)
    app.add_url_rule("/api/v1/boom", endpoint="api_boom", view_func=boom)
    return app


def test_an_unexpected_error_is_a_dutch_500_page_and_nothing_is_kept(app, client, db, caplog):
    _failing_app(app)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Er ging iets mis aan onze kant. Probeer het later opnieuw." in response.text
    assert "kapot" not in response.text and "Traceback" not in response.text
    assert "unhandled error on GET /boom" in caplog.text
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0


def test_an_unexpected_api_error_is_json(app, client):
    _failing_app(app)
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json["errors"][0]["code"] == "http_500"


def test_wrong_method_on_the_api_is_json(client):
    response = client.delete("/api/v1/programmes")
    assert response.status_code == 405
    assert response.json["errors"][0]["code"] == "http_405"


def test_an_id_too_large_for_the_database_is_a_404_not_an_error(client, db):
    """PostgreSQL refuses integers beyond 32 bits; such a URL simply finds nothing."""
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    huge = "99999999999999999999"
    for url in (
        f"/beheer/aanmeldingen/{huge}",
        f"/beheer/bijeenkomsten/{huge}/aanwezigheid",
        f"/beheer/facturen/{huge}",
        f"/programmes/x/sessions/{huge}.ics",
    ):
        assert client.get(url).status_code == 404, url
