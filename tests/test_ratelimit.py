"""Rate limits on public writes and the log-in throttle (wijkwerk/ratelimit.py): counted in the
database per client address and per e-mail address, shared by every process, exact under racing
threads, and answered with 429, Retry-After and a Dutch message."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests import factories, trio_helpers
from tests.conftest import csrf_token, log_in
from tests.course_helpers import URL, course, individual
from tests.test_trio_form import FORM, form_data
from wijkwerk.accounts.services import create_api_token
from wijkwerk.jobs import run_due_jobs
from wijkwerk.ratelimit import RateLimitCounter
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import frozen_at, local

LIMITED = "Vanaf uw netwerk of voor dit e-mailadres is in korte tijd te vaak iets verstuurd"


@pytest.fixture
def app_overrides() -> dict:
    """Low limits, so a test reaches them in a few requests; a test lowers one further with
    ``app.config`` where it needs to."""
    return {
        "RATELIMIT_WINDOW_MINUTES": 60,
        "RATELIMIT_REGISTRATIONS_PER_IP": 3,
        "RATELIMIT_REGISTRATIONS_PER_EMAIL": 1000,
        "RATELIMIT_ACTIONS_PER_IP": 3,
        "RATELIMIT_ACTIONS_PER_EMAIL": 1000,
    }


@pytest.fixture
def driedaagse(db):
    programme = course(capacity=100)
    db.session.commit()
    return programme


def from_ip(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def assert_rate_limited_json(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    [error] = response.json["errors"]
    assert error["code"] == "rate_limited" and error["field"] is None
    assert error["message"].startswith(LIMITED)


def registrations() -> int:
    from wijkwerk.extensions import db

    return db.session.scalar(select(func.count(Registration.id)))


# --- the public registration API ---------------------------------------------------------------


def test_the_api_refuses_a_fourth_registration_from_one_address_within_the_hour(
    client, db, driedaagse
):
    with frozen_at(local(2027, 3, 1, 9, 20)):  # the hour's window ends at 10:00
        for n in range(3):
            answer = client.post(URL, json=individual(f"p{n}@example.nl"), **from_ip("192.0.2.1"))
            assert answer.status_code == 201, answer.json
        refused = client.post(URL, json=individual("p3@example.nl"), **from_ip("192.0.2.1"))
        assert_rate_limited_json(refused)
        assert refused.headers["Retry-After"] == str(40 * 60)
        assert "na 10:00 uur opnieuw" in refused.json["errors"][0]["message"]
        # another visitor is not held up by the first one
        other = client.post(URL, json=individual("q@example.nl"), **from_ip("192.0.2.2"))
        assert other.status_code == 201
    with frozen_at(local(2027, 3, 1, 10, 0)):  # a new window
        again = client.post(URL, json=individual("p4@example.nl"), **from_ip("192.0.2.1"))
        assert again.status_code == 201
    assert registrations() == 5


def test_refused_and_invalid_requests_count_too(client, db, driedaagse):
    """A request that fails validation (and so rolls back) still spent one of its tries."""
    for _ in range(3):
        assert client.post(URL, json={"person": {}}).status_code == 422
    assert_rate_limited_json(client.post(URL, json=individual()))
    assert registrations() == 0


def test_the_api_limits_how_often_one_address_is_mailed_whatever_the_client(
    app, client, db, driedaagse
):
    """A relay spreads its requests over many IP addresses; the address it mails is the same."""
    app.config.update(RATELIMIT_REGISTRATIONS_PER_IP=1000, RATELIMIT_REGISTRATIONS_PER_EMAIL=2)
    for n in range(2):
        body = individual(f"p{n}@example.nl")
        body["billing"]["email"] = "Slachtoffer@Example.nl"
        assert client.post(URL, json=body, **from_ip(f"198.51.100.{n}")).status_code == 201
    body = individual("p9@example.nl")
    body["billing"]["email"] = "slachtoffer@example.nl "  # the same address, however written
    assert_rate_limited_json(client.post(URL, json=body, **from_ip("198.51.100.9")))
    assert registrations() == 2


def test_an_organisers_token_is_not_limited(app, client, db, driedaagse):
    app.config.update(RATELIMIT_REGISTRATIONS_PER_IP=1, RATELIMIT_REGISTRATIONS_PER_EMAIL=1)
    token = create_api_token(factories.account("org@example.nl"))
    db.session.commit()
    for n in range(4):
        answer = client.post(
            URL,
            json=individual(f"p{n}@example.nl"),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.json
    # a wrong token is no organiser: the public limit applies
    wrong = {"Authorization": "Bearer ww_niet-geldig"}
    assert client.post(URL, json=individual("x@example.nl"), headers=wrong).status_code == 201
    assert_rate_limited_json(client.post(URL, json=individual("y@example.nl"), headers=wrong))


# --- the registration form -------------------------------------------------------------------------


def post_form(client, ip: str = "192.0.2.1", **changes):
    page = client.get(FORM, **from_ip(ip))
    assert page.status_code == 200  # a GET is never counted
    return client.post(FORM, data=form_data(page.text, **changes), **from_ip(ip))


def assert_rate_limited_page(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert LIMITED in response.text
    assert '<html lang="nl"' in response.text


def test_the_form_refuses_a_fourth_post_from_one_address(client, db, series):
    assert post_form(client).status_code == 302
    assert post_form(client).status_code == 422  # already registered: counted all the same
    assert post_form(client).status_code == 422
    assert_rate_limited_page(post_form(client))
    assert post_form(client, ip="192.0.2.2").status_code == 422  # someone else may try


def test_a_form_over_the_limit_comes_back_as_typed_with_the_message(client, db, series):
    for _ in range(3):
        post_form(client)
    page = post_form(client)
    assert_rate_limited_page(page)
    assert 'id="fouten"' in page.text  # the summary above the form, which is shown again
    assert "De aanmelding is nog niet verstuurd" in page.text
    assert 'value="dirk@almelo.nl"' in page.text  # what was typed stays
    assert 'name="members-0-email"' in page.text


def test_the_form_limits_how_often_one_address_is_mailed(app, client, db, series):
    app.config.update(RATELIMIT_REGISTRATIONS_PER_IP=1000, RATELIMIT_REGISTRATIONS_PER_EMAIL=2)
    for n in range(2):
        post_form(client, ip=f"198.51.100.{n}")
    assert_rate_limited_page(post_form(client, ip="198.51.100.9"))


def test_a_logged_in_organiser_is_not_limited(app, client, db, series):
    app.config.update(RATELIMIT_REGISTRATIONS_PER_IP=1)
    factories.account("org@example.nl")
    db.session.commit()
    log_in(client, "org@example.nl", factories.PASSWORD)
    for _ in range(3):
        assert post_form(client).status_code in (302, 422)


# --- the approver's decision and the other public writes ---------------------------------------


def test_the_approvers_decision_is_limited(app, client, db, series, smtp):
    app.config.update(RATELIMIT_ACTIONS_PER_IP=1000, RATELIMIT_ACTIONS_PER_EMAIL=2)
    assert post_form(client).status_code == 302
    link = trio_helpers.approval_link(smtp, "dirk@almelo.nl")
    page = client.get(link)
    assert page.status_code == 200
    decide = {"csrf_token": csrf_token(page.text), "decision": "approve"}
    assert client.post(link, data=decide, **from_ip("192.0.2.7")).status_code == 302
    assert client.post(link, data=decide, **from_ip("192.0.2.8")).status_code == 302
    assert_rate_limited_page(client.post(link, data=decide, **from_ip("192.0.2.9")))
    assert client.get(link).status_code == 200  # reading the page is never limited


def test_a_registrants_own_page_is_limited_per_address(client, db, driedaagse):
    created = client.post(URL, json=individual())
    manage = created.json["manage_url"].removeprefix("http://wijkwerk.test")
    renew = manage + "/agenda-link"
    for _ in range(3):
        page = client.get(manage)
        assert client.post(renew, data={"csrf_token": csrf_token(page.text)}).status_code == 302
    page = client.get(manage)
    assert_rate_limited_page(client.post(renew, data={"csrf_token": csrf_token(page.text)}))


# --- counting under load --------------------------------------------------------------------------


def race(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job at the same moment in its own thread (its own request context, database
    session and connection through the test client); return the results."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # reported by the assertions below
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_simultaneous_registrations_pass_the_limit_exactly_five_times(app, db, driedaagse):
    app.config.update(RATELIMIT_REGISTRATIONS_PER_IP=5)
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient

    def register(n: int) -> Callable[[], int]:
        client = app.test_client()  # each thread its own client, context and session

        def job() -> int:
            return client.post(URL, json=individual(f"p{n}@example.nl")).status_code

        return job

    results = race([register(n) for n in range(20)])
    assert sorted(results) == [201] * 5 + [429] * 15, results
    assert registrations() == 5
    hits = db.session.scalars(
        select(RateLimitCounter.hits).where(RateLimitCounter.key.like("registrations:ip:%"))
    )
    assert list(hits) == [20]


def test_thirty_simultaneous_wrong_passwords_reach_the_check_at_most_five_times(app, db):
    """The count and the record of a try are one step: of 30 guesses at once, only the first
    LOGIN_MAX_FAILURES_PER_ACCOUNT have their password checked (422), the rest are refused (429)."""
    from tests.conftest import IsolatedClient

    factories.account("org@example.nl")
    db.session.commit()
    app.test_client_class = IsolatedClient

    def guess(n: int) -> Callable[[], int]:
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        data = {"email": "org@example.nl", "password": f"geraden {n:04}", "csrf_token": token}

        def job() -> int:
            return client.post("/login", data=data).status_code

        return job

    results = race([guess(n) for n in range(30)])
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    assert sorted(results) == [422] * limit + [429] * (30 - limit), results


def test_a_good_password_gives_its_try_back(client, db):
    factories.account("org@example.nl")
    db.session.commit()

    def attempt(password: str):
        page = client.get("/login")
        data = {
            "email": "org@example.nl",
            "password": password,
            "csrf_token": csrf_token(page.text),
        }
        return client.post("/login", data=data)

    with frozen_at(local(2027, 3, 1, 9, 0)):
        for _ in range(4):
            assert attempt("geraden wachtwoord").status_code == 422
        assert attempt(factories.PASSWORD).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/beheer/").text)})
        assert attempt("geraden wachtwoord").status_code == 422  # the fifth failure
        refused = attempt(factories.PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(15 * 60)


# --- old counters ---------------------------------------------------------------------------------


def test_old_counters_are_deleted_on_the_way_and_by_tick(app, client, db, driedaagse):
    app.config.update(RATELIMIT_REGISTRATIONS_PER_EMAIL=0)  # 0: no limit, so no counter either
    start = local(2027, 3, 1, 9, 20)
    with frozen_at(start):
        client.post(URL, json=individual("a@example.nl"), **from_ip("192.0.2.1"))
        client.post(URL, json=individual("b@example.nl"), **from_ip("192.0.2.2"))
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 2
    later = start + dt.timedelta(hours=1)
    with frozen_at(later):  # the first address's new window replaces its old one
        client.post(URL, json=individual("c@example.nl"), **from_ip("192.0.2.1"))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 2
    run_due_jobs(later)  # the second address's ended window goes
    db.session.rollback()
    starts = db.session.scalars(select(RateLimitCounter.window_start)).all()
    assert starts == [local(2027, 3, 1, 10, 0)]


# --- the approver's mail ----------------------------------------------------------------------------

PHISH = "Uw account wordt geblokkeerd - log in via https://phish.example/login"


def test_the_approvers_mail_says_who_asks_and_makes_no_link_of_what_they_typed(
    app, client, db, series, smtp
):
    body = trio_helpers.trio(
        "GM0141", "almelo.nl", casus={**trio_helpers.VALID_TRIO["casus"], "title": PHISH}
    )
    body["members"][0]["name"] = "Anna de Vries (zie www.phish.example)"
    body["members"][1]["function"] = "Adviseur, mail beheer@phish.example"
    body["approver"]["name"] = "Dirk Smit http://10.0.0.9/x"
    assert (
        client.post("/api/v1/programmes/werkplaatsen/registrations", json=body).status_code == 201
    )
    [mail] = [m for m in smtp.to("dirk@almelo.nl") if "kkoord gevraagd" in m["Subject"]]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()

    # who asks, plainly, and that no one typed this message
    plain = trio_helpers.plain(mail)
    assert "Dit is een automatisch bericht van" in plain
    assert "namens de gemeente Almelo" in plain
    for name in ("Bram Jansen", "Chantal Bakker", "Anna de Vries"):
        assert name in plain and name in html
    # what they typed is shown, defanged, in both parts
    assert "https[:]//phish[.]example/login" in text
    assert "https[:]//phish[.]example/login" in html
    assert "www[.]phish[.]example" in text and "beheer@phish[.]example" in text
    assert "http[:]//10[.]0[.]0[.]9/x" in text
    for part in (text, html):
        assert "phish.example" not in part and "://phish" not in part and "10.0.0.9" not in part
    # the one link in the mail is ours
    [link] = trio_helpers.links(mail)
    assert link.startswith("http://wijkwerk.test/akkoord/")
    assert re.findall(r'href="([^"]+)"', html) == [link]
