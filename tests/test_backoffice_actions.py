"""A registration's page in the back-office: it offers exactly the actions its state allows (the
test walks the states), each through a page that says what follows and does nothing until its
button is pressed; the history speaks Dutch and says when each step happened; every mail can be
read as sent and sent again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests import conftest, factories, trio_helpers
from tests.conftest import csrf_token, end_unit_of_work
from tests.test_pages import text_of
from tests.trio_helpers import subject, trio
from wijkwerk.outbox.models import OutboxMessage
from wijkwerk.programmes.models import Allocation, Programme
from wijkwerk.registrations import actions, approval, lifecycle
from wijkwerk.registrations.models import ALLOWED_TRANSITIONS, Registration, RegistrationState
from wijkwerk.timeutil import frozen_at, local
from wijkwerk.werkplaatsen import services as trios

S = RegistrationState


@pytest.fixture
def series(db):
    """Werkplaatsen with two places, paying trios (EUR 242 incl. btw), an organiser."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(capacity=2, min_participants=1)
    factories.account("org@example.nl")
    db.session.commit()
    return programme


def offered(client, registration: Registration) -> set[str]:
    """The actions the registration's page links to."""
    page = client.get(f"/beheer/aanmeldingen/{registration.id}")
    assert page.status_code == 200
    return set(re.findall(rf"/beheer/aanmeldingen/{registration.id}/acties/([a-z_]+)", page.text))


def registered(series, code: str = "GM0606") -> Registration:
    domain = "schiedam.nl" if code == "GM0606" else f"{code.lower()}.nl"
    found = trios.register_trio(series, trio(code, domain)).registration
    end_unit_of_work()
    return found


def test_each_state_offers_exactly_its_actions(client, db, smtp, series):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    waiting_for_approval = registered(series, "GM0606")
    assert offered(client, waiting_for_approval) == {"approve", "decline", "cancel", "exempt"}

    confirmed = registered(series, "GM0344")
    approval.approve(confirmed)  # a place and an invoice
    end_unit_of_work()
    assert confirmed.state is S.CONFIRMED and confirmed.invoices
    assert offered(client, confirmed) == {"cancel", "cancel_full_refund", "exempt"}

    exempt = registered(series, "GM0141")  # Almelo: middelgroot, exempt
    approval.approve(exempt)
    end_unit_of_work()
    assert exempt.state is S.CONFIRMED and exempt.exempt
    assert offered(client, exempt) == {"cancel", "charge"}  # nothing invoiced to pay back

    waiting = registered(series, "GM0363")
    approval.approve(waiting)  # both places are taken
    end_unit_of_work()
    assert waiting.state is S.WAITLISTED
    assert offered(client, waiting) == {"cancel", "exempt"}  # no place free: no promotion
    series.capacity = 3
    db.session.commit()
    assert offered(client, waiting) == {"promote", "cancel", "exempt"}

    declined = registered(series, "GM0518")
    approval.decline(declined)
    end_unit_of_work()
    assert offered(client, declined) == set()
    lifecycle.cancel(confirmed)
    end_unit_of_work()
    assert offered(client, confirmed) == set()
    assert "In deze status is er niets te doen." in text_of(
        client.get(f"/beheer/aanmeldingen/{confirmed.id}")
    )


def test_an_action_moves_only_where_the_state_table_allows():
    for action in actions.ACTIONS:
        for state in RegistrationState:
            programme = Programme(capacity=2, places_taken=0)
            registration = Registration(
                state=state, fee_cents=20_000, exempt=False, programme=programme
            )
            if action.target is not None and action.allowed(registration):
                assert action.target in ALLOWED_TRANSITIONS[state], (action.code, state)
            if state.is_final:
                assert not action.allowed(registration), (action.code, state)


