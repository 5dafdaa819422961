"""Public pages, the organiser login and the back-office home."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories
from tests.conftest import csrf_token
from wijkwerk.demo.programmes import load_demo
from wijkwerk.programmes.models import ProgrammeStatus


@pytest.fixture
def demo(db):
    programmes = load_demo(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC))
    db.session.commit()
    return {p.kind.value: p for p in programmes}


def text_of(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_home_lists_the_published_programmes_in_dutch(client, demo, db):
    hidden = factories.programme(title="Nog geheim", status=ProgrammeStatus.DRAFT)
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nl"' in html
    page = text_of(response)
    for title in (
        "Werkplaatsen wijkgericht werken",
        "Wijklab op maat",
        "Kennisprogramma wijkaanpak",
    ):
        assert title in page
    assert hidden.title not in page
    assert "Eerste bijeenkomst: dinsdag 12 oktober 2027, 13:00–17:00" in page
    assert "Prijs: € 1.800,00 excl. btw (€ 2.178,00 incl. btw)" in page


def test_programme_page_shows_sessions_with_dutch_dates_and_prices(client, demo):
    page = text_of(client.get("/programmes/werkplaatsen-wijkgericht-werken"))
    assert "Werkplaats 1: Positionering van het wijkgerichte werken in de eigen gemeente" in page
    assert "dinsdag 12 oktober 2027, 13:00–17:00" in page
    assert "donderdag 4 november 2027, 13:00–17:00" in page
    assert "dinsdag 11 januari 2028, 13:00–17:00" in page
    assert "Prijs excl. btw € 200,00 per trio" in page
    assert "Btw (21%) € 42,00" in page
    assert "Prijs incl. btw € 242,00" in page
    assert "Middelgrote gemeenten" in page
    assert "Ruimte voor 6 tot 8 trio's." in page
    assert "Aanmelden kan tot en met 14 september 2027." in page


def test_driedaagse_page_shows_its_contacts_for_content_and_practical_questions(client, demo):
    page = text_of(client.get("/programmes/werken-aan-wijkontwikkeling"))
    assert "maandag 22 november 2027, 09:30–17:00" in page
    assert "Kaap Doorn Conferentiecentrum" in page
    assert "€ 1.800,00 per persoon" in page and "€ 378,00" in page and "€ 2.178,00" in page
    assert "Inhoudelijke vragen: Cisca" in page and "Praktische vragen: Romy" in page


def test_a_wijklab_without_sessions_says_the_date_is_agreed_together(client, demo):
    page = text_of(client.get("/programmes/wijklab"))
    assert "De datum spreken we samen met u af." in page
    assert "€ 5.000,00 per Wijklab" in page and "€ 6.050,00" in page


def test_unknown_and_draft_programmes_are_a_dutch_404(client, db):
    draft = factories.programme(status=ProgrammeStatus.DRAFT)
    db.session.commit()
    for url in ("/programmes/bestaat-niet", f"/programmes/{draft.slug}"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Deze pagina bestaat niet (meer)." in text_of(response)


def test_visitor_can_switch_to_english_and_back(client, demo):
    page = client.get("/login")  # a page with a form (public pages have none)
    response = client.post(
        "/taal",
        data={"locale": "en", "next": "/programmes/wijklab", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302 and response.location == "/programmes/wijklab"
    english = client.get("/programmes/wijklab")
    assert '<html lang="en"' in english.text
    assert "Price excl. VAT" in text_of(english)
    assert "€5,000.00" in text_of(english)


def test_language_switch_does_not_redirect_off_site(client):
    page = client.get("/login")
    response = client.post(
        "/taal",
        data={"locale": "en", "next": "//evil.example", "csrf_token": csrf_token(page.text)},
    )
    assert response.location == "/"


def test_pages_load_nothing_from_the_internet_and_ship_their_css(client, demo):
    html = client.get("/programmes/werken-aan-wijkontwikkeling").text
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', html)
    assert external == []
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("utrecht/index.css" in s for s in stylesheets)
    assert any("voorbeeld/theme.css" in s for s in stylesheets)
    for href in stylesheets:
        response = client.get(href)
        assert response.status_code == 200, href
        assert b"@import url(http" not in response.data
        response.close()
    assert 'class="utrecht-document voorbeeld-theme"' in html


def test_statutory_pages_exist(client):
    assert "Toegankelijkheidsverklaring" in text_of(client.get("/toegankelijkheid"))
    assert "Privacyverklaring" in text_of(client.get("/privacy"))


def test_back_office_needs_a_login(client):
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_organiser_logs_in_with_csrf_and_reaches_the_back_office(client, db, demo):
    factories.account("org@example.nl")
    db.session.commit()
    page = client.get("/login")
    response = client.post(
        "/login?next=/beheer/",
        data={
            "email": "org@example.nl",
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 302 and response.location == "/beheer/"
    home = text_of(client.get("/beheer/"))
    assert "Ingelogd als org@example.nl" in home
    assert "Werkplaatsen wijkgericht werken" in home

    logout = client.post("/logout", data={"csrf_token": csrf_token(client.get("/beheer/").text)})
    assert logout.status_code == 302
    assert client.get("/beheer/").status_code == 302


def test_wrong_password_is_refused_next_to_the_field_and_keeps_the_email(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": "org@example.nl", "password": "fout", "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 422
    html = response.text
    assert 'value="org@example.nl"' in html
    error = re.search(r'id="password-error">(.*?)</div>', html, re.S).group(1)
    assert "Deze combinatie van e-mailadres en wachtwoord klopt niet." in error
    assert 'aria-invalid="true"' in html and 'aria-describedby="password-error"' in html


def test_unknown_address_gets_the_same_answer_as_a_wrong_password(client, db):
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "niemand@example.nl",
            "password": "fout",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 422
    assert "Deze combinatie van e-mailadres en wachtwoord klopt niet." in response.text


def test_empty_login_form_explains_each_field_in_dutch(client):
    page = client.get("/login")
    response = client.post(
        "/login", data={"email": "geen-adres", "csrf_token": csrf_token(page.text)}
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Dit is geen geldig e-mailadres." in page
    assert "Vul uw wachtwoord in." in page


def test_login_without_csrf_token_is_refused(client, db):
    factories.account("org@example.nl")
    db.session.commit()
    response = client.post(
        "/login", data={"email": "org@example.nl", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "Het formulier is verlopen of ongeldig." in text_of(response)
    assert client.get("/beheer/").status_code == 302


def test_the_language_link_switches_and_stays_on_the_page(client, demo):
    page = client.get("/programmes/wijklab")
    assert 'href="/taal/en?next=/programmes/wijklab"' in page.text
    response = client.get("/taal/en?next=/programmes/wijklab")
    assert response.status_code == 302 and response.location == "/programmes/wijklab"
    assert '<html lang="en"' in client.get("/programmes/wijklab").text
    assert client.get("/taal/en?next=//evil.example").location == "/"


@pytest.fixture
def app_overrides(request):
    if request.node.name.startswith(
        ("test_public_pages_are_served_from_memory", "test_a_public_page_that_writes")
    ):
        return {"PUBLIC_CACHE_SECONDS": 30}
    return {}


def test_public_pages_are_served_from_memory_briefly_for_anonymous_visitors(
    app, client, db, demo, monkeypatch
):
    from tests.test_backoffice_trios import counted_queries
    from wijkwerk import public_cache

    public_cache.clear()
    clock = [1000.0]
    monkeypatch.setattr(public_cache.time, "monotonic", lambda: clock[0])
    slug = demo["wijklab"].slug
    first = client.get(f"/programmes/{slug}")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers
    demo["wijklab"].title = "Wijklab, nieuwe titel"
    db.session.commit()
    with counted_queries(db.engine) as statements:
        again = client.get(f"/programmes/{slug}")
        feed = client.get(f"/programmes/{slug}/calendar.ics")
    assert again.text == first.text and "Wijklab, nieuwe titel" not in again.text
    assert statements  # the feed was not cached yet
    with counted_queries(db.engine) as statements:
        assert client.get(f"/programmes/{slug}/calendar.ics").data == feed.data
        assert client.get(f"/programmes/{slug}").text == first.text
    assert statements == []  # from memory: no database at all
    # A logged-in organiser always sees the database; so does everyone once the time is up.
    factories.account("org@example.nl")
    db.session.commit()
    organiser = app.test_client()
    page = organiser.get("/login")
    organiser.post(
        "/login",
        data={
            "email": "org@example.nl",
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert "Wijklab, nieuwe titel" in organiser.get(f"/programmes/{slug}").text
    clock[0] += 31
    assert "Wijklab, nieuwe titel" in client.get(f"/programmes/{slug}").text
    # English is cached apart from Dutch.
    client.get(f"/taal/en?next=/programmes/{slug}")
    english = client.get(f"/programmes/{slug}")
    assert '<html lang="en"' in english.text
    with counted_queries(db.engine) as statements:
        assert client.get(f"/programmes/{slug}").text == english.text
    assert statements == []
    public_cache.clear()


def test_a_public_page_that_writes_to_the_session_is_never_cached(app, client, db):
    """A CSRF token (or anything else put in the visitor's session) must not reach others."""
    from flask import render_template_string

    from wijkwerk import public_cache

    app.add_url_rule(
        "/test-met-formulier",
        "test_form",
        public_cache.public_page(lambda: render_template_string("{{ csrf_token() }}")),
    )
    public_cache.clear()
    first, second = app.test_client(), app.test_client()
    assert first.get("/test-met-formulier").text != second.get("/test-met-formulier").text
    public_cache.clear()
