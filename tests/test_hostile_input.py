"""Hostile input at every route of the URL map, public and organiser, on both databases: NUL and
other control characters, lone surrogates, JSON nested 1,000 deep, a body over the size limit,
huge and negative integers, years 0001 and 9999, wrong content types and bodies that are not
JSON. Nothing may answer 5xx, and nothing may change what is stored. Then the rule itself, point
by point, where a message next to a field is expected."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests import factories, trio_helpers
from tests.conftest import csrf_token, log_in
from tests.course_helpers import URL as COURSE_URL
from tests.course_helpers import course, deliver, individual
from tests.wijklab_helpers import expert_pool, lab_request, wijklab
from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import create_api_token
from wijkwerk.payments.models import Invoice
from wijkwerk.programmes.models import ProgrammeSession
from wijkwerk.registrations.models import Registration

PASSWORD = "correct horse battery staple 1"

# Values no input may hold, as they travel in a URL path (percent-encoded).
HOSTILE_PATH_PARTS = ["a%00b", "a%0Ab", "a%1B%5B31mb", "%ED%B2%80", "%C0%80", "x" * 3000]
HOSTILE_IDS = ["99999999999999999999", "-1", "0x10"]
HOSTILE_QUERY = "?q=a%00b&page=99999999999999999999&format=%0A&zoek=%ED%B2%80"
# Strings that break the text rule, and integers no database column holds.
HOSTILE_TEXTS = ["a\x00b", "\udc80", "a\x07b\x1b[31m", "a\u0085b"]
HOSTILE_INTS = [99999999999999999999, 2**31, -(2**63)]
TEXT_KEYS = [
    "name", "email", "title", "reason", "municipality", "wijk", "stage", "status", "assignee",
    "organisation", "phone", "function", "description", "location", "q", "code", "kind",
    "payment_method", "locale", "role", "domain", "theme", "summary", "slug",
]  # fmt: skip
NESTED_KEYS = ["person", "billing", "casus", "contact", "approver", "location", "fee"]
LIST_KEYS = ["members", "records", "sessions", "delegates", "expertise", "domains"]
INT_KEYS = ["expert_ids", "host", "presenters", "capacity", "min_participants", "amount_cents"]
MOMENT_ROUTES = re.compile(r"/sessions/|/wijklab/steps|/meeting$|^/api/v1/programmes$")
HOSTILE_MOMENTS = ["0001-01-01T00:00+14:00", "9999-12-31T23:00Z", "2000-01-01T00:00-14:00"]
# A form field no form knows, holding NUL: posted with every form, so no post is valid as a
# whole and nothing may be done (a valid post with stray fields would be carried out).
POISON = {"zz_hostile": "\x00"}


def _universal_body(value) -> dict:
    """Every key our API reads, holding ``value`` (nested objects and lists too)."""
    body = dict.fromkeys(TEXT_KEYS, value)
    for key in NESTED_KEYS:
        body[key] = dict.fromkeys(("name", "email", "address", "title", "function"), value)
    for key in LIST_KEYS:
        body[key] = [dict.fromkeys(("name", "email", "status", "substitute"), value), value]
    return body


def _json_bodies(path: str) -> list[tuple[bytes, str]]:
    bodies = [
        (json.dumps(_universal_body(value)).encode(), "application/json") for value in HOSTILE_TEXTS
    ]
    bodies += [
        (json.dumps({key: [value] if key.endswith("s") else value for key in INT_KEYS}).encode(),
         "application/json")
        for value in HOSTILE_INTS
    ]  # fmt: skip
    if MOMENT_ROUTES.search(path):
        keys = ("starts_at", "ends_at", "naming_deadline", "registration_deadline")
        bodies += [
            (json.dumps(dict.fromkeys(keys, moment)).encode(), "application/json")
            for moment in HOSTILE_MOMENTS
        ]
    bodies += [
        (b"[" * 1000 + b"]" * 1000, "application/json"),
        (b'{"a":' * 1000 + b"1" + b"}" * 1000, "application/json"),
        (b"{not json", "application/json"),
        (b'{"name": NaN}', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"reason=weg", "text/plain"),
        (b"reason=weg&full_refund=true", "application/x-www-form-urlencoded"),
    ]
    return bodies


def _dump(db) -> dict[str, list]:
    """Every row of every table, but what reading records by design: when a token was last used
    and the rate limiter's counts."""
    db.session.expire_all()
    dump = {}
    for table in db.metadata.sorted_tables:
        if table.name in {"rate_limit_counter", "login_attempt"}:
            continue
        columns = [c for c in table.columns if c.name not in {"last_used_at", "last_login_at"}]
        rows = db.session.execute(select(*columns)).all()
        dump[table.name] = sorted(repr(tuple(row)) for row in rows)
    db.session.commit()
    return dump


@pytest.fixture
def app_overrides() -> dict:
    return {
        "STRIPE_SECRET_KEY": "sk_test_hostile",
        "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
        "STRIPE_API_BASE": "http://127.0.0.1:9",  # never reached: no test here pays
    }


