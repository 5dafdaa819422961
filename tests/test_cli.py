"""The ``wijkwerk`` command group: accounts, tokens and demo data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, log_in
from wijkwerk.accounts.models import Account, ApiToken, Role
from wijkwerk.accounts.services import account_for_token
from wijkwerk.programmes.models import Programme, ProgrammeKind
from wijkwerk.timeutil import AMSTERDAM, frozen_at


def test_create_organiser_asks_for_a_password_and_stores_only_its_hash(runner, db):
    result = runner.invoke(
        args=["wijkwerk", "create-organiser", "Romy@Platform31.nl", "--role", "admin"],
        input="een lang wachtwoord\neen lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert "Account aangemaakt: romy@platform31.nl (admin)" in result.output
    account = db.session.scalar(select(Account))
    assert account.role is Role.ADMIN
    assert "een lang wachtwoord" not in account.password_hash
    assert account.check_password("een lang wachtwoord")


def test_create_organiser_defaults_to_organiser_and_refuses_a_duplicate(runner, db):
    args = ["wijkwerk", "create-organiser", "a@example.nl", "--password", "twaalf tekens!"]
    assert runner.invoke(args=args).exit_code == 0
    assert db.session.scalar(select(Account.role)) is Role.ORGANISER
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "Er bestaat al een account voor a@example.nl." in again.output
    assert db.session.scalar(select(func.count()).select_from(Account)) == 1


def test_create_organiser_refuses_a_short_password(runner, db):
    result = runner.invoke(
        args=["wijkwerk", "create-organiser", "a@example.nl", "--password", "kort"]
    )
    assert result.exit_code == 1
    assert "minstens 12 tekens" in result.output
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


def test_create_organiser_refuses_an_easy_password(runner, db):
    result = runner.invoke(
        args=["wijkwerk", "create-organiser", "a@example.nl", "--password", "aaaaaaaaaaaa"]
    )
    assert result.exit_code == 1
    assert "Dit wachtwoord is te makkelijk te raden" in result.output
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


@pytest.mark.parametrize(
    "address", ["viewer@ww.test", "jörg@example.nl", "\u0430nna@example.nl", "geen-adres"]
)
def test_create_organiser_refuses_an_address_the_login_form_refuses(client, runner, db, address):
    result = runner.invoke(
        args=["wijkwerk", "create-organiser", address, "--password", factories.PASSWORD]
    )
    assert result.exit_code == 1, result.output
    assert "e-mailadres" in result.output
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0
    page = client.get("/login")  # and the log-in form says no to it just the same
    tried = client.post(
        "/login",
        data={
            "email": address,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert tried.status_code == 422 and 'id="email-error"' in tried.text


def test_an_organiser_made_with_a_full_width_address_logs_in_with_the_plain_one(client, runner, db):
    result = runner.invoke(
        args=[
            "wijkwerk",
            "create-organiser",
            "ＶＩＥＷＥＲ@example.nl",
            "--password",
            factories.PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Account aangemaakt: viewer@example.nl" in result.output
    log_in(client, "viewer@example.nl", factories.PASSWORD)


def test_create_token_prints_a_working_token_and_stores_only_its_hash(runner, db):
    factories.account("viewer@example.nl", Role.VIEWER)
    db.session.commit()
    result = runner.invoke(args=["wijkwerk", "create-token", "viewer@example.nl"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("ww_") and len(token) > 40
    stored = db.session.scalar(select(ApiToken))
    assert token not in (stored.token_hash, stored.prefix)
    assert account_for_token(token).email == "viewer@example.nl"
    assert account_for_token(token + "x") is None


def test_create_token_for_an_unknown_account_fails(runner):
    result = runner.invoke(args=["wijkwerk", "create-token", "niemand@example.nl"])
    assert result.exit_code == 1
    assert "Geen account met e-mailadres niemand@example.nl." in result.output


def test_demo_creates_the_four_programmes_in_the_coming_year_once(runner, db):
    with frozen_at(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)):
        first = runner.invoke(args=["wijkwerk", "demo"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(args=["wijkwerk", "demo"])
    assert "niets gewijzigd" in second.output
    programmes = {p.kind: p for p in db.session.scalars(select(Programme))}
    assert len(programmes) == 4

    werkplaatsen = programmes[ProgrammeKind.WERKPLAATS]
    assert (werkplaatsen.fee_cents, werkplaatsen.capacity, werkplaatsen.min_participants) == (
        20_000,
        8,
        6,
    )
    assert werkplaatsen.exemption.value == "middelgroot"
    assert werkplaatsen.allocation.value == "priority_at_close"
    days = [s.starts_at.astimezone(AMSTERDAM) for s in werkplaatsen.sessions]
    assert [d.date().isoformat() for d in days] == ["2027-10-12", "2027-11-04", "2028-01-11"]
    assert [d.strftime("%A") for d in days] == ["Tuesday", "Thursday", "Tuesday"]  # as in the seed
    assert [s.theme for s in werkplaatsen.sessions][1] == "Lokale agenda"

    driedaagse = programmes[ProgrammeKind.DRIEDAAGSE]
    assert driedaagse.fee_cents == 180_000 and driedaagse.price.total_cents == 217_800
    course_days = [s.starts_at.astimezone(AMSTERDAM) for s in driedaagse.sessions]
    assert [d.strftime("%a %H:%M") for d in course_days] == ["Mon 09:30", "Tue 09:30", "Wed 09:30"]
    assert driedaagse.registration_deadline < driedaagse.sessions[0].starts_at
    assert {c.topic.value for c in driedaagse.contacts} == {"content", "practical"}

    wijklab = programmes[ProgrammeKind.WIJKLAB]
    assert (wijklab.fee_cents, wijklab.sessions) == (500_000, [])
    kennis = programmes[ProgrammeKind.KENNISPROGRAMMA]
    assert len(kennis.sessions) == 4 and kennis.capacity == 12
    assert all(s.starts_at.year in (2027, 2028) for s in kennis.sessions)


def test_demo_leaves_an_organisers_changes_alone(runner, db):
    runner.invoke(args=["wijkwerk", "demo"])
    programme = db.session.scalar(select(Programme).where(Programme.kind == ProgrammeKind.WIJKLAB))
    programme.fee_cents = 450_000
    db.session.commit()
    runner.invoke(args=["wijkwerk", "demo"])
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).fee_cents == 450_000


def test_with_the_municipalities_loaded_the_demo_shows_labs_and_cities_at_work(runner, db, smtp):
    from wijkwerk.kennis.models import CityParticipation, KennisMeeting
    from wijkwerk.outbox.models import OutboxMessage
    from wijkwerk.registrations.parts import MemberRole, RegistrationMember
    from wijkwerk.wijklab.models import InvitationStatus, LabRequest

    assert runner.invoke(args=["wijkwerk", "load-municipalities"]).exit_code == 0
    with frozen_at(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)):
        result = runner.invoke(args=["wijkwerk", "demo"])
    assert result.exit_code == 0, result.output
    labs = {
        lab.registration.municipality.display_name: lab
        for lab in db.session.scalars(select(LabRequest))
    }
    assert {name: lab.stage.value for name, lab in labs.items()} == {
        "Schiedam": "planned",
        "Zwolle": "intake",
        "Tilburg": "requested",
    }
    schiedam = labs["Schiedam"]
    assert schiedam.registration.state.value == "confirmed" and schiedam.registration.invoices
    assert sum(i.status is InvitationStatus.ACCEPTED for i in schiedam.invitations) == 5
    assert schiedam.startnotitie is not None and schiedam.session is not None
    assert len(db.session.scalars(select(CityParticipation)).all()) == 12
    delegates = db.session.scalars(
        select(RegistrationMember).where(RegistrationMember.role == MemberRole.DELEGATE)
    ).all()
    assert 2 * 11 <= len(delegates) <= 3 * 11 + 1  # one city is still short
    meeting = db.session.scalars(select(KennisMeeting)).one()
    assert meeting.host_registration_id is not None and len(meeting.presenters) == 3
    # Nobody gets mail from demo data.
    assert db.session.scalar(select(OutboxMessage.id)) is None and smtp.messages == []
