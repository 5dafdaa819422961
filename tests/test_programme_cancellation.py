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
    assert sorted(answers) in ([200, 200], [200, 409]), answers
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
