"""The outbox delivered by a worker (``MAIL_DELIVERY = "worker"``, ``flask wijkwerk deliver``):
requests only queue, the worker sends each message once however many run, attachments that are
costly to make (the invoice PDF, the confirmation's .ics) are made when the mail goes out, and a
message the server refuses waits before it is tried again, while one a dropped connection left
unsent goes with the next run."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from tests import conftest, factories
from tests.course_helpers import URL, course, individual
from tests.test_races import race
from wijkwerk import create_app
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.outbox.services import CLAIM_TIMEOUT, deliver_pending, queue, run_worker
from wijkwerk.payments.models import Invoice
from wijkwerk.privacy.services import ERASED, erase_person
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, now_utc


@pytest.fixture
def app_overrides() -> dict:
    return {"MAIL_DELIVERY": "worker"}


@pytest.fixture
def programme(db):
    found = course(capacity=50)
    db.session.commit()
    return found


def unsent(db) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_(None))
    )


def test_a_registration_is_answered_at_once_and_the_worker_sends_its_mail(
    client, db, smtp, runner, programme
):
    response = client.post(URL, json=individual())
    assert response.status_code == 201, response.json
    assert smtp.messages == []  # the request did not wait for SMTP
    assert unsent(db) == 2  # the confirmation and the invoice, safe in the outbox
    invoice = db.session.scalars(select(Invoice)).one()
    queued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    # the request wrote only what each mail is about; text and files are made when it goes out
    assert [(m.subject, m.body_text, m.render_from.split(":")[0]) for m in queued] == [
        (None, None, "registration-status"),
        (None, None, "invoice"),
    ]
    assert db.session.scalar(select(func.count(OutboxAttachment.id))) == 0

    result = runner.invoke(args=["wijkwerk", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 mails verstuurd, 0 mislukt" in result.output

    [confirmation] = [
        m for m in smtp.to("fatima@rotterdam.nl") if "Plaats bevestigd" in m["Subject"]
    ]
    [calendar] = [
        p for p in confirmation.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    ics = calendar.get_content()
    assert ics.count("BEGIN:VEVENT") == 3 and "Dag 1" in ics
    [invoice_mail] = smtp.to("facturen@rotterdam.nl")
    [sent_pdf] = [
        p for p in invoice_mail.iter_attachments() if p.get_content_type() == "application/pdf"
    ]
    text = PdfReader(io.BytesIO(sent_pdf.get_content())).pages[0].extract_text()
    assert invoice.number in text and "Gemeente Rotterdam" in text
    [pdf] = db.session.scalars(
        select(OutboxAttachment).where(OutboxAttachment.content_type == "application/pdf")
    ).all()
    assert pdf.render_from == f"invoice-pdf:{invoice.id}"
    assert pdf.content == sent_pdf.get_content()  # the copy keeps what was sent
    db.session.expire_all()
    kept = {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}
    assert kept["fatima@rotterdam.nl"].subject == confirmation["Subject"].strip()
    assert invoice.number in kept["facturen@rotterdam.nl"].subject
    assert kept["facturen@rotterdam.nl"].subject == invoice_mail["Subject"].strip()
    sent_text = confirmation.get_body(("plain",)).get_content()
    assert "Beste Fatima" in sent_text
    lines = [line.rstrip() for line in sent_text.strip().splitlines()]
    assert lines == [line.rstrip() for line in kept["fatima@rotterdam.nl"].body_text.splitlines()]

    again = runner.invoke(args=["wijkwerk", "deliver", "--once"])
    assert "0 mails verstuurd" in again.output
    assert len(smtp.messages) == 2


def test_mail_erased_before_it_was_written_is_never_written_or_sent(client, db, smtp, runner):
    course(capacity=50)
    db.session.commit()
    response = client.post(URL, json=individual())
    assert response.status_code == 201, response.json
    registration = db.session.scalars(select(Registration)).one()
    lifecycle.cancel(registration, full_refund=True)  # a credit note, another status mail
    erase_person("fatima@rotterdam.nl")
    db.session.commit()

    result = runner.invoke(args=["wijkwerk", "deliver", "--once"])

    assert "0 mails verstuurd" in result.output
    assert smtp.messages == []
    db.session.expire_all()
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert len(messages) == 4  # two status mails, the invoice and the credit note
    assert {(m.subject, m.body_text, m.render_from) for m in messages} == {(ERASED, "", None)}
    assert db.session.scalar(select(func.count(OutboxAttachment.id))) == 0


def test_an_organiser_sees_and_resends_mail_not_yet_written(client, db, smtp, programme):
    response = client.post(URL, json=individual())
    assert response.status_code == 201, response.json
    registration = db.session.scalars(select(Registration)).one()
    factories.account("org@example.nl")
    db.session.commit()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/aanmeldingen/{registration.id}")
    # in the list, in Dutch (not the template's name), and on the mail's own page
    assert page.text.count("(wordt opgesteld bij verzending)") == 2
    assert "registration_status" not in page.text
    status = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration_status")
    ).one()
    own = client.get(f"/beheer/aanmeldingen/{registration.id}/mails/{status.id}")
    assert "(wordt opgesteld bij verzending)" in own.text
    assert "De tekst wordt opgesteld wanneer de mail wordt verstuurd." in own.text

    response = client.post(
        f"/beheer/aanmeldingen/{registration.id}/mails/{status.id}",
        data={"csrf_token": conftest.csrf_token(page.text)},
    )

    assert response.status_code == 302
    db.session.expire_all()
    original, copy = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "registration_status")
        .order_by(OutboxMessage.id)
    ).all()
    assert original.subject.startswith("Plaats bevestigd")  # written once, for both
    assert (copy.subject, copy.body_text) == (original.subject, original.body_text)
    assert copy.key == f"resend:{original.id}:1"
    history = db.session.get(Registration, registration.id).events
    assert history[-1].reason.endswith(original.subject)


def test_while_a_mail_is_sent_its_row_and_the_database_are_free_to_write(
    app, client, db, smtp, runner, programme
):
    """The sender writes the message's text, files and sent time after the SMTP server answered,
    in one short transaction: a slow server (or, on SQLite, a worker at low priority) keeps no
    one else from writing meanwhile."""
    response = client.post(URL, json=individual())
    assert response.status_code == 201, response.json
    engine = db.engine
    locked: list[bool] = []

    def try_to_write() -> None:  # in the SMTP server's thread, on a connection of its own
        with engine.connect() as connection:
            try:
                if engine.dialect.name == "sqlite":
                    connection.exec_driver_sql("PRAGMA busy_timeout=0")
                    connection.exec_driver_sql("BEGIN IMMEDIATE")  # takes the write lock or fails
                else:
                    connection.exec_driver_sql(
                        "SELECT id FROM outbox_message WHERE sent_at IS NULL FOR UPDATE NOWAIT"
                    )
                locked.append(False)
            except OperationalError:
                locked.append(True)
            finally:
                connection.rollback()
                if engine.dialect.name == "sqlite":
                    connection.exec_driver_sql("PRAGMA busy_timeout=15000")

    smtp.on_data = try_to_write
    result = runner.invoke(args=["wijkwerk", "deliver", "--once"])

    assert "2 mails verstuurd" in result.output
    assert locked == [False, False]


def test_the_worker_sends_what_requests_queue_until_it_is_stopped(app, client, db, smtp, programme):
    stop = threading.Event()
    sent: list[int] = []

    def work() -> None:
        with app.app_context():
            sent.append(run_worker(stop, interval=0.05))

    worker = threading.Thread(target=work)
    worker.start()
    try:
        for n in range(3):
            response = client.post(URL, json=individual(f"deelnemer{n}@rotterdam.nl"))
            assert response.status_code == 201, response.json
        deadline = time.monotonic() + 20
        while len(smtp.messages) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(timeout=20)
    assert not worker.is_alive()
    assert sent == [6]
    assert len(smtp.messages) == 6
    assert unsent(db) == 0


def test_a_key_queued_twice_at_once_is_one_message_and_no_error(app, db, programme):
    programme_id = programme.id

    def queue_it():
        found = db.session.get(type(programme), programme_id)
        return queue("same", "een@example.nl", "below_minimum", programme=found, count=1)

    results = race(app, [queue_it] * 4)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len([r for r in results if r is not None]) == 1  # the others saw it and added nothing
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    # … and within one transaction, the second time adds nothing either
    assert queue("twice", "een@example.nl", "below_minimum", programme=programme, count=1)
    assert queue("twice", "een@example.nl", "below_minimum", programme=programme, count=1) is None
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_three_workers_racing_send_every_message_exactly_once(app, db, smtp, programme):
    for n in range(45):  # more than two claim batches
        queue(f"race:{n}", f"persoon{n}@example.nl", "below_minimum", programme=programme, count=n)
    db.session.commit()

    results = race(app, [deliver_pending] * 3)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.sent for r in results) == 45
    assert sum(r.failed for r in results) == 0
    received = sorted(rcpt for rcpts, _ in smtp.messages for rcpt in rcpts)
    assert received == sorted(f"persoon{n}@example.nl" for n in range(45))  # none twice
    assert unsent(db) == 0


def test_a_refused_message_is_tried_again_only_after_a_pause(app, db, smtp, programme):
    smtp.refused.add("weg@example.nl")
    queue("refused", "weg@example.nl", "below_minimum", programme=programme, count=1)
    queue("accepted", "hier@example.nl", "below_minimum", programme=programme, count=1)
    db.session.commit()
    start = now_utc()

    with frozen_at(start):
        report = deliver_pending()
    assert (report.sent, report.failed, report.interrupted) == (1, 1, False)
    refused = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == "refused"))
    assert refused.sent_at is None and "550" in refused.last_error and refused.attempts == 1

    with frozen_at(start + dt.timedelta(minutes=1)):  # not hammered every run
        assert deliver_pending().failed == 0
    db.session.refresh(refused)
    assert refused.attempts == 1

    smtp.refused.clear()  # the mailbox exists again
    with frozen_at(start + CLAIM_TIMEOUT + dt.timedelta(seconds=1)):
        assert deliver_pending().sent == 1
    db.session.refresh(refused)
    assert refused.sent_at is not None and refused.last_error is None and refused.attempts == 2
    assert [rcpts for rcpts, _ in smtp.messages] == [["hier@example.nl"], ["weg@example.nl"]]


def test_a_dropped_connection_leaves_the_rest_for_the_next_run_at_once(app, db, smtp, programme):
    for name in ("eerst", "ophangen", "daarna"):
        queue(name, f"{name}@example.nl", "below_minimum", programme=programme, count=1)
    db.session.commit()
    smtp.hang_up_on.add("ophangen@example.nl")

    report = deliver_pending()
    assert (report.sent, report.interrupted) == (1, True)
    waiting = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    ).all()
    assert [(m.key, m.claimed_at) for m in waiting] == [("ophangen", None), ("daarna", None)]

    smtp.hang_up_on.clear()
    assert deliver_pending().sent == 2  # no ten-minute wait: neither message was at fault
    received = [rcpt for rcpts, _ in smtp.messages for rcpt in rcpts]
    assert received == ["eerst@example.nl", "ophangen@example.nl", "daarna@example.nl"]


def test_an_unknown_delivery_mode_is_refused_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="WIJKWERK_MAIL_DELIVERY"):
        create_app(
            "config.testing.TestingConfig",
            instance_path=str(tmp_path),
            SQLALCHEMY_DATABASE_URI="sqlite://",
            MAIL_DELIVERY="later",
        )