def test_cancelling_goes_through_a_page_that_says_what_follows(client, db, smtp, series):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    confirmed = registered(series)
    approval.approve(confirmed)
    second, waiting = registered(series, "GM0344"), registered(series, "GM0363")
    approval.approve(second)
    approval.approve(waiting)
    end_unit_of_work()
    assert waiting.state is S.WAITLISTED
    smtp.clear()
    url = f"/beheer/aanmeldingen/{confirmed.id}/acties/cancel"
    page = client.get(url)
    assert page.status_code == 200
    said = text_of(page)
    number = confirmed.invoices[0].number
    assert "Annuleren?" in said and "Wat er dan gebeurt" in said
    assert f"Een creditfactuur van € 242,00 voor factuur {number}." in said
    assert "De plaats gaat naar wie als eerste op de wachtlijst staat." in said
    assert "Anna de Vries, Bram Jansen, Chantal Bakker krijgen hiervan een e-mail." in said
    assert "Dit kan niet ongedaan worden gemaakt." in said
    assert (
        'class="utrecht-button utrecht-button--primary-action utrecht-button--danger"' in page.text
    )
    db.session.expire_all()
    assert db.session.get(Registration, confirmed.id).state is S.CONFIRMED  # nothing yet
    assert smtp.messages == []

    done = client.post(url, data={"csrf_token": csrf_token(page.text), "reason": "dubbel"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, confirmed.id).state is S.CANCELLED
    assert db.session.get(Registration, waiting.id).state is S.CONFIRMED  # moved up
    shown = text_of(client.get(done.headers["Location"]))
    assert "De aanmelding is geannuleerd." in shown
    assert any(subject(m).startswith("Aanmelding geannuleerd") for m in smtp.to("anna@schiedam.nl"))


def test_a_get_of_an_action_page_does_nothing_and_a_reason_is_asked_where_needed(
    client, db, smtp, series
):
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    found = registered(series)
    smtp.clear()
    for code in ("approve", "decline", "cancel", "exempt"):
        assert client.get(f"/beheer/aanmeldingen/{found.id}/acties/{code}").status_code == 200
    db.session.expire_all()
    assert db.session.get(Registration, found.id).state is S.AWAITING_APPROVAL
    assert smtp.messages == []
    page = client.get(f"/beheer/aanmeldingen/{found.id}/acties/exempt")
    refused = client.post(
        f"/beheer/aanmeldingen/{found.id}/acties/exempt",
        data={"csrf_token": csrf_token(page.text), "reason": "  "},
    )
    assert refused.status_code == 422
    assert "Geef een reden op; die komt in de geschiedenis." in text_of(refused)
    assert client.get(f"/beheer/aanmeldingen/{found.id}/acties/bestaat-niet").status_code == 404


def test_the_history_says_who_in_dutch_and_when_each_step_happened(client, db, smtp, series):
    with frozen_at(local(2027, 3, 1, 9, 15)):
        found = trios.register_trio(series, trio(), now=local(2027, 3, 1, 9, 15)).registration
        end_unit_of_work()
    with frozen_at(local(2027, 3, 4, 16, 40)):
        approval.approve(found, actor_label="approver dirk@schiedam.nl")
        end_unit_of_work()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    page = text_of(client.get(f"/beheer/aanmeldingen/{found.id}"))
    history = page[page.index("Geschiedenis") : page.index("Mails")]
    assert "maandag 1 maart 2027, 09:15 Aanmelding ontvangen aanmelder" in history
    assert "maandag 1 maart 2027, 09:15 Aanmelding ontvangen, wacht op akkoord systeem" in history
    assert "donderdag 4 maart 2027, 16:40 Plaats bevestigd bestuurder (dirk@schiedam.nl)" in history
    assert "registrant" not in history and "system" not in history


def test_every_mail_can_be_read_as_sent_and_sent_again(client, db, smtp, series):
    found = registered(series)
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    message = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.registration_id == found.id,
            OutboxMessage.recipient == "anna@schiedam.nl",
        )
    ).first()
    page = client.get(f"/beheer/aanmeldingen/{found.id}")
    assert f"/beheer/aanmeldingen/{found.id}/mails/{message.id}" in page.text
    read = client.get(f"/beheer/aanmeldingen/{found.id}/mails/{message.id}")
    said = text_of(read)
    assert "Beste Anna de Vries," in said and "anna@schiedam.nl" in said
    assert "Inhoudelijke vragen" in said or "Vragen? Neem contact op:" in said
    html = client.get(f"/beheer/aanmeldingen/{found.id}/mails/{message.id}/html")
    assert html.status_code == 200 and "<p>" in html.text
    policy = html.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
    other = registered(series, "GM0344")
    assert client.get(f"/beheer/aanmeldingen/{other.id}/mails/{message.id}").status_code == 404

    smtp.clear()
    resent = client.post(
        f"/beheer/aanmeldingen/{found.id}/mails/{message.id}",
        data={"csrf_token": csrf_token(read.text)},
    )
    assert resent.status_code == 302
    [again] = smtp.to("anna@schiedam.nl")
    assert subject(again) == re.sub(r"\s+", " ", message.subject)
    history = text_of(client.get(f"/beheer/aanmeldingen/{found.id}"))
    assert "Mail opnieuw verstuurd aan anna@schiedam.nl" in history


