"""A Wijklab end to end: a municipality asks (form and API), organisers take it through intake,
planning (confirmed and invoiced), the day and the report; a panel is composed from the pool,
experts answer by signed link and receive the day and the startnotitie; mail read from SMTP."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from tests import factories
from tests.calendar_helpers import attached_calendar
from tests.conftest import csrf_token, end_unit_of_work, log_in
from tests.test_pages import text_of
from tests.test_races import race
from tests.trio_helpers import plain, subject
from tests.wijklab_helpers import URL, docx_bytes, expert_pool, lab_request, wijklab
from wijkwerk.payments.models import Invoice, InvoiceKind
from wijkwerk.registrations.models import Registration
from wijkwerk.timeutil import AMSTERDAM
from wijkwerk.wijklab import panel
from wijkwerk.wijklab.models import InvitationStatus, LabRequest, LabStage, PanelInvitation

FORM_URL = "/programmes/wijklab/aanmelden"


@pytest.fixture
def programme(db):
    found = wijklab()
    factories.account("org@example.nl")
    db.session.commit()
    return found


def lab(db) -> LabRequest:
    db.session.expire_all()
    return db.session.scalars(select(LabRequest).order_by(LabRequest.id.desc())).first()


def lab_url(found: LabRequest, tail: str = "") -> str:
    return f"/beheer/wijklabs/{found.registration_id}{tail}"


def step(client, found: LabRequest, **fields):
    page = client.get(lab_url(found))
    return client.post(
        lab_url(found, "/stap"), data={"csrf_token": csrf_token(page.text), **fields}
    )


def test_a_municipality_asks_for_a_wijklab_through_the_form(client, db, smtp, programme):
    page = client.get(FORM_URL)
    assert page.status_code == 200 and "Wijklab aanvragen" in page.text
    form = {
        "csrf_token": csrf_token(page.text),
        "municipality": "GM0606",
        "contact-name": "Sanne Bakker",
        "contact-email": "s.bakker@schiedam.nl",
        "contact-phone": "",
        "contact-function": "Programmamanager",
        "wijk": "Oost",
        "question": "Hoe combineren we Oost Pact Door met het NPLV?",
        "goal": "directions",
        "preferred_periods": "september",
        "stakeholders": "",
        "billing-organisation": "Gemeente Schiedam",
        "billing-address": "Postbus 1501",
        "billing-postcode": "3100 EA",
        "billing-city": "Schiedam",
        "billing-email": "facturen@schiedam.nl",
        "billing-po_number": "",
        "consent": "y",
    }
    bad = client.post(FORM_URL, data=form)
    assert bad.status_code == 422
    assert 'id="billing-po_number-error"' in bad.text
    assert "inkoopordernummer" in text_of(bad)
    assert "Hoe combineren we Oost Pact Door met het NPLV?" in bad.text  # kept
    response = client.post(FORM_URL, data={**form, "billing-po_number": "PO-118"})
    assert response.status_code == 302
    [mail] = smtp.to("s.bakker@schiedam.nl")
    assert subject(mail).startswith("Wijklab Oost: Aanvraag ontvangen")
    assert "We hebben uw aanvraag voor een Wijklab ontvangen" in plain(mail)
    manage = client.get(response.headers["Location"])
    assert "Aanvraag ontvangen" in text_of(manage) and "Oost Pact Door" in manage.text
    found = lab(db)
    assert (found.stage, found.goal.value, found.wijk) == (LabStage.REQUESTED, "directions", "Oost")
    assert [t.kind for t in found.tasks] == [
        "location",
        "lunch",
        "bicycles",
        "dinner",
        "startnotitie",
        "chair",
        "invitations",
        "report",
        "publication",
    ]
    assert found.registration.state.value == "submitted"
    assert db.session.scalar(select(Invoice.id)) is None  # invoiced once planned


def test_the_api_checks_a_request_like_the_form(client, db, smtp, programme):
    missing = client.post(
        URL, json=lab_request(billing={**lab_request()["billing"], "po_number": ""})
    )
    assert missing.status_code == 422
    assert {(e["code"], e["field"]) for e in missing.json["errors"]} == {
        ("required", "billing.po_number")
    }
    unknown = client.post(URL, json=lab_request(municipality="GM9999", goal="koffie"))
    assert {(e["code"], e["field"]) for e in unknown.json["errors"]} == {
        ("unknown_municipality", "municipality"),
        ("invalid", "goal"),
    }
    made = client.post(URL, json=lab_request())
    assert made.status_code == 201, made.json
    assert made.json["state"] == "submitted"
    assert made.json["fee"]["total_cents"] == 605_000
    again = client.post(URL, json=lab_request())
    assert [e["code"] for e in again.json["errors"]] == ["already_registered"]


def test_the_organiser_takes_a_lab_from_intake_to_report(client, db, smtp, programme):
    client.post(URL, json=lab_request())
    found = lab(db)
    log_in(client, "org@example.nl", factories.PASSWORD)
    page = client.get(lab_url(found))
    assert page.status_code == 200 and "Hoe combineren we Oost Pact Door" in page.text

    smtp.clear()
    intake = step(client, found, stage="intake", themes="Wonen, bewonersparticipatie")
    assert intake.status_code == 302
    assert subject(smtp.to("s.bakker@schiedam.nl")[0]).startswith("Wijklab Oost: Intake")
    found = lab(db)
    assert found.themes == ["wonen", "bewonersparticipatie"]

    too_early = step(client, found, stage="planned", day="2027-09-08", start="09:30", end="21:00")
    assert too_early.status_code == 422
    assert "Leg eerst de aangescherpte vraag vast." in text_of(too_early)
    smtp.clear()
    planned = step(
        client,
        found,
        stage="planned",
        sharpened_question="Hoe krijgt Oost Pact Door een plek in het Nationaal Programma?",
        themes="wonen, bewonersparticipatie",
        day="2027-09-08",
        start="09:30",
        end="21:00",
        location_name="Wijkcentrum Oost",
        location_address="Broersvest 1, Schiedam",
        day_programme="09.30 ontvangst\n12.30 lunch in de wijk\n17.00 advies aan de wethouder",
    )
    assert planned.status_code == 302
    found = lab(db)
    registration = found.registration
    assert (found.stage, registration.state.value) == (LabStage.PLANNED, "confirmed")
    assert found.question.startswith("Hoe combineren")  # the original stays beside it
    step_mail = [m for m in smtp.to("s.bakker@schiedam.nl") if "Ingepland" in subject(m)]
    assert len(step_mail) == 1
    assert "Wijkcentrum Oost" in plain(step_mail[0]) and "Lunch" in plain(step_mail[0])
    [event] = attached_calendar(step_mail[0]).events
    assert event.dtstart.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M") == "2027-09-08 09:30"
    assert not [m for m in smtp.to("s.bakker@schiedam.nl") if "Plaats bevestigd" in subject(m)]
    [invoice] = db.session.scalars(select(Invoice)).all()
    assert (invoice.kind, invoice.amount_cents, invoice.total_cents) == (
        InvoiceKind.INVOICE,
        500_000,
        605_000,
    )
    [invoice_mail] = smtp.to("facturen@schiedam.nl")
    assert "PO-2027-118" in plain(invoice_mail)
    # The day is the municipality's own: not on the public page or in the public calendar.
    public = client.application.test_client()
    assert "Wijkcentrum Oost" not in public.get("/programmes/wijklab").text
    assert "BEGIN:VEVENT" not in public.get("/programmes/wijklab/calendar.ics").text
    assert public.get("/api/v1/programmes/wijklab").json["sessions"] == []
    assert "Wijkcentrum Oost" in client.get("/beheer/programmas/wijklab").text

    smtp.clear()
    assert step(client, found, stage="held").status_code == 302
    no_link = step(client, lab(db), stage="reported", report_url="platform31.nl/verslag")
    assert no_link.status_code == 422 and "https://" in text_of(no_link)
    reported = step(
        client, lab(db), stage="reported", report_url="https://www.platform31.nl/wijklab-oost"
    )
    assert reported.status_code == 302
    subjects = [subject(m) for m in smtp.to("s.bakker@schiedam.nl")]
    assert [s.split(": ")[1].split(" (")[0] for s in subjects] == [
        "Gehouden",
        "Verslag gepubliceerd",
    ]
    assert "https://www.platform31.nl/wijklab-oost" in plain(smtp.to("s.bakker@schiedam.nl")[1])
    # Done: the municipality may ask for a new lab.
    assert client.post(URL, json=lab_request(wijk="West")).status_code == 201


def test_a_step_that_cannot_follow_is_refused(client, db, smtp, programme):
    client.post(URL, json=lab_request())
    found = lab(db)
    log_in(client, "org@example.nl", factories.PASSWORD)
    response = step(client, found, stage="reported", report_url="https://example.nl/x")
    assert response.status_code == 422
    assert lab(db).stage is LabStage.REQUESTED


def test_the_panel_is_composed_from_the_pool_and_gets_the_day_and_the_startnotitie(
    client, db, smtp, programme
):
    pool = expert_pool()
    db.session.commit()
    client.post(URL, json=lab_request())
    found = lab(db)
    log_in(client, "org@example.nl", factories.PASSWORD)
    step(client, found, stage="intake", themes="wonen, bewonersparticipatie")
    ranked = [(expert.name, matching) for expert, matching in panel.suggestions(lab(db))]
    assert ranked == [
        ("Amira Haddou", ["bewonersparticipatie", "wonen"]),
        ("Lotte Smit", ["wonen", "bewonersparticipatie"]),
        ("Ruud Vos", ["wonen"]),
        ("Kees de Boer", []),
    ]
    page = client.get(lab_url(found))
    assert page.text.index("Amira Haddou") < page.text.index("Kees de Boer")
    smtp.clear()
    amira, lotte, ruud = pool[1], pool[3], pool[0]
    invited = client.post(
        lab_url(found, "/panel"),
        data={"csrf_token": csrf_token(page.text), "experts": [amira.id, lotte.id, ruud.id]},
    )
    assert invited.status_code == 302
    [invitation_mail] = smtp.to("amira@example.nl")
    assert subject(invitation_mail).startswith("Uitnodiging: panel van het Wijklab in Schiedam")
    link = re.search(r"https?://\S+/panel/\S+", plain(invitation_mail))[0]
    path = "/" + link.split("/", 3)[3]

    # Amira accepts: she is told the date follows, with no startnotitie yet.
    answer_page = client.get(path)
    assert answer_page.status_code == 200 and "Doet u mee?" in answer_page.text
    assert "alleen om het panel van dit Wijklab samen te stellen" in text_of(answer_page)
    smtp.clear()
    client.post(path, data={"csrf_token": csrf_token(answer_page.text), "answer": "accept"})
    [welcome] = smtp.to("amira@example.nl")
    assert "De datum volgt" in plain(welcome) and "De startnotitie volgt" in plain(welcome)
    # Lotte declines.
    lotte_path = _invitation_path(lotte)
    client.post(
        lotte_path,
        data={"csrf_token": csrf_token(client.get(lotte_path).text), "answer": "decline"},
    )
    statuses = {i.expert.name: i.status for i in lab(db).invitations}
    assert statuses == {
        "Amira Haddou": InvitationStatus.ACCEPTED,
        "Lotte Smit": InvitationStatus.DECLINED,
        "Ruud Vos": InvitationStatus.INVITED,
    }

    # The startnotitie: a PDF in disguise as something else is refused; a real one is kept.
    smtp.clear()
    page = client.get(lab_url(found))
    fake = client.post(
        lab_url(found, "/startnotitie"),
        data={
            "csrf_token": csrf_token(page.text),
            "document": (_file(b"MZ\x90\x00binary"), "notitie.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422 and "Kies een PDF" in text_of(fake)
    kept = client.post(
        lab_url(found, "/startnotitie"),
        data={
            "csrf_token": csrf_token(page.text),
            "document": (_file(docx_bytes()), "../../Startnotitie Oost.docx"),
        },
        content_type="multipart/form-data",
    )
    assert kept.status_code == 302
    [briefing] = smtp.to("amira@example.nl")
    download = re.search(r"https?://\S+/startnotitie", plain(briefing))[0]
    download_path = "/" + download.split("/", 3)[3]

    anonymous = client.application.test_client()
    got = anonymous.get(download_path)
    assert got.status_code == 200 and got.data == docx_bytes()
    assert got.headers["Content-Disposition"] == 'attachment; filename="Startnotitie Oost.docx"'
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    # Only those who accepted: Lotte declined, Ruud has not answered, a forged link is nothing.
    assert anonymous.get(lotte_path + "/startnotitie").status_code == 404
    assert anonymous.get(_invitation_path(ruud) + "/startnotitie").status_code == 404
    assert anonymous.get(download_path.replace("/panel/", "/panel/x")).status_code == 404
    assert anonymous.get(lab_url(found, "/startnotitie")).status_code == 302  # to the log-in
    assert client.get(lab_url(found, "/startnotitie")).data == docx_bytes()

    # Planning the day sends the panel member the event, once; moving it sends it again.
    smtp.clear()
    step(
        client,
        lab(db),
        stage="planned",
        sharpened_question="Hoe krijgt Oost Pact Door een plek?",
        day="2027-09-08",
        start="09:30",
        end="21:00",
    )
    [day_mail] = smtp.to("amira@example.nl")
    [event] = attached_calendar(day_mail).events
    assert event.summary.endswith("Wijklab Schiedam, Oost")
    assert smtp.to("lotte@example.nl") == []
    smtp.clear()
    step(client, lab(db), stage="planned", day="2027-09-15", start="09:30", end="21:00")
    [moved] = smtp.to("amira@example.nl")
    assert attached_calendar(moved).events[0].sequence == 1
    assert len(smtp.to("s.bakker@schiedam.nl")) == 1  # the contact: one mail about the move


def _invitation_path(expert) -> str:
    from wijkwerk.extensions import db

    invitation = db.session.scalar(
        select(PanelInvitation).where(PanelInvitation.expert_id == expert.id)
    )
    return f"/panel/{panel.invitation_token(invitation)}"


def _file(content: bytes) -> io.BytesIO:
    return io.BytesIO(content)


def test_withdrawing_a_planned_lab_credits_by_the_terms_and_tells_the_panel(
    client, db, smtp, programme
):
    pool = expert_pool()
    db.session.commit()
    client.post(URL, json=lab_request())
    found = lab(db)
    log_in(client, "org@example.nl", factories.PASSWORD)
    step(client, found, stage="intake", sharpened_question="Scherp", themes="wonen")
    page = client.get(lab_url(found))
    client.post(
        lab_url(found, "/panel"),
        data={"csrf_token": csrf_token(page.text), "experts": [pool[0].id]},
    )
    path = _invitation_path(pool[0])
    client.post(path, data={"csrf_token": csrf_token(client.get(path).text), "answer": "accept"})
    step(client, lab(db), stage="planned", day="2099-09-08", start="09:30", end="21:00")
    smtp.clear()
    no_reason = step(client, lab(db), stage="withdrawn")
    assert no_reason.status_code == 422 and "Geef een reden op." in text_of(no_reason)
    response = step(
        client, lab(db), stage="withdrawn", reason="Het college heeft andere prioriteiten."
    )
    assert response.status_code == 302
    found = lab(db)
    assert (found.stage, found.registration.state.value) == (LabStage.WITHDRAWN, "cancelled")
    assert found.session.status.value == "cancelled"
    credit = db.session.scalar(select(Invoice).where(Invoice.kind == InvoiceKind.CREDIT))
    assert credit.amount_cents == -500_000  # more than four weeks ahead: all of it
    [told] = [m for m in smtp.to("s.bakker@schiedam.nl") if "Gaat niet door" in subject(m)]
    assert "Het college heeft andere prioriteiten." in plain(told)
    [panel_told] = smtp.to(pool[0].email)
    assert subject(panel_told).startswith("Gaat niet door")
    # A withdrawn lab takes no more steps and no panel answers.
    assert (
        client.post(
            path, data={"csrf_token": csrf_token(client.get(path).text), "answer": "decline"}
        ).status_code
        == 422
    )


def test_two_clicks_on_accept_at_once_send_one_briefing(app, client, db, smtp, programme):
    pool = expert_pool()
    db.session.commit()
    client.post(URL, json=lab_request())
    found = lab(db)
    made = panel.invite(found, [pool[0].id])
    invitation_id = made[0].id
    end_unit_of_work()
    smtp.clear()

    def accept():
        from wijkwerk.extensions import db as session_db

        invitation = session_db.session.get(PanelInvitation, invitation_id)
        changed = panel.respond(invitation, True)
        end_unit_of_work()
        return changed

    results = race(app, [accept, accept, accept])
    assert sorted(results) == [False, False, True]  # one changed it; no errors
    [briefing] = smtp.to(pool[0].email)
    assert subject(briefing).startswith("Voor het panel")


def test_viewers_see_a_lab_but_cannot_move_it(client, db, smtp, programme):
    from wijkwerk.accounts.models import Role

    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    client.post(URL, json=lab_request())
    found = lab(db)
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    page = client.get(lab_url(found))
    assert page.status_code == 200 and "Volgende stap" not in page.text
    assert step(client, found, stage="intake").status_code == 403
    assert client.get(f"/beheer/wijklabs/{found.registration_id + 999}").status_code == 404
    registration = db.session.get(Registration, found.registration_id)
    assert (
        "Het Wijklab: stappen, taken en panel"
        in client.get(f"/beheer/aanmeldingen/{registration.id}").text
    )


def test_the_organiser_runs_a_lab_through_the_api(client, db, smtp, programme):
    from wijkwerk.accounts.models import Account, Role
    from wijkwerk.accounts.services import create_api_token

    organiser = db.session.scalar(select(Account).where(Account.email == "org@example.nl"))
    viewer = factories.account("kijker@example.nl", Role.VIEWER)
    headers = {"Authorization": f"Bearer {create_api_token(organiser)}"}
    read_only = {"Authorization": f"Bearer {create_api_token(viewer)}"}
    db.session.commit()
    made = client.post(URL, json=lab_request()).json
    base = f"/api/v1/registrations/{made['id']}/wijklab"

    assert client.get(base).status_code == 401
    assert (
        client.post(base + "/steps", json={"stage": "intake"}, headers=read_only).status_code == 403
    )
    expert = client.post(
        "/api/v1/experts",
        json={"name": "Ruud Vos", "email": "ruud@example.nl", "expertise": ["Wonen", "wonen"]},
        headers=headers,
    )
    assert expert.status_code == 201 and expert.json["expertise"] == ["wonen"]
    dup = client.post(
        "/api/v1/experts",
        json={"name": "R", "email": "ruud@example.nl", "expertise": "x"},
        headers=headers,
    )
    assert [e["code"] for e in dup.json["errors"]] == ["already_exists"]

    intake = client.post(
        base + "/steps",
        json={"stage": "intake", "themes": ["wonen"], "sharpened_question": "Scherper"},
        headers=headers,
    )
    assert intake.status_code == 200 and intake.json["stage"] == "intake"
    [suggested] = client.get(base + "/suggestions", headers=headers).json
    assert suggested["matching"] == ["wonen"]
    invited = client.post(base + "/panel", json={"expert_ids": [suggested["id"]]}, headers=headers)
    assert [p["status"] for p in invited.json["panel"]] == ["invited"]
    bad_time = client.post(
        base + "/steps",
        json={
            "stage": "planned",
            "starts_at": "8 september",
            "ends_at": "2027-09-08T21:00:00+02:00",
        },
        headers=headers,
    )
    assert bad_time.status_code == 422 and bad_time.json["errors"][0]["field"] == "starts_at"
    planned = client.post(
        base + "/steps",
        json={
            "stage": "planned",
            "starts_at": "2027-09-08T09:30:00+02:00",
            "ends_at": "2027-09-08T21:00:00+02:00",
            "location": {"name": "Wijkcentrum Oost", "address": "Broersvest 1"},
        },
        headers=headers,
    )
    assert planned.status_code == 200, planned.json
    assert (
        planned.json["state"] == "confirmed"
        and planned.json["session"]["location"]["name"] == "Wijkcentrum Oost"
    )
    task = client.put(
        base + "/tasks/lunch", json={"assignee": "Wijkcentrum", "done": True}, headers=headers
    )
    [lunch] = [t for t in task.json["tasks"] if t["kind"] == "lunch"]
    assert lunch == {
        "kind": "lunch",
        "owner": "host",
        "optional": False,
        "assignee": "Wijkcentrum",
        "done": True,
    }
    assert (
        client.put(base + "/tasks/taart", json={"done": True}, headers=headers).status_code == 404
    )
    detail = client.get(base, headers=read_only)
    assert detail.status_code == 200 and detail.json["question"].startswith("Hoe combineren")
    assert detail.json["sharpened_question"] == "Scherper"


def test_a_panel_link_expires_and_is_only_a_panel_link(
    app, client, db, smtp, programme, monkeypatch
):
    pool = expert_pool()
    db.session.commit()
    client.post(URL, json=lab_request())
    panel.invite(lab(db), [pool[0].id])
    end_unit_of_work()
    path = _invitation_path(pool[0])
    assert client.get(path).status_code == 200
    # The same signed data under another purpose (an approval link's salt) opens nothing.
    from itsdangerous import URLSafeTimedSerializer

    invitation = db.session.scalar(select(PanelInvitation))
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wijkwerk:trio-approval")
    forged = other.dumps({"i": invitation.id, "e": invitation.expert_id})
    assert client.get(f"/panel/{forged}").status_code == 404
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=app.config["PANEL_LINK_DAYS"] + 1)
    monkeypatch.setattr("itsdangerous.timed.time.time", later.timestamp)  # the signer's clock
    assert client.get(path).status_code == 404


def test_a_contact_without_a_function_reads_no_none_in_any_mail(client, db, smtp, programme):
    contact = {k: v for k, v in lab_request()["contact"].items() if k != "function"}
    made = client.post(URL, json=lab_request(contact=contact))
    assert made.status_code == 201, made.json
    mails = smtp.to("s.bakker@schiedam.nl")
    assert mails
    for mail in mails:
        for part in ("plain", "html"):
            body = mail.get_body((part,))
            assert "None" not in (mail["Subject"] + (body.get_content() if body else ""))
