"""What a registrant finds again: the link to their page (the same answer whether the address is
known), and a form sent twice with the back button, which shows the registration it made."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.test_pages import text_of
from tests.test_trio_form import FORM, form_data
from tests.trio_helpers import links
from wijkwerk.registrations.models import Registration

LOST = "/aanmelding-terugvinden"


def ask_again(client, email: str):
    page = client.get(LOST)
    return client.post(LOST, data={"csrf_token": csrf_token(page.text), "email": email})


def test_a_lost_link_is_sent_again_and_the_answer_tells_nobody_who_registered(
    client, db, smtp, series
):
    page = client.get(FORM)
    made = client.post(FORM, data=form_data(page.text))
    manage = made.location.split("?")[0]
    smtp.clear()

    known = ask_again(client, " Anna@Almelo.nl ")
    unknown = ask_again(client, "niemand@example.nl")
    assert known.status_code == unknown.status_code == 200
    said = text_of(known).replace("anna@almelo.nl", "X")
    assert said == text_of(unknown).replace("niemand@example.nl", "X")  # the same answer
    assert "krijgt u binnen enkele minuten een e-mail" in said
    assert smtp.to("niemand@example.nl") == []
    [mail] = smtp.to("anna@almelo.nl")
    assert mail["Subject"] == "De links naar uw aanmeldingen"
    assert any(url.endswith(manage) for url in links(mail))


def test_asking_for_a_link_needs_an_address_and_is_limited(app, client, db, smtp, series):
    answer = ask_again(client, "geen-adres")
    assert answer.status_code == 422
    assert "geldig" in text_of(answer) or "e-mailadres" in text_of(answer)
    app.config.update(RATELIMIT_ACTIONS_PER_IP=1000, RATELIMIT_ACTIONS_PER_EMAIL=2)
    statuses = [ask_again(client, "iemand@example.nl").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_already_registered_answer_offers_the_lost_link(client, db, series):
    page = client.get(FORM)
    client.post(FORM, data=form_data(page.text))
    other = client.get(FORM)
    again = client.post(
        FORM,
        data=form_data(
            other.text,
            **{f"members-{n}-email": f"ander{n}@almelo.nl" for n in range(3)},
        ),
    )
    assert again.status_code == 422
    assert "Deze gemeente heeft al een trio aangemeld" in text_of(again)
    assert f'href="{LOST}"' in again.text and "Stuur mij mijn link opnieuw" in again.text


def test_the_same_form_sent_again_shows_the_registration_it_made(client, db, smtp, series):
    page = client.get(FORM)
    data = form_data(page.text)
    first = client.post(FORM, data=data)
    assert first.status_code == 302
    again = client.post(FORM, data=data)  # the back button, and "Aanmelding versturen" again
    assert again.status_code == 303
    assert again.location.split("?")[0] == first.location.split("?")[0]
    assert "Dit formulier had u al verstuurd" in text_of(client.get(again.location))
    assert db.session.scalar(select(func.count(Registration.id))) == 1
    # A new visit to the form is a new filling-in: another trio of the same municipality is
    # refused as such, not taken for the first.
    fresh = client.get(FORM)
    assert form_data(fresh.text)["submission"] != data["submission"]
    assert client.post(FORM, data=form_data(fresh.text)).status_code == 422


def test_the_organisation_is_named_in_the_header_the_footer_the_privacy_statement_and_mails(
    app, client, db, smtp, series
):
    app.config.update(
        ORGANISATION_NAME="Platform31",
        ORGANISATION_ADDRESS="Postbus 30833\n2500 GV Den Haag",
        ORGANISATION_EMAIL="wijkaanpak@platform31.nl",
        MAIL_DEFAULT_SENDER="Platform31 <noreply@platform31.nl>",
    )
    home = client.get("/")
    assert "<title>" in home.text and "· Platform31</title>" in home.text
    assert 'class="ww-brand"' in home.text and "Platform31" in text_of(home)
    assert "Postbus 30833" in text_of(home)  # the footer
    privacy = text_of(client.get("/privacy"))
    assert "Verwerkingsverantwoordelijke voor de gegevens op deze site is Platform31." in privacy
    page = client.get(FORM)
    client.post(FORM, data=form_data(page.text))
    [receipt] = smtp.to("anna@almelo.nl")
    assert receipt["From"] == "Platform31 <noreply@platform31.nl>"
    assert receipt["Reply-To"] == "wijkaanpak@platform31.nl"
    body = receipt.get_body(("plain",)).get_content()
    assert body.rstrip().endswith("Platform31")
    # A programme without contact persons of its own names the organisation's.
    assert "Vragen? Neem contact op:" in body and "Platform31: wijkaanpak@platform31.nl" in body
    assert "wijkaanpak@platform31.nl" in text_of(client.get("/programmes/werkplaatsen"))


# --- a trio's members: a link each; cancelling is the contact's ----------------------------------


def test_each_member_has_a_link_of_their_own_and_only_the_contact_can_cancel(
    client, db, smtp, series
):
    page = client.get(FORM)
    made = client.post(FORM, data=form_data(page.text))
    manage = made.location.split("?")[0]
    registration = db.session.scalars(select(Registration)).one()
    assert registration.contact_person.email == "anna@almelo.nl"  # member 1 filled it in
    [anna_mail] = smtp.to("anna@almelo.nl")
    assert any(url.endswith(manage) for url in links(anna_mail))
    [bram_mail] = smtp.to("bram@almelo.nl")
    [bram_link] = [u for u in links(bram_mail) if "/deelname/" in u]
    assert not any(url.endswith(manage) for url in links(bram_mail))
    bram_path = bram_link.removeprefix("http://wijkwerk.test")
    bram_page = client.get(bram_path)
    text = text_of(bram_page)
    assert "Uw deelname aan Werkplaatsen wijkgericht werken" in text
    assert "De hele aanmelding annuleren kan Anna de Vries" in text
    assert "/annuleren" not in bram_page.text
    token = bram_path.rsplit("/", 1)[-1]
    assert client.get(f"/aanmelding/{token}/annuleren").status_code == 404


def test_a_member_corrects_their_details_and_names_a_substitute(client, db, smtp, series):
    page = client.get(FORM)
    client.post(FORM, data=form_data(page.text))
    [bram_link] = [u for u in links(smtp.to("bram@almelo.nl")[0]) if "/deelname/" in u]
    path = bram_link.removeprefix("http://wijkwerk.test")
    mine = client.get(path)
    answer = client.post(
        f"{path}/gegevens",
        data={"csrf_token": csrf_token(mine.text), "name": "Bram Jansen", "function": "Adviseur"},
    )
    assert answer.status_code == 302
    # The approver is already involved: not a substitute.
    refused = client.post(
        f"{path}/vervanger",
        data={
            "csrf_token": csrf_token(mine.text),
            "substitute-name": "Dirk Smit",
            "substitute-email": "dirk@almelo.nl",
            "substitute-function": "wethouder",
        },
    )
    assert refused.status_code == 422 and "al bij deze aanmelding betrokken" in refused.text
    smtp.clear()
    done = client.post(
        f"{path}/vervanger",
        data={
            "csrf_token": csrf_token(mine.text),
            "substitute-name": "Eva Visser",
            "substitute-email": "eva@almelo.nl",
            "substitute-function": "Adviseur openbare ruimte",
        },
    )
    assert done.status_code == 200 and "Eva Visser neemt uw plaats in" in text_of(done)
    assert client.get(path).status_code == 404  # Bram's link no longer works
    [eva_mail] = smtp.to("eva@almelo.nl")
    assert (
        "Eva Visser neemt deel in plaats van Bram Jansen."
        in eva_mail.get_body(("plain",)).get_content()
    )
    [eva_link] = [u for u in links(eva_mail) if "/deelname/" in u]
    assert client.get(eva_link.removeprefix("http://wijkwerk.test")).status_code == 200
    assert smtp.to("bram@almelo.nl") and smtp.to("anna@almelo.nl")  # both told
    registration = db.session.scalars(select(Registration)).one()
    names = [m.person.name for m in registration.members]
    assert names == ["Anna de Vries", "Eva Visser", "Chantal Bakker"]


def test_a_member_changes_nothing_once_the_trio_is_cancelled(client, db, smtp, series):
    page = client.get(FORM)
    made = client.post(FORM, data=form_data(page.text))
    manage = made.location.split("?")[0]
    [bram_link] = [u for u in links(smtp.to("bram@almelo.nl")[0]) if "/deelname/" in u]
    path = bram_link.removeprefix("http://wijkwerk.test")
    mine = client.get(path)
    confirm = client.get(f"{manage}/annuleren")
    client.post(f"{manage}/annuleren", data={"csrf_token": csrf_token(confirm.text)})
    answer = client.post(
        f"{path}/gegevens",
        data={"csrf_token": csrf_token(mine.text), "name": "Iemand", "function": "Anders"},
    )
    assert answer.status_code == 422 and "loopt niet meer" in text_of(answer)
    db.session.expire_all()
    names = [m.person.name for m in db.session.scalars(select(Registration)).one().members]
    assert "Iemand" not in names