def test_allocating_goes_through_a_page_that_warns_before_the_closing_date(client, db, smtp):
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats(
        allocation=Allocation.PRIORITY_AT_CLOSE, capacity=2, min_participants=2
    )
    factories.account("org@example.nl")
    first, second, third = (
        trios.register_trio(programme, trio(code, f"{code.lower()}.nl")).registration
        for code in ("GM0606", "GM0344", "GM0363")
    )
    for found in (first, second, third):
        approval.approve(found)
    end_unit_of_work()
    smtp.clear()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    url = f"/beheer/programmas/{programme.slug}/verdelen"
    page = client.get(url)
    said = text_of(page)
    assert "Plaatsen nu verdelen?" in said
    assert "De aanmelding is nog open tot en met" in said  # the deadline is in 2099
    assert "2 aanmeldingen krijgen een plaats" in said
    assert said.index(first.reference) < said.index(second.reference)
    assert "1 aanmelding komt op de wachtlijst" in said and third.reference in said
    assert "onder het minimum" not in said
    db.session.expire_all()
    assert db.session.get(Registration, first.id).state is S.SUBMITTED  # nothing yet
    assert smtp.messages == []

    done = client.post(url, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, first.id).state is S.CONFIRMED
    assert db.session.get(Registration, third.id).state is S.WAITLISTED
    assert "Plaatsen verdeeld: 2 geplaatst, 1 op de wachtlijst." in text_of(
        client.get(done.headers["Location"])
    )


def test_a_full_refund_says_it_credits_everything_before_it_is_done(client, db, smtp):
    from tests.course_helpers import course, individual
    from wijkwerk.driedaagse import services as individuals
    from wijkwerk.timeutil import local as at

    programme = course()
    factories.account("org@example.nl")
    found = individuals.register_individual(programme, individual()).registration
    end_unit_of_work()
    with frozen_at(at(2099, 11, 1, 10)):  # three weeks before: by the terms, half stays due
        conftest.log_in(client, "org@example.nl", factories.PASSWORD)
        number = found.invoices[0].number
        by_terms = text_of(client.get(f"/beheer/aanmeldingen/{found.id}/acties/cancel"))
        assert f"Een creditfactuur van € 1.089,00 voor factuur {number}." in by_terms
        assert "Volgens de voorwaarden blijft € 1.089,00 verschuldigd." in by_terms
        url = f"/beheer/aanmeldingen/{found.id}/acties/cancel_full_refund"
        page = client.get(url)
        said = text_of(page)
        assert "Annuleren en alles terugbetalen?" in said
        assert f"Een creditfactuur van € 2.178,00 voor factuur {number}." in said
        assert "verschuldigd" not in said and "Dit kan niet ongedaan worden gemaakt." in said
        db.session.expire_all()
        assert db.session.get(Registration, found.id).state is S.CONFIRMED  # nothing yet
        client.post(url, data={"csrf_token": csrf_token(page.text), "reason": "ziek"})
    db.session.expire_all()
    credit = [i for i in db.session.get(Registration, found.id).invoices if i.is_credit]
    assert [c.total_cents for c in credit] == [-217_800]


