"""The back-office is one blueprint under /beheer with one guard: its areas and the kinds' back-office
pages are nested into it, so the guard (log in first; a viewer only reads) covers every one of them,
and the back-office itself never imports a kind."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, log_in, make_app
from tests.test_security import WRITES, routes
from wijkwerk import backoffice
from wijkwerk.accounts.models import ApiToken, Role
from wijkwerk.backoffice import VIEWER_WRITES

# The kinds' packages, each nesting its own back-office pages into the back-office.
KIND_PACKAGES = ("werkplaatsen", "driedaagse", "wijklab", "kennis")
NESTED_KINDS = {"backoffice.driedaagse", "backoffice.wijklab", "backoffice.kennis"}


def _blueprint(endpoint: str) -> str:
    return endpoint.rsplit(".", 1)[0]


def test_every_url_under_beheer_is_the_back_offices_and_no_other(app):
    under_beheer = {r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/beheer")}
    elsewhere = {r.endpoint for r in app.url_map.iter_rules() if not r.rule.startswith("/beheer")}
    assert under_beheer and all(e.startswith("backoffice.") for e in under_beheer), sorted(
        e for e in under_beheer if not e.startswith("backoffice.")
    )
    assert not any(e.startswith("backoffice.") for e in elsewhere)
    # Every page is in a nested area or kind; the parent itself serves none.
    assert all(e.count(".") == 2 for e in under_beheer)
    assert {_blueprint(e) for e in under_beheer} >= NESTED_KINDS
    # The kinds' public pages stay outside: a panel member's invitation, a city's delegates.
    assert {"wijklab.panel_invitation", "kennis.delegates"} <= elsewhere


def test_the_one_guard_is_the_back_office_blueprints_own(app):
    assert app.before_request_funcs["backoffice"] == [backoffice.guard]
    app_wide = app.before_request_funcs.get(None, [])
    assert not [f for f in app_wide if f.__module__.startswith("wijkwerk.backoffice")]
    nested = [name for name in app.blueprints if name.startswith("backoffice.")]
    assert not [name for name in nested if app.before_request_funcs.get(name)]


def test_the_guard_covers_the_kinds_nested_pages(app, client, db):
    """Anonymous: to the log-in, every method. A viewer: reads (the page answers, or is a 404 for
    a made-up id), but every write is a 403, before the view looks anything up."""
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    kinds = [route for route in routes(app, "/beheer") if _blueprint(route[0]) in NESTED_KINDS]
    assert {_blueprint(endpoint) for endpoint, _, _ in kinds} == NESTED_KINDS
    token = csrf_token(client.get("/login").text)
    for endpoint, method, url in kinds:
        data = {"csrf_token": token} if method in WRITES else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert response.location.startswith("/login?next="), (endpoint, response.location)

    log_in(client, "kijker@example.nl", factories.PASSWORD)
    token = csrf_token(client.get("/beheer/").text)
    for endpoint, method, url in kinds:
        response = client.open(url, method=method, data={"csrf_token": token})
        if method in WRITES:
            assert endpoint not in VIEWER_WRITES
            assert response.status_code == 403, (endpoint, method, response.status_code)
        else:
            assert response.status_code in (200, 404), (endpoint, method, response.status_code)


def test_a_viewer_writes_only_their_own_tokens(app, client, db):
    factories.account("kijker@example.nl", Role.VIEWER)
    db.session.commit()
    log_in(client, "kijker@example.nl", factories.PASSWORD)
    token = csrf_token(client.get("/beheer/tokens").text)
    made = client.post("/beheer/tokens", data={"csrf_token": token})
    assert made.status_code == 201 and "ww_" in made.text
    refused = client.post("/beheer/gemeenten/GM0606", data={"csrf_token": token})
    assert refused.status_code == 403
    api_token = db.session.scalars(select(ApiToken)).one()
    revoked = client.post(f"/beheer/tokens/{api_token.id}/intrekken", data={"csrf_token": token})
    assert revoked.status_code == 302
    db.session.refresh(api_token)
    assert api_token.revoked_at is not None
    assert {rule.endpoint for rule in app.url_map.iter_rules()} >= VIEWER_WRITES


def test_a_second_app_nests_each_kind_once(app, tmp_path):
    """The kinds nest themselves when first imported, so a second app (every test makes one) has
    the same routes, none twice."""
    other = make_app(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other")
    rules = sorted((r.rule, r.endpoint) for r in other.url_map.iter_rules())
    assert len(rules) == len(set(rules))
    assert rules == sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules())


def test_the_back_office_imports_no_kind():
    """Kinds depend on the core, never the reverse."""
    found = set()
    for path in sorted(Path(backoffice.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                for kind in KIND_PACKAGES:
                    if name == f"wijkwerk.{kind}" or name.startswith(f"wijkwerk.{kind}."):
                        found.add((path.name, f"wijkwerk.{kind}"))
    assert found == set()