@pytest.fixture
def world(app, db, client, smtp):
    """One programme of each kind with a registration each, an admin logged in, an API token;
    the values each route's arguments can take, per kind."""
    admin = factories.account("admin@example.nl", role=Role.ADMIN)
    admin.set_password(PASSWORD)
    course(capacity=10)
    trio_helpers.werkplaats()
    wijklab()
    expert_pool()
    db.session.commit()
    token = create_api_token(admin)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}

    made = [
        client.post(COURSE_URL, json=individual()),
        client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio_helpers.trio()),
        client.post("/api/v1/programmes/wijklab/registrations", json=lab_request()),
    ]
    assert [r.status_code for r in made] == [201, 201, 201], [r.json for r in made]
    approval = trio_helpers.approval_link(smtp).removeprefix("/akkoord/")
    log_in(client, "admin@example.nl", PASSWORD)

    kinds = []
    for answer in made:
        registration = db.session.get(Registration, answer.json["id"])
        session = db.session.scalar(
            select(ProgrammeSession).where(
                ProgrammeSession.programme_id == registration.programme_id
            )
        )
        invoice = db.session.scalar(
            select(Invoice).where(Invoice.registration_id == registration.id)
        )
        lab = getattr(registration, "lab", None)
        kinds.append(
            {
                "slug": registration.programme.slug,
                "registration_id": registration.id,
                "token": registration.manage_token,
                "session_id": session.id if session else 1,
                "member_id": registration.members[0].id if registration.members else 1,
                "invoice_id": invoice.id if invoice else 1,
                "number": invoice.number if invoice else "x",
                "code": "GM0606",
                "locale": "nl",
                "fmt": "csv",
                "token_id": 1,
                "account_id": admin.id,
                "expert_id": 1,
                "task_id": lab.tasks[0].id if lab is not None and lab.tasks else 1,
                "kind": lab.tasks[0].kind if lab is not None and lab.tasks else "x",
                "message_id": 1,
                "city_id": 1,
            }
        )
    return {"kinds": kinds, "headers": headers, "approval": approval}


def _path(rule, values: dict, approval: str) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(2)
        if name == "token" and rule.rule.startswith("/akkoord/"):
            return approval
        return quote(str(values[name]), safe="")

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)


def _hostile_paths(rule) -> list[str]:
    """The rule with each argument in turn replaced by a hostile value."""
    paths = []
    for name, converter in rule._converters.items():
        parts = HOSTILE_IDS if type(converter).__name__ == "DatabaseIdConverter" else []
        for part in [*HOSTILE_PATH_PARTS, *parts]:
            paths.append(re.sub(rf"<(?:\w+:)?{name}>", part, rule.rule))
    return paths


def _form_fields(client, paths: list[str]) -> set[str]:
    """The names of every form field on the pages at ``paths``."""
    names = set()
    for path in paths:
        page = client.get(path)
        if page.status_code == 200 and "text/html" in page.content_type:
            names.update(re.findall(r'name="([^"]+)"', page.text))
    return names - {"csrf_token"}


def test_hostile_input_at_every_route_is_refused_and_changes_nothing(app, db, client, world):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    approval, headers = world["approval"], world["headers"]
    pages = [
        _path(rule, values, approval)
        for rule in rules
        if "GET" in rule.methods and not rule.rule.startswith("/api/")
        for values in world["kinds"]
    ]
    fields = _form_fields(client, pages)
    token = csrf_token(client.get("/beheer/personen").text)
    before = _dump(db)
    answers: list[tuple[int, str, str]] = []

    def send(method: str, path: str, **kwargs) -> None:
        if path.startswith("/api/"):
            kwargs.setdefault("headers", headers)
        response = client.open(path, method=method, **kwargs)
        answers.append((response.status_code, method, path))

    for rule in rules:
        if rule.rule == "/logout":
            continue  # it logs out, as it should whatever the body
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for path in _hostile_paths(rule):
            for method in methods:
                send(method, path)
        for values in world["kinds"]:
            path = _path(rule, values, approval)
            if "GET" in methods:
                send("GET", path + HOSTILE_QUERY)
            for method in set(methods) - {"GET"}:
                if path.startswith("/api/"):
                    for data, content_type in _json_bodies(path):
                        send(method, path, data=data, content_type=content_type)
                    continue
                for value in ["a\x00b", "a\x07b", "99999999999999999999", "0001-01-01", "-1"]:
                    form = dict.fromkeys(fields, value) | POISON | {"csrf_token": token}
                    send(method, path, data=form)
    # A body over the size limit, to a public form and a public API call.
    huge = "x" * (20 * 1024 * 1024)
    send("POST", COURSE_URL, data=huge, content_type="application/json")
    send("POST", "/programmes/driedaagse/aanmelden", data={"csrf_token": token, "x": huge})

    errors = [answer for answer in answers if answer[0] >= 500]
    assert errors == [], f"{len(errors)} of {len(answers)} answers were 5xx: {errors[:20]}"
    assert len(answers) > 2000
    assert _dump(db) == before


