"""Paying by Stripe Checkout (iDEAL, card) against the local Stripe-compatible server, with webhook
events signed as Stripe signs them: the happy path, bad signatures, replays, expiry (by Stripe's
event and by `tick`), failed payments and refunds."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, end_unit_of_work
from tests.course_helpers import URL, course, deliver, individual
from tests.stripe_server import sign
from tests.trio_helpers import plain, subject
from wijkwerk.accounts.services import create_api_token
from wijkwerk.payments.models import Invoice, InvoiceKind, Refund, StripeEvent
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local

MARCH_2027 = local(2027, 3, 1, 10)


@pytest.fixture
def app_overrides(stripe_settings):
    return stripe_settings


@pytest.fixture
def programme(db):
    found = course()
    db.session.commit()
    return found


def register(client, email="fatima@rotterdam.nl", **changes) -> dict:
    response = client.post(URL, json=individual(email, payment_method="stripe", **changes))
    assert response.status_code == 201, response.json
    return response.json


def checkout(client, body: dict) -> str:
    """Follow the payment link to Stripe; returns the Checkout Session's id."""
    response = client.get(body["payment_url"].removeprefix("http://wijkwerk.test"))
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[-1]


def registration_of(db, body) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, body["id"])


def test_happy_path_pays_by_ideal_confirms_from_the_webhook_and_sends_a_paid_invoice(
    client, db, smtp, stripe, programme
):
    with frozen_at(MARCH_2027):
        body = register(client)
    assert body["state"] == "awaiting_payment"
    assert (
        body["payment_url"]
        == f"http://wijkwerk.test/aanmelding/{registration_of(db, body).manage_token}/betalen"
    )
    [waiting] = smtp.to("fatima@rotterdam.nl")
    assert subject(waiting).startswith("Aanmelding ontvangen, wacht op betaling")
    assert body["payment_url"] in plain(waiting)
    assert not smtp.to("facturen@rotterdam.nl")  # no invoice before the money is in

    session_id = checkout(client, body)
    session = stripe.sessions[session_id]
    assert session["amount_total"] == 217_800 and session["currency"] == "eur"
    assert session["payment_method_types"] == ["ideal", "card"]
    assert session["metadata"]["registration_id"] == str(body["id"])
    assert session["customer_email"] == "fatima@rotterdam.nl"
    assert session["success_url"].endswith("/betaling?session_id={CHECKOUT_SESSION_ID}")
    # a second click goes to the same checkout, no second session
    assert checkout(client, body) == session_id and len(stripe.sessions) == 1

    # back from Stripe before the webhook: the page does not take the redirect's word for it
    token = registration_of(db, body).manage_token
    page = client.get(f"/aanmelding/{token}/betaling?session_id={session_id}")
    assert "We verwerken uw betaling" in page.text and 'http-equiv="refresh"' in page.text
    assert registration_of(db, body).state.value == "awaiting_payment"

    with frozen_at(MARCH_2027):
        response = deliver(client, stripe.pay(session_id))
    assert response.status_code == 200 and response.json == {"received": True, "duplicate": False}
    registration = registration_of(db, body)
    assert registration.state.value == "confirmed"
    [payment] = registration.payments
    assert payment.status.value == "paid" and payment.stripe_payment_intent_id.startswith("pi_")
    [invoice] = registration.invoices
    assert invoice.number == "2027-0001" and invoice.paid_at is not None
    assert subject(smtp.to("fatima@rotterdam.nl")[-1]).startswith("Plaats bevestigd")
    [invoice_mail] = smtp.to("facturen@rotterdam.nl")
    assert "Deze factuur is al voldaan." in plain(invoice_mail)
    page = client.get(f"/aanmelding/{token}/betaling?session_id={session_id}")
    assert "Betaling ontvangen" in page.text and "http-equiv" not in page.text


def test_the_form_sends_the_registrant_straight_to_checkout(client, db, stripe, programme):
    page = client.get("/programmes/driedaagse/aanmelden")
    assert "iDEAL of creditcard" in page.text
    form = {
        "csrf_token": csrf_token(page.text),
        "person-name": "Fatima el Amrani",
        "person-email": "fatima@rotterdam.nl",
        "person-organisation": "Gemeente Rotterdam",
        "person-organisation_type": "gemeente",
        "person-role": "programmaleider",
        "billing-organisation": "Gemeente Rotterdam",
        "billing-address": "Coolsingel 40",
        "billing-postcode": "3011 AD",
        "billing-city": "Rotterdam",
        "billing-email": "facturen@rotterdam.nl",
        "payment_method": "stripe",
        "consent": "y",
    }
    response = client.post("/programmes/driedaagse/aanmelden", data=form)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/betalen")
    response = client.get(response.headers["Location"])
    assert response.headers["Location"] == stripe.only_session()["url"]


