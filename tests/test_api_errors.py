"""The API maps its errors in one place (wijkwerk/api/__init__.py): a rule violation is a 422, a
move the registration's state does not allow is a 409 ``state_conflict``, from every endpoint and
whichever layer refuses it, never a 500. And the core API does not import the kinds: a kind's
endpoints join the blueprint from the kind's package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import factories, trio_helpers
from tests.trio_helpers import trio
from tests.wijklab_helpers import URL as LAB_URL
from tests.wijklab_helpers import lab_request, wijklab
from wijkwerk.accounts.services import create_api_token
from wijkwerk.registrations.models import (
    IllegalTransition,
    Registration,
    RegistrationState,
    StateConflict,
)

API = Path(__file__).resolve().parent.parent / "wijkwerk" / "api"
KINDS = ("wijkwerk.werkplaatsen", "wijkwerk.driedaagse", "wijkwerk.wijklab", "wijkwerk.kennis")


@pytest.fixture
def headers(db):
    token = create_api_token(factories.account("org@example.nl"))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def assert_state_conflict(response, state: str) -> None:
    assert response.status_code == 409, response.json
    assert response.json == {
        "errors": [
            {
                "code": "state_conflict",
                "field": None,
                "message": f"Dit kan niet: de aanmelding heeft de status {state}.",
            }
        ]
    }


def test_a_decision_the_state_does_not_allow_is_a_409_at_every_decision_endpoint(
    client, db, headers
):
    trio_helpers.load_municipalities()
    trio_helpers.werkplaats(capacity=2, min_participants=1)
    db.session.commit()
    made = client.post("/api/v1/programmes/werkplaatsen/registrations", json=trio()).json
    url = f"/api/v1/registrations/{made['id']}"
    assert client.post(url + "/decline", headers=headers).status_code == 200
    for action in ("approve", "cancel"):
        assert_state_conflict(client.post(url + "/" + action, headers=headers), "declined")
    db.session.expire_all()
    assert db.session.get(Registration, made["id"]).state is RegistrationState.DECLINED


def test_a_lab_cancelled_as_a_registration_is_withdrawn_and_takes_no_more_steps(
    client, db, smtp, headers
):
    """Cancelled through ``/cancel`` rather than withdrawn as a lab, the booking's lab is withdrawn
    too (the kind's ``cancelled``), so no later step can confirm a cancelled registration (planning
    it once was a 500, then a 409)."""
    wijklab()
    db.session.commit()
    made = client.post(LAB_URL, json=lab_request()).json
    base = f"/api/v1/registrations/{made['id']}"
    assert client.post(base + "/cancel", headers=headers).status_code == 200
    lab = client.get(base + "/wijklab", headers=headers).json
    assert (lab["stage"], lab["state"], lab["session"]) == ("withdrawn", "cancelled", None)
    for step in (
        {"stage": "intake", "sharpened_question": "Scherper"},
        {
            "stage": "planned",
            "starts_at": "2027-09-08T09:30:00+02:00",
            "ends_at": "2027-09-08T21:00:00+02:00",
        },
    ):
        refused = client.post(base + "/wijklab/steps", json=step, headers=headers)
        assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "stage"
    assert client.get(base + "/wijklab", headers=headers).json["stage"] == "withdrawn"


def test_an_illegal_transition_is_a_state_conflict(db):
    """One exception means "not allowed in this state", whichever layer finds it."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    registration = Registration(programme=programme, state=RegistrationState.CANCELLED)
    with pytest.raises(StateConflict) as raised:
        registration.transition(RegistrationState.CONFIRMED)
    assert isinstance(raised.value, IllegalTransition)
    assert raised.value.registration is registration
    assert (raised.value.current, raised.value.target) == (
        RegistrationState.CANCELLED,
        RegistrationState.CONFIRMED,
    )
    assert registration.state is RegistrationState.CANCELLED and not registration.events


def test_importing_the_api_loads_no_kind_package():
    """Kinds depend on the core, never the reverse: the blueprint with its error handlers, the
    serialisers and the OpenAPI document load without a kind's package."""
    code = (
        "import sys\n"
        "import wijkwerk.api, wijkwerk.api.auth, wijkwerk.api.serialise, wijkwerk.api.openapi\n"
        "import wijkwerk.api.views\n"
        f"print(sorted(n for n in sys.modules if n.startswith({KINDS!r})))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=API.parent.parent,
    )
    assert found.stdout.strip() == "[]"
