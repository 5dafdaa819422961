"""When a peer fails: a mail server that hangs, a database that goes away. The site keeps
answering, every answer says what was saved, and nothing is lost or sent twice."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests import conftest
from tests.course_helpers import URL, course, individual
from tests.servers import BIN, ROOT, Gunicorn, Proxy, app_environment
from tests.smtp import HangingSMTP
from wijkwerk.extensions import db as _db
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.registrations.models import Registration

CONFIRMED = "Plaats bevestigd"


@pytest.fixture
def programme(db):
    found = course(capacity=50)
    db.session.commit()
    return found


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_hung_mail_server_holds_up_no_answer_and_its_mail_goes_once_it_recovers(
    app, db, smtp, runner, programme
):
    """A server that accepts and never speaks: under gunicorn's two sync workers, registrations
    answer at once, /healthz answers meanwhile, and every mail goes exactly once afterwards."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    with HangingSMTP(smtp) as hung:
        env = app_environment(
            uri, MAIL_SERVER="127.0.0.1", MAIL_PORT=hung.port, MAIL_REQUEST_TIMEOUT=1
        )
        with Gunicorn(env) as server:
            answers: list[tuple[int, object, float]] = []

            def register(n: int) -> None:
                answers.append(server.request("POST", URL, individual(f"deelnemer{n}@delft.nl")))

            for round_ in range(2):  # both workers busy with a registration, twice
                threads = [
                    threading.Thread(target=register, args=(2 * round_ + i,)) for i in range(2)
                ]
                for thread in threads:
                    thread.start()
                health = server.request("GET", "/healthz", timeout=10)
                for thread in threads:
                    thread.join(timeout=20)
                assert health[0] == 200 and health[2] < 5, health
            assert hung.accepted >= 1  # the mail server was really tried
    assert sorted(status for status, _body, _seconds in answers) == [201] * 4, answers
    assert max(seconds for _status, _body, seconds in answers) < 5, answers
    assert _count(db, Registration) == 4
    assert smtp.messages == []  # nothing went out; all of it waits in the outbox

    with HangingSMTP(smtp) as recovered:
        recovered.recover()
        app.config["MAIL_PORT"] = recovered.port
        result = runner.invoke(args=["wijkwerk", "deliver", "--once"])
        assert "8 mails verstuurd, 0 mislukt" in result.output, result.output
        again = runner.invoke(args=["wijkwerk", "deliver", "--once"])
        assert "0 mails verstuurd" in again.output
    for n in range(4):
        mails = smtp.to(f"deelnemer{n}@delft.nl")
        assert [CONFIRMED in m["Subject"] for m in mails] == [True]
        assert mails[0]["Auto-Submitted"] == "auto-generated"  # no out-of-office replies
    assert len(smtp.messages) == 8  # four confirmations and four invoices, each once