def test_an_exemption_granted_after_invoicing_credits_the_invoice_in_full(client, db, smtp):
    """Granting an exemption once the fee was invoiced left the invoice to be paid ("die wordt
    niet vanzelf gecrediteerd"): the registration owes nothing, so all of it is credited."""
    from tests.course_helpers import course, individual
    from wijkwerk.driedaagse import services as individuals

    programme = course()
    factories.account("org@example.nl")
    found = individuals.register_individual(programme, individual()).registration
    end_unit_of_work()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    number = found.invoices[0].number
    url = f"/beheer/aanmeldingen/{found.id}/acties/exempt"
    page = client.get(url)
    said = text_of(page)
    assert f"Een creditfactuur van € 2.178,00 voor factuur {number}." in said
    assert "niet vanzelf gecrediteerd" not in said
    # the reason is required here, so its label does not say "niet verplicht"; with cancelling it is
    assert "(niet verplicht)" not in said and "Reden of toelichting" in said
    assert "(niet verplicht)" in text_of(
        client.get(f"/beheer/aanmeldingen/{found.id}/acties/cancel")
    )
    smtp.clear()
    done = client.post(url, data={"csrf_token": csrf_token(page.text), "reason": "M50-lid"})
    assert done.status_code == 302
    db.session.expire_all()
    registration = db.session.get(Registration, found.id)
    assert registration.exempt and registration.price.total_cents == 0
    [credit] = [i for i in registration.invoices if i.is_credit]
    assert credit.total_cents == -217_800 and credit.credited_invoice.number == number
    assert registration.invoices[0].outstanding_cents == 0
    assert f"Creditfactuur {credit.number}: € 2.178,00." in registration.events[-1].reason.replace(
        "\xa0", " "
    )
    [mail] = smtp.to("facturen@rotterdam.nl")
    assert f"Creditfactuur {credit.number}" in subject(mail)
    # settling again credits nothing more: all of it is credited already
    assert lifecycle.settle_exemption(registration) == []
    assert len([i for i in registration.invoices if i.is_credit]) == 1


def test_withdrawing_the_exemption_of_a_confirmed_registration_invoices_it_again(client, db, smtp):
    """Withdrawing an exemption said "een factuur gaat pas uit bij een volgende stap", and a
    confirmed registration has no next step: it was never invoiced. Now it is, at once."""
    from tests.course_helpers import course, individual
    from wijkwerk.driedaagse import services as individuals

    programme = course()
    factories.account("org@example.nl")
    found = individuals.register_individual(programme, individual()).registration
    end_unit_of_work()
    conftest.log_in(client, "org@example.nl", factories.PASSWORD)
    base = f"/beheer/aanmeldingen/{found.id}/acties"
    page = client.get(f"{base}/exempt")
    client.post(f"{base}/exempt", data={"csrf_token": csrf_token(page.text), "reason": "M50"})
    page = client.get(f"{base}/charge")
    said = text_of(page)
    assert "betaalt € 2.178,00 incl. btw; de factuur gaat nu naar het factuuradres" in said
    smtp.clear()
    done = client.post(
        f"{base}/charge", data={"csrf_token": csrf_token(page.text), "reason": "geen M50-lid"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    registration = db.session.get(Registration, found.id)
    first, credit, second = registration.invoices
    assert (first.is_credit, credit.is_credit, second.is_credit) == (False, True, False)
    assert credit.credited_invoice_id == first.id and second.total_cents == 217_800
    assert second.outstanding_cents == 217_800 and second.number != first.number
    assert [subject(m) for m in smtp.to("facturen@rotterdam.nl")] == [
        f"Factuur {second.number}: {programme.title}"
    ]
