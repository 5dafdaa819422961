"""Cancelling a whole programme (wijkwerk/registrations/cancelling.py): everyone told, places freed,
invoices credited and Stripe payments refunded in full, nobody promoted, the sessions cancelled;
from the back-office (after a confirmation) and the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, log_in
from tests.course_helpers import URL, course, deliver, individual
from tests.test_races import race
from tests.trio_helpers import plain
from wijkwerk.accounts.models import Account, Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.payments.models import Invoice, InvoiceKind
from wijkwerk.programmes.models import Programme, ProgrammeStatus, SessionStatus
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.timeutil import frozen_at, local

MARCH_2027 = local(2027, 3, 1, 10)
REASON = "Te weinig aanmeldingen; we organiseren in het najaar een nieuwe reeks."


@pytest.fixture
def app_overrides(stripe_settings):
    return stripe_settings


@pytest.fixture
def full_course(db, client, stripe):
    """Three places: one by invoice, one paid with iDEAL, one held for a payment not yet made,
    and one person on the waiting list."""
    programme = course()
    factories.account("org@example.nl", Role.ORGANISER)
    db.session.commit()
    with frozen_at(MARCH_2027):
        answers = [client.post(URL, json=individual("factuur@rotterdam.nl")).json]
        paid = client.post(URL, json=individual("ideal@rotterdam.nl", payment_method="stripe"))
        assert paid.status_code == 201, paid.json
        answers.append(paid.json)
        token = db.session.get(Registration, paid.json["id"]).manage_token
        session_id = client.get(f"/aanmelding/{token}/betalen").headers["Location"].rsplit("/")[-1]
        assert deliver(client, stripe.pay(session_id)).status_code == 200
        answers.append(
            client.post(URL, json=individual("later@rotterdam.nl", payment_method="stripe")).json
        )
        answers.append(client.post(URL, json=individual("wacht@rotterdam.nl")).json)
    states = [a["state"] for a in answers]
    assert states == ["confirmed", "awaiting_payment", "awaiting_payment", "waitlisted"]
    db.session.expire_all()
    assert [db.session.get(Registration, a["id"]).state.value for a in answers] == [
        "confirmed",
        "confirmed",
        "awaiting_payment",
        "waitlisted",
    ]
    return programme.slug, [a["id"] for a in answers]


def _bearer(db) -> dict:
    account = db.session.scalar(select(Account).where(Account.email == "org@example.nl"))
    token = create_api_token(account)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_cancels_a_programme_with_everything_that_follows(
    client, db, smtp, stripe, full_course
):
    slug, ids = full_course
    smtp.messages.clear()
    headers = _bearer(db)
    with frozen_at(MARCH_2027):
        assert (
            client.post(f"/api/v1/programmes/{slug}/cancel", json={}, headers=headers).status_code
            == 422
        )
        response = client.post(
            f"/api/v1/programmes/{slug}/cancel", json={"reason": REASON}, headers=headers
        )
    assert response.status_code == 200, response.json
    assert response.json["programme"]["state"] == "cancelled"
    assert (
        response.json["registrations_cancelled"],
        response.json["invoices_credited"],
        response.json["payments_refunded"],
    ) == (4, 2, 1)
    db.session.expire_all()
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    registrations = [db.session.get(Registration, i) for i in ids]
    assert {r.state for r in registrations} == {RegistrationState.CANCELLED}  # nobody promoted
    assert programme.places_taken == 0 and not any(r.holds_place for r in registrations)
    # Every invoice credited in full, every payment refunded in full: the organisation cancels.
    invoices = db.session.scalars(select(Invoice).order_by(Invoice.id)).all()
    for registration in registrations[:2]:
        own = [i for i in invoices if i.registration_id == registration.id]
        assert sum(i.total_cents for i in own) == 0
        assert [i.kind for i in own] == [InvoiceKind.INVOICE, InvoiceKind.CREDIT]
    [refund] = stripe.refunds.values()
    assert refund["amount"] == 217_800
    assert {s.status for s in programme.sessions} == {SessionStatus.CANCELLED}
    assert all(s.sequence == 1 for s in programme.sessions)
    # Everyone told, once, with the reason.
    for email in ("factuur", "ideal", "later", "wacht"):
        [mail] = [m for m in smtp.to(f"{email}@rotterdam.nl") if "geannuleerd" in m["Subject"]]
        assert REASON in plain(mail)
    again = client.post(
        f"/api/v1/programmes/{slug}/cancel", json={"reason": REASON}, headers=headers
    )
    assert again.status_code == 409 and again.json["errors"][0]["code"] == "state_conflict"


def test_the_back_office_says_what_will_happen_and_asks_for_a_reason(client, db, smtp, full_course):
    slug, _ = full_course
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(f"/beheer/programmas/{slug}/laten-vervallen")
    assert page.status_code == 200
    text = page.text
    assert "4 aanmeldingen worden geannuleerd" in text
    assert "2 facturen worden volledig gecrediteerd" in text
    assert "1 betaling met iDEAL of creditcard wordt volledig terugbetaald" in text
    refused = client.post(
        f"/beheer/programmas/{slug}/laten-vervallen",
        data={"csrf_token": csrf_token(text), "reason": "  "},
    )
    assert refused.status_code == 422 and 'id="reason-error"' in refused.text
    db.session.expire_all()
    assert db.session.scalar(select(Programme.status)) is ProgrammeStatus.PUBLISHED
    with frozen_at(MARCH_2027):
        done = client.post(
            f"/beheer/programmas/{slug}/laten-vervallen",
            data={"csrf_token": csrf_token(text), "reason": REASON},
        )
    assert done.status_code == 302
    assert "4 aanmeldingen zijn geannuleerd" in client.get(done.headers["Location"]).text
    db.session.expire_all()
    assert db.session.scalar(select(Programme.status)) is ProgrammeStatus.CANCELLED
    # The old one-click status change no longer cancels without the consequences.
    page = client.get(f"/beheer/programmas/{slug}")
    assert 'name="status" value="cancelled"' not in page.text and "Publiceren" not in page.text
    # Nor does a status change bring it back (the rule is in planning/editing.py).
    again = client.post(
        f"/beheer/programmas/{slug}/status",
        data={"csrf_token": csrf_token(page.text), "status": "published"},
    )
    assert (
        "Een vervallen programma gaat niet meer door" in client.get(again.headers["Location"]).text
    )
    db.session.expire_all()
    assert db.session.scalar(select(Programme.status)) is ProgrammeStatus.CANCELLED


def test_two_organisers_cancelling_at_once_tell_everyone_once(app, db, smtp, full_course):
    slug, _ = full_course
    headers = _bearer(db)
    clients = [app.test_client() for _ in range(2)]

    def cancel(client):
        return lambda: (
            client.post(
                f"/api/v1/programmes/{slug}/cancel", json={"reason": REASON}, headers=headers
            ).status_code
        )

    answers = race(app, [cancel(c) for c in clients])
    assert sorted(answers) == [200, 409], answers  # the second finds it cancelled, under the lock
    db.session.expire_all()
    credits = db.session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.kind == InvoiceKind.CREDIT)
    )
    assert credits == 2
    cancellations = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.key.like("status:%"), OutboxMessage.recipient == "wacht@rotterdam.nl")
    )
    assert cancellations == 2  # waitlisted, then cancelled: one mail each, none twice


def test_the_cancellation_mail_takes_the_sessions_out_of_the_calendar(
    client, db, smtp, full_course
):
    slug, _ = full_course
    smtp.clear()
    with frozen_at(MARCH_2027):
        response = client.post(
            f"/api/v1/programmes/{slug}/cancel", json={"reason": REASON}, headers=_bearer(db)
        )
    assert response.status_code == 200
    [confirmed] = [m for m in smtp.to("factuur@rotterdam.nl") if "geannuleerd" in m["Subject"]]
    [ics] = [p for p in confirmed.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = ics.get_content()
    assert calendar.count("BEGIN:VEVENT") == 3 and calendar.count("STATUS:CANCELLED") == 3
    assert "SEQUENCE:1" in calendar
    # Who was only on the waiting list had nothing in their calendar.
    [waiting] = [m for m in smtp.to("wacht@rotterdam.nl") if "geannuleerd" in m["Subject"]]
    assert not [p for p in waiting.iter_attachments() if p.get_content_type() == "text/calendar"]


def test_a_series_that_has_begun_is_not_cancelled_as_a_whole(client, db, full_course):
    slug, ids = full_course
    with frozen_at(local(2099, 11, 23, 12)):  # the second course day
        response = client.post(
            f"/api/v1/programmes/{slug}/cancel", json={"reason": REASON}, headers=_bearer(db)
        )
        assert response.status_code == 422
        assert "al begonnen" in response.json["errors"][0]["message"]
        log_in(client, "org@example.nl", factories.PASSWORD)
        page = client.get(f"/beheer/programmas/{slug}/laten-vervallen")
    assert "al begonnen" in page.text and 'name="reason"' not in page.text
    db.session.expire_all()
    assert db.session.get(Registration, ids[0]).state is RegistrationState.CONFIRMED


def test_registering_while_the_programme_is_cancelled_never_lands_in_it(app, db, full_course):
    """A registration racing the cancellation either comes first (and is cancelled with the rest)
    or is refused; it never ends up confirmed in a cancelled programme."""
    slug, _ = full_course
    headers = _bearer(db)
    clients = [app.test_client() for _ in range(2)]
    with frozen_at(MARCH_2027):
        answers = race(
            app,
            [
                lambda: (
                    clients[0]
                    .post(
                        f"/api/v1/programmes/{slug}/cancel",
                        json={"reason": REASON},
                        headers=headers,
                    )
                    .status_code
                ),
                lambda: clients[1].post(URL, json=individual("laat@rotterdam.nl")).status_code,
            ],
        )
    assert answers[0] == 200, answers
    db.session.expire_all()
    late = db.session.scalars(
        select(Registration)
        .join(Registration.contact_person)
        .where(Registration.contact_person.has(email="laat@rotterdam.nl"))
    ).all()
    assert all(r.state is RegistrationState.CANCELLED for r in late), [r.state for r in late]
    if answers[1] != 201:
        assert late == []
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    assert programme.places_taken == 0


def test_a_cancelled_wijklab_programme_withdraws_the_labs_to_come_and_leaves_held_ones(
    client, db, smtp
):
    from tests.test_wijklab import _invitation_path, lab_url, step
    from tests.wijklab_helpers import URL as LAB_URL
    from tests.wijklab_helpers import expert_pool, lab_request, wijklab
    from wijkwerk.wijklab.models import LabRequest, LabStage

    wijklab()
    factories.account("org@example.nl", Role.ORGANISER)
    pool = expert_pool()
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    made = {}
    for code, name, day in (
        ("GM0606", "schiedam", "2027-01-12"),
        ("GM0363", "amsterdam", "2027-09-08"),
    ):
        body = lab_request(
            municipality=code,
            contact={"name": "Sanne Bakker", "email": f"s.bakker@{name}.nl", "function": "PM"},
        )
        assert client.post(LAB_URL, json=body).status_code == 201
        lab = db.session.scalars(select(LabRequest).order_by(LabRequest.id.desc())).first()
        step(client, lab, stage="intake", sharpened_question="Scherp", themes="wonen")
        if code == "GM0363":
            page = client.get(lab_url(lab))
            client.post(
                lab_url(lab, "/panel"),
                data={"csrf_token": csrf_token(page.text), "experts": [pool[0].id]},
            )
            path = _invitation_path(pool[0])
            client.post(
                path, data={"csrf_token": csrf_token(client.get(path).text), "answer": "accept"}
            )
        with frozen_at(local(2026, 12, 1, 10)):
            assert (
                step(client, lab, stage="planned", day=day, start="09:30", end="17:00").status_code
                == 302
            )
        made[code] = lab.id
    requested = lab_request(
        municipality="GM0599",
        contact={"name": "Ilse Vos", "email": "i.vos@rotterdam.nl", "function": "Adviseur"},
    )
    assert client.post(LAB_URL, json=requested).status_code == 201
    smtp.clear()
    with frozen_at(local(2027, 3, 1, 10)):  # Schiedam's lab was held in January
        page = client.get("/beheer/programmas/wijklab/laten-vervallen")
        assert "2 aanmeldingen worden geannuleerd" in page.text
        done = client.post(
            "/beheer/programmas/wijklab/laten-vervallen",
            data={"csrf_token": csrf_token(page.text), "reason": REASON},
        )
    assert done.status_code == 302
    db.session.expire_all()
    held, planned = (db.session.get(LabRequest, made[c]) for c in ("GM0606", "GM0363"))
    assert held.registration.state is RegistrationState.CONFIRMED  # held: nothing to undo
    assert held.session.status is SessionStatus.SCHEDULED
    assert not [i for i in held.registration.invoices if i.kind is InvoiceKind.CREDIT]
    assert (planned.stage, planned.registration.state) == (
        LabStage.WITHDRAWN,
        RegistrationState.CANCELLED,
    )
    assert planned.session.status is SessionStatus.CANCELLED
    assert sum(i.total_cents for i in planned.registration.invoices) == 0  # credited in full
    [told] = [m for m in smtp.to(pool[0].email) if m["Subject"].startswith("Gaat niet door")]
    assert told
    assert [m for m in smtp.to("i.vos@rotterdam.nl") if REASON in plain(m)]