def test_the_mail_worker_stops_within_seconds_of_sigterm_while_smtp_hangs(
    app, db, client, smtp, programme
):
    app.config["MAIL_DELIVERY"] = "worker"
    assert client.post(URL, json=individual()).status_code == 201
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    with HangingSMTP(smtp) as hung:
        env = app_environment(uri, MAIL_SERVER="127.0.0.1", MAIL_PORT=hung.port, MAIL_TIMEOUT=60)
        worker = subprocess.Popen(
            [str(BIN / "flask"), "--app", "app", "wijkwerk", "deliver", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while hung.accepted == 0 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert hung.accepted == 1, "the worker never reached the mail server"
            time.sleep(0.5)  # it waits for the server's greeting, which never comes
            stopped_at = time.monotonic()
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=15)
            took = time.monotonic() - stopped_at
        finally:
            worker.kill()
    assert worker.returncode == 0, output
    assert took < 5, f"stopped after {took:.1f} s"
    assert "Mailbezorger gestopt" in output
    db.session.expire_all()
    waiting = db.session.scalars(select(OutboxMessage)).all()
    # unsent and unclaimed: the next run sends them at once
    assert [(m.sent_at, m.claimed_at) for m in waiting] == [(None, None), (None, None)]


def test_a_failure_after_the_commit_leaves_the_answer_as_saved_and_tick_sends_the_mail(
    app, db, client, smtp, runner, programme
):
    """Right after the registration's commit the outbox cannot be read (as when the database goes
    away at that moment): the answer is still the saved registration, and tick sends it later."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    other = create_engine(uri)

    def outbox_goes_away(_session) -> None:
        with other.begin() as connection:
            connection.execute(text("ALTER TABLE outbox_message RENAME TO outbox_away"))

    event.listen(Session, "after_commit", outbox_goes_away, once=True)
    try:
        response = client.post(URL, json=individual())
    finally:
        if event.contains(Session, "after_commit", outbox_goes_away):
            event.remove(Session, "after_commit", outbox_goes_away)
        with other.begin() as connection:
            connection.execute(text("ALTER TABLE outbox_away RENAME TO outbox_message"))
        other.dispose()
    assert response.status_code == 201, response.json
    assert response.json["state"] == "confirmed"
    assert smtp.messages == []
    registration = db.session.get(Registration, response.json["id"])
    assert registration.reference == response.json["reference"]

    result = runner.invoke(args=["wijkwerk", "tick"])
    assert "2 mails verstuurd" in result.output, result.output
    assert [CONFIRMED in m["Subject"] for m in smtp.to("fatima@rotterdam.nl")] == [True]


@pytest.fixture
def outage(backend, tmp_path):
    """An app whose database can be taken away and brought back: a TCP proxy in front of the
    PostgreSQL server, or a SQLite file that is moved away."""
    if backend == "postgresql":
        server = make_url(conftest.POSTGRES_URI)
        proxy = Proxy(server.port)
        uri = server.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = conftest.make_app(uri, tmp_path)
        with app.app_context():
            _db.session.remove()
        yield app, proxy.cut, proxy.restore
        proxy.close()
    else:
        path = tmp_path / "outage.sqlite3"
        app = conftest.make_app(f"sqlite:///{path}", tmp_path)
        with app.app_context():
            _db.create_all()
            _db.engine.dispose()
        away = tmp_path / "away.sqlite3"

        def cut() -> None:
            with app.app_context():
                _db.engine.dispose()
            path.rename(away)
            path.mkdir()  # a directory where the file was: SQLite cannot open it

        def restore() -> None:
            path.rmdir()
            away.rename(path)

        yield app, cut, restore
    with app.app_context():
        _db.engine.dispose()


def test_while_the_database_is_away_every_page_and_call_is_a_503_and_it_recovers(outage):
    app, cut, restore = outage
    app.test_client_class = conftest.IsolatedClient
    client = app.test_client()
    assert client.get("/").status_code == 200
    cut()
    try:
        page = client.get("/")
        assert page.status_code == 503
        assert page.headers["Retry-After"] == "120"
        assert (
            '<h1 class="utrecht-heading-1">wijkwerk is tijdelijk niet beschikbaar</h1>' in page.text
        )
        assert "Probeer het over enkele minuten opnieuw." in page.text
        assert '<html lang="nl"' in page.text
        api = client.get("/api/v1/programmes")
        assert api.status_code == 503 and api.headers["Retry-After"] == "120"
        [error] = api.json["errors"]
        assert error["code"] == "unavailable" and "tijdelijk" in error["message"]
        posted = client.post(URL, json=individual())
        assert posted.status_code == 503
        assert client.get("/healthz").status_code == 503
    finally:
        restore()
    assert client.get("/").status_code == 200  # recovered, no restart
    assert client.get("/api/v1/programmes").status_code == 200


def test_every_405_says_which_methods_are_allowed(client):
    for path in ("/healthz", "/api/v1/programmes"):
        response = client.delete(path)
        assert response.status_code == 405
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