@pytest.mark.parametrize(
    "tamper",
    ["wrong-secret", "changed-payload", "no-header", "too-old", "not-json"],
)
def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(
    client, db, smtp, stripe, programme, tamper
):
    body = register(client)
    session_id = checkout(client, body)
    event = stripe.pay(session_id)
    payload = json.dumps(event).encode()
    headers = {"Stripe-Signature": sign(payload)}
    if tamper == "wrong-secret":
        headers = {"Stripe-Signature": sign(payload, secret="whsec_someone_else")}
    elif tamper == "changed-payload":
        payload = payload.replace(b'"paid"', b'"paid" ')
    elif tamper == "no-header":
        headers = {}
    elif tamper == "too-old":
        headers = {"Stripe-Signature": sign(payload, timestamp=int(time.time()) - 3600)}
    elif tamper == "not-json":
        payload = b"not json"
        headers = {"Stripe-Signature": sign(payload)}
    before = len(smtp.messages)
    response = client.post(
        "/stripe/webhook", data=payload, headers=headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json == {"error": "invalid signature"}
    assert registration_of(db, body).state.value == "awaiting_payment"
    assert db.session.scalar(select(func.count(StripeEvent.id))) == 0
    assert len(smtp.messages) == before


def test_a_replayed_event_changes_nothing_and_sends_nothing(client, db, smtp, stripe, programme):
    body = register(client)
    event = stripe.pay(checkout(client, body))
    assert deliver(client, event).json["duplicate"] is False
    mails = len(smtp.messages)
    history = len(registration_of(db, body).events)
    again = deliver(client, event)
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert len(smtp.messages) == mails
    registration = registration_of(db, body)
    assert len(registration.events) == history and len(registration.invoices) == 1


def test_the_same_event_delivered_twice_at_the_same_moment_counts_once(
    client, db, smtp, stripe, programme
):
    body = register(client)
    event = stripe.pay(checkout(client, body))
    barrier = threading.Barrier(4)
    answers = []

    def post() -> None:
        barrier.wait()
        answers.append(deliver(client, event))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [200] * 4
    assert sorted(a.json["duplicate"] for a in answers) == [False, True, True, True]
    registration = registration_of(db, body)
    assert registration.state.value == "confirmed" and len(registration.invoices) == 1
    assert len(smtp.to("facturen@rotterdam.nl")) == 1
    assert len([m for m in smtp.to("fatima@rotterdam.nl") if "bevestigd" in subject(m)]) == 1


def test_an_expired_checkout_frees_the_place_for_the_waiting_list(
    client, db, smtp, stripe, programme
):
    programme.capacity = 1
    db.session.commit()
    first = register(client)
    second = client.post(URL, json=individual("bas@example.nl")).json  # invoice route
    assert second["state"] == "waitlisted"
    session_id = checkout(client, first)
    assert deliver(client, stripe.expire(session_id)).status_code == 200

    registration = registration_of(db, first)
    assert registration.state.value == "submitted" and not registration.holds_place
    assert registration.payments[0].status.value == "expired"
    assert registration_of(db, second).state.value == "confirmed"
    assert subject(smtp.to("bas@example.nl")[-1]).startswith("Plaats bevestigd")
    assert "Uw plaats is vrijgegeven" in plain(smtp.to("fatima@rotterdam.nl")[-1])

    # paying again finds the course full: the waiting list, no new checkout
    token = registration.manage_token
    page = client.get(f"/aanmelding/{token}")
    assert "Opnieuw betalen" in page.text
    response = client.post(
        f"/aanmelding/{token}/opnieuw-betalen", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 302
    assert registration_of(db, first).state.value == "waitlisted"
    assert len(stripe.sessions) == 1


def test_paying_again_after_expiry_takes_a_free_place_and_a_new_checkout(
    client, db, stripe, programme
):
    body = register(client)
    deliver(client, stripe.expire(checkout(client, body)))
    token = registration_of(db, body).manage_token
    page = client.get(f"/aanmelding/{token}")
    response = client.post(
        f"/aanmelding/{token}/opnieuw-betalen", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 303
    response = client.get(response.headers["Location"])
    assert response.status_code == 303 and len(stripe.sessions) == 2
    registration = registration_of(db, body)
    assert registration.state.value == "awaiting_payment" and registration.holds_place
    assert [p.status.value for p in registration.payments] == ["expired", "pending"]


def test_tick_expires_an_unpaid_checkout_at_stripe_and_frees_the_place(
    client, db, runner, smtp, stripe, programme
):
    with frozen_at(MARCH_2027):
        body = register(client)
        session_id = checkout(client, body)
    assert stripe.sessions[session_id]["expires_at"] == int(
        registration_of(db, body).payments[0].expires_at.timestamp()
    )
    early = runner.invoke(args=["wijkwerk", "tick", "--now", "2027-03-01T10:59:00+01:00"])
    assert "0 verlopen betalingen" in early.output
    assert stripe.sessions[session_id]["status"] == "open"

    result = runner.invoke(args=["wijkwerk", "tick", "--now", "2027-03-01T11:01:00+01:00"])
    assert result.exit_code == 0, result.output
    assert "1 verlopen betaling" in result.output
    assert stripe.sessions[session_id]["status"] == "expired"
    registration = registration_of(db, body)
    assert registration.state.value == "submitted" and not registration.holds_place
    assert registration.programme.places_taken == 0
    assert "Uw plaats is vrijgegeven" in plain(smtp.to("fatima@rotterdam.nl")[-1])
    # Stripe's own expiry notice arrives later and changes nothing more
    mails = len(smtp.messages)
    deliver(client, stripe.event("checkout.session.expired", stripe.sessions[session_id]))
    assert len(smtp.messages) == mails

    again = runner.invoke(args=["wijkwerk", "tick", "--now", "2027-03-01T11:01:00+01:00"])
    assert "0 verlopen betalingen" in again.output


def test_tick_counts_a_payment_whose_webhook_never_came(
    client, db, runner, smtp, stripe, programme
):
    with frozen_at(MARCH_2027):
        body = register(client)
        session_id = checkout(client, body)
    stripe.pay(session_id)  # paid at Stripe; the event is lost
    result = runner.invoke(args=["wijkwerk", "tick", "--now", "2027-03-01T11:05:00+01:00"])
    assert "0 verlopen betalingen" in result.output
    registration = registration_of(db, body)
    assert registration.state.value == "confirmed" and registration.holds_place
    assert len(registration.invoices) == 1


def test_a_failed_payment_is_told_and_the_place_stays_held(client, db, smtp, stripe, programme):
    body = register(client)
    session_id = checkout(client, body)
    event = stripe.payment_failed(session_id, "Your card was declined.")
    assert deliver(client, event).status_code == 200
    mail = smtp.to("fatima@rotterdam.nl")[-1]
    assert subject(mail).startswith("Betaling niet gelukt")
    assert "De bank of kaartuitgever heeft de betaling niet uitgevoerd." in plain(mail)
    assert "declined" not in plain(mail)  # Stripe's English stays in the log
    assert body["payment_url"] in plain(mail)
    registration = registration_of(db, body)
    assert registration.state.value == "awaiting_payment" and registration.holds_place
    deliver(client, event)  # replayed: no second mail
    assert len([m for m in smtp.to("fatima@rotterdam.nl") if "niet gelukt" in subject(m)]) == 1
    # and paying afterwards still works
    deliver(client, stripe.pay(session_id))
    assert registration_of(db, body).state.value == "confirmed"


def test_cancelling_a_paid_registration_refunds_through_stripe_and_credits_the_invoice(
    client, db, smtp, stripe, programme
):
    with frozen_at(MARCH_2027):
        body = register(client)
        deliver(client, stripe.pay(checkout(client, body)))
        token = registration_of(db, body).manage_token
        page = client.get(f"/aanmelding/{token}/annuleren")
        client.post(f"/aanmelding/{token}/annuleren", data={"csrf_token": csrf_token(page.text)})

    registration = registration_of(db, body)
    assert registration.state.value == "cancelled" and not registration.holds_place
    [refund] = stripe.refunds.values()
    assert refund["amount"] == 217_800
    assert refund["payment_intent"] == registration.payments[0].stripe_payment_intent_id
    [ours] = db.session.scalars(select(Refund)).all()
    assert ours.status.value == "succeeded" and ours.stripe_refund_id == refund["id"]
    credit = db.session.scalar(select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT))
    assert credit.total_cents == -217_800 and credit.number == "2027-0002"
    mails = [subject(m) for m in smtp.to("fatima@rotterdam.nl")]
    assert any(s.startswith("Terugbetaling van € 2.178,00") for s in mails)
    assert any(s.startswith("Aanmelding geannuleerd") for s in mails)

    # Stripe confirms the refund; replayed, it changes nothing
    event = stripe.charge_refunded(refund["payment_intent"])
    deliver(client, event)
    deliver(client, event)
    payment = registration_of(db, body).payments[0]
    assert payment.status.value == "refunded" and payment.refunded_cents == 217_800
    assert len(stripe.refunds) == 1


def test_a_late_cancellation_refunds_half_by_the_terms(client, db, stripe, programme):
    with frozen_at(MARCH_2027):
        body = register(client)
        deliver(client, stripe.pay(checkout(client, body)))
    token = registration_of(db, body).manage_token
    with frozen_at(local(2099, 11, 1, 12)):
        page = client.get(f"/aanmelding/{token}/annuleren")
        client.post(f"/aanmelding/{token}/annuleren", data={"csrf_token": csrf_token(page.text)})
    [refund] = stripe.refunds.values()
    assert refund["amount"] == 108_900  # half of EUR 2,178
    credit = db.session.scalar(select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT))
    assert credit.total_cents == -108_900


def test_an_organiser_can_refund_in_full_whatever_the_terms(client, db, stripe, programme):
    with frozen_at(MARCH_2027):
        body = register(client)
        deliver(client, stripe.pay(checkout(client, body)))
    account = factories.account()
    db.session.commit()
    token = create_api_token(account)
    db.session.commit()
    with frozen_at(local(2099, 11, 1, 12)):
        response = client.post(
            f"/api/v1/registrations/{body['id']}/cancel",
            json={"reason": "programma verplaatst", "full_refund": True},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200
    assert response.json["state"] == "cancelled"
    # The answer says what was committed: the refund recorded; Stripe gets it after the answer.
    [refund] = response.json["payments"][0]["refunds"]
    assert refund == {**refund, "amount_cents": 217_800, "status": "pending"}
    assert [i["kind"] for i in response.json["invoices"]] == ["invoice", "credit"]
    again = client.get(
        f"/api/v1/registrations/{body['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    [refund] = again.json["payments"][0]["refunds"]
    assert refund == {**refund, "amount_cents": 217_800, "status": "succeeded"}


def test_a_refund_stripe_could_not_take_is_retried_by_tick(client, db, runner, stripe, programme):
    with frozen_at(MARCH_2027):
        body = register(client)
        deliver(client, stripe.pay(checkout(client, body)))
    stripe.down = True
    token = registration_of(db, body).manage_token
    with frozen_at(MARCH_2027):
        page = client.get(f"/aanmelding/{token}/annuleren")
        client.post(f"/aanmelding/{token}/annuleren", data={"csrf_token": csrf_token(page.text)})
    refund = db.session.scalar(select(Refund))
    assert refund.status.value == "pending" and refund.last_error
    stripe.down = False
    result = runner.invoke(args=["wijkwerk", "tick"])
    assert "1 terugbetaling" in result.output
    assert len(stripe.refunds) == 1
    result = runner.invoke(args=["wijkwerk", "tick"])
    assert "0 terugbetalingen" in result.output and len(stripe.refunds) == 1


def test_money_that_arrives_after_cancelling_goes_back_in_full(client, db, stripe, programme):
    body = register(client)
    session_id = checkout(client, body)
    token = registration_of(db, body).manage_token
    page = client.get(f"/aanmelding/{token}/annuleren")
    client.post(f"/aanmelding/{token}/annuleren", data={"csrf_token": csrf_token(page.text)})
    assert stripe.refunds == {}
    deliver(client, stripe.pay(session_id))  # the customer finished paying in another tab
    [refund] = stripe.refunds.values()
    assert refund["amount"] == 217_800
    assert registration_of(db, body).state.value == "cancelled"


def test_stripe_down_keeps_the_registration_and_the_place(client, db, stripe, programme):
    stripe.down = True
    body = register(client)
    response = client.get(body["payment_url"].removeprefix("http://wijkwerk.test"))
    assert response.status_code == 302  # back to the registration, with an explanation
    page = client.get(response.headers["Location"])
    assert "De betaalpagina is even niet bereikbaar" in page.text
    registration = registration_of(db, body)
    assert registration.state.value == "awaiting_payment" and registration.holds_place
    stripe.down = False
    assert checkout(client, body) in stripe.sessions


def test_a_paid_amount_that_differs_is_not_accepted(client, db, stripe, programme):
    body = register(client)
    session_id = checkout(client, body)
    event = stripe.pay(session_id)
    event["data"]["object"]["amount_total"] = 100
    deliver(client, event)
    registration = registration_of(db, body)
    assert registration.state.value == "awaiting_payment"
    assert registration.payments[0].failure_message.startswith("Het betaalde bedrag (100 EUR")


def test_someone_moved_up_from_the_waiting_list_gets_a_day_to_pay(
    client, db, smtp, stripe, programme
):
    programme.capacity = 1
    db.session.commit()
    with frozen_at(MARCH_2027):
        first = client.post(URL, json=individual("bas@example.nl")).json  # invoice: the place
        waiting = register(client)
        assert waiting["state"] == "waitlisted" and waiting["payment_url"] is None
        lifecycle.cancel(db.session.get(Registration, first["id"]))
        end_unit_of_work()
    registration = registration_of(db, waiting)
    assert registration.state.value == "awaiting_payment" and registration.holds_place
    hold = registration.payments[0].expires_at - MARCH_2027
    assert hold > dt.timedelta(hours=23)
    mail = smtp.to("fatima@rotterdam.nl")[-1]
    assert "van de wachtlijst geplaatst" in plain(mail)
    assert "/betalen" in plain(mail)