def test_signed_but_malformed_stripe_events_are_refused_and_do_nothing(app, client, db, world):
    before = _dump(db)
    malformed = [
        {"id": "evt_1"},
        {"id": "evt_2", "type": "checkout.session.completed"},
        {"id": "evt_3", "type": "checkout.session.completed", "data": "x"},
        {"id": "evt_4", "type": "checkout.session.completed", "data": {"object": []}},
        {"id": 5, "type": "charge.refunded", "data": {"object": {}}},
        {"id": "evt_6", "type": "checkout.session.completed",
         "data": {"object": {"id": "cs_1", "payment_status": "paid", "metadata": "x"}}},
        {"id": "evt_7", "type": "checkout.session.completed",
         "data": {"object": {"id": "cs_1", "payment_status": "paid", "amount_total": "12"}}},
        {"id": "evt_8", "type": "payment_intent.payment_failed",
         "data": {"object": {"id": "pi_1", "metadata": {"payment_id": "9" * 20}}}},
        {"id": "evt_9\x00", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}},
        {"id": "evt_10", "type": "checkout.session.completed",
         "data": {"object": {"id": "cs\x00", "payment_status": "paid"}}},
    ]  # fmt: skip
    answers = [deliver(client, event) for event in malformed]
    assert [a.status_code for a in answers] == [400] * len(malformed)
    assert _dump(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"location": {"name": "Zaal\n1"}}, "location.name"),
        ({"location": {"address": "Postweg\x079"}}, None),
        ({"starts_at": "0307-10-12T13:00:00+02:00"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:00+14:00"}, "starts_at"),
        ({"ends_at": "9999-12-31T23:00Z"}, "ends_at"),
    ],
)
def test_a_session_keeps_its_place_and_time_sane(client, db, world, body, field):
    session_id = world["kinds"][0]["session_id"]
    before = _dump(db)
    response = client.patch(f"/api/v1/sessions/{session_id}", json=body, headers=world["headers"])
    assert response.status_code == 422, response.json
    [error] = response.json["errors"]
    assert error["code"] == "invalid" and error["message"]
    if field:
        assert error["field"] == field
    assert _dump(db) == before


def test_a_cancel_with_a_body_that_is_not_json_does_nothing(client, db, world):
    registration_id = world["kinds"][0]["registration_id"]
    url = f"/api/v1/registrations/{registration_id}/cancel"
    before = _dump(db)
    for data, content_type, status in [
        ("full_refund=true", "text/plain", 415),
        ("{full_refund: true}", "application/json", 400),
        ("[" * 1000 + "]" * 1000, "application/json", 400),
    ]:
        response = client.post(url, data=data, content_type=content_type, headers=world["headers"])
        assert response.status_code == status
        assert response.json["errors"][0]["message"]
    assert _dump(db) == before
    assert client.post(url, headers=world["headers"]).json["state"] == "cancelled"


def test_a_form_field_with_a_control_character_is_a_message_at_the_field(client, db, world):
    page = client.get("/beheer/programmas/driedaagse/bijeenkomsten/nieuw")
    form = {
        "csrf_token": csrf_token(page.text),
        "title": "Terug\x00komdag",
        "day": "0001-02-02",
        "start": "13:00",
        "end": "17:00",
        "location_name": "Kaap\nDoorn",
    }
    answer = client.post("/beheer/programmas/driedaagse/bijeenkomsten/nieuw", data=form)
    assert answer.status_code == 422
    assert 'id="title-error"' in answer.text and "niet is toegestaan" in answer.text
    assert 'id="day-error"' in answer.text and "tussen 2000 en 2199" in answer.text
    assert 'id="location_name-error"' in answer.text and "één regel" in answer.text
    assert 'value="Kaap' in answer.text  # what was typed stays


def test_an_api_query_with_a_control_character_is_invalid(client, world):
    answer = client.get("/api/v1/municipalities?q=a%00b")
    assert answer.status_code == 422
    assert answer.json["errors"][0] == {**answer.json["errors"][0], "code": "invalid", "field": "q"}


def test_tick_refuses_a_moment_the_calendar_cannot_hold(runner, db):
    for moment in ("0001-01-01T00:00+14:00", "9999-12-31T23:00Z"):
        result = runner.invoke(args=["wijkwerk", "tick", "--now", moment])
        assert result.exit_code == 2, result.output
        assert "tussen 2000 en 2199" in result.output


def test_log_lines_escape_control_characters(client, caplog):
    with caplog.at_level(logging.WARNING, logger="wijkwerk"):
        logging.getLogger("wijkwerk.test").warning("pad %s", "/x\nFORGED 200 OK\x1b[0m")
    [record] = [r for r in caplog.records if r.name == "wijkwerk.test"]
    assert record.getMessage() == "pad /x\\x0aFORGED 200 OK\\x1b[0m"
    assert "\n" not in caplog.text.strip()
