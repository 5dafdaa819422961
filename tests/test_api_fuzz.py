"""The API against its own document, fuzzed by schemathesis (PyPI) on a live server, on both
databases: every operation, without and with an organiser's token, ``--checks all``.

The app serves the demo (every kind, registrations at every step) from a real server in a thread;
the command line of schemathesis runs against it, as an integrator would, with a configuration
written here: the ids and slugs of the demo for the path parameters, a bounded number of examples
per operation (the run takes one to two minutes per database), and one check of our own in
tests/schemathesis_hooks.py. Its one exception to the checks, with its reason:

- ``positive_data_acceptance`` lets a 422 pass. The contract answers 422 also for rules no schema
  can hold (the database's state and the clock); tests/schemathesis_hooks.py then checks that
  the declared shape reads the request without a problem, so the refusal came from such a rule
  and not from a document weaker than the server.

Registering is fuzzed once per kind, each on a programme of that kind: the body of
``POST /programmes/{slug}/registrations`` is the request of the programme's kind. The coverage
phase (boundary values of every field) runs for the trio's request, the largest; the other
kinds' requests get the examples and fuzzing phases, to keep the run within a few minutes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from tests import factories, trio_helpers
from tests.servers import free_port
from wijkwerk.accounts.services import create_api_token
from wijkwerk.demo.activity import load_activity
from wijkwerk.demo.programmes import load_demo
from wijkwerk.programmes.models import ProgrammeKind
from wijkwerk.registrations.models import Registration
from wijkwerk.wijklab.models import LabRequest

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
MAX_EXAMPLES = 8
REGISTER = "POST /programmes/{slug}/registrations"


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args) -> None:  # thousands of requests: no log
        pass


@pytest.fixture
def live(app, db):
    """The demo served on a free port: (base URL, an organiser's token, the demo's ids)."""
    trio_helpers.load_municipalities()
    now = dt.datetime.now(dt.UTC)
    demo = load_demo(now)
    load_activity(demo, now)
    token = create_api_token(factories.account("fuzz@example.nl"))
    throwaway = factories.programme(slug="fuzz-vervalt", title="Wordt door de fuzzer geschrapt")
    db.session.commit()
    by_kind = {p.kind: p for p in demo}
    werkplaats = by_kind[ProgrammeKind.WERKPLAATS]
    kennis = by_kind[ProgrammeKind.KENNISPROGRAMMA]
    city = db.session.scalars(
        select(Registration).where(Registration.programme_id == kennis.id)
    ).first()
    ids = {
        "slugs": {kind: p.slug for kind, p in by_kind.items()},
        "slug": werkplaats.slug,
        "throwaway": throwaway.slug,
        "registration_id": db.session.scalars(
            select(Registration.id).where(Registration.programme_id == werkplaats.id)
        ).first(),
        "lab": db.session.scalars(select(LabRequest.registration_id)).first(),
        "city": city.id,
        "session_id": werkplaats.sessions[0].id,
        "meeting": kennis.sessions[0].id,
    }
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/api/v1", token, ids
    finally:
        server.shutdown()
        thread.join()


def _config(ids: dict, *, slug: str | None = None, coverage: bool = True) -> str:
    """schemathesis.toml for a run; ``slug``: the registration of that programme;
    ``coverage``: with the coverage phase (its boundary values take a third of a run)."""
    lines = [
        'hooks = "tests.schemathesis_hooks"',
        "color = false",
        "seed = 20261201",
        f"generation.max-examples = {MAX_EXAMPLES}",
        f"phases.coverage.enabled = {'true' if coverage else 'false'}",
        "[output.truncation]",
        "enabled = false",
        "[checks]",
        'positive_data_acceptance.expected-statuses = ["2XX", 401, 403, 404, 409, 422, 429]',
        "[parameters]",
        f'slug = "{slug or ids["slug"]}"',
        f"registration_id = {ids['registration_id']}",
        f"session_id = {ids['session_id']}",
    ]
    lab = {"registration_id": ids["lab"]}
    overrides = [
        ("/programmes/{slug}/cancel", {"slug": ids["throwaway"]}),  # it goes: not the demo's
        ("/programmes/{slug}/cities", {"slug": ids["slugs"][ProgrammeKind.KENNISPROGRAMMA]}),
        ("/registrations/{registration_id}/wijklab", lab),
        ("/registrations/{registration_id}/wijklab/steps", lab),
        ("/registrations/{registration_id}/wijklab/panel", lab),
        ("/registrations/{registration_id}/wijklab/suggestions", lab),
        ("/registrations/{registration_id}/wijklab/tasks/{kind}", {**lab, "kind": "lunch"}),
        (
            "/registrations/{registration_id}/sessions/{session_id}/delegates",
            {"registration_id": ids["city"], "session_id": ids["meeting"]},
        ),
        ("/sessions/{session_id}/meeting", {"session_id": ids["meeting"]}),
    ]
    for path, parameters in overrides:
        values = ", ".join(
            f'{key} = "{value}"' if isinstance(value, str) else f"{key} = {value}"
            for key, value in parameters.items()
        )
        lines += ["[[operations]]", f'include-path = "{path}"', f"parameters = {{ {values} }}"]
    return "\n".join(lines) + "\n"


def _run(base: str, config: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The command line in the run's own folder (it keeps a cache there)."""
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            *arguments,
        ],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=600,
    )


def _passed(result: subprocess.CompletedProcess) -> None:
    tail = "\n".join(result.stdout.splitlines()[-150:])
    assert result.returncode == 0, f"schemathesis found failures:\n{tail}\n{result.stderr[-2000:]}"
    assert "Tested: " in result.stdout and " 0 tested" not in result.stdout


def test_the_api_keeps_to_its_document_without_and_with_a_token(live, tmp_path):
    base, token, ids = live
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(ids))
    _passed(_run(base, config, "--exclude-name", REGISTER))
    _passed(_run(base, config, "--exclude-name", REGISTER, "-H", f"Authorization: Bearer {token}"))
    for kind, slug in ids["slugs"].items():
        per_kind = tmp_path / f"schemathesis-{kind.value}.toml"
        # The trio's request has the most fields and rules: the coverage phase runs for it.
        per_kind.write_text(_config(ids, slug=slug, coverage=kind is ProgrammeKind.WERKPLAATS))
        header = (
            ["-H", f"Authorization: Bearer {token}"]
            if kind is ProgrammeKind.KENNISPROGRAMMA
            else []
        )
        _passed(_run(base, per_kind, "--include-name", REGISTER, *header))
