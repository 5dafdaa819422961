"""The API maps its errors in one place (wijkwerk/api/__init__.py): a rule violation is a 422, a
move the registration's state does not allow is a 409 ``state_conflict``, from every endpoint and
whichever layer refuses it, never a 500. And the core API does not import the kinds: a kind's
endpoints join the blueprint from the kind's package."""

from __future__ import annotations

import pytest

from tests import trio_helpers
from wijkwerk.registrations import lifecycle
from wijkwerk.registrations.models import IllegalTransition, Registration, RegistrationState


def test_an_illegal_transition_is_a_state_conflict(db):
    """One exception means "not allowed in this state", whichever layer finds it."""
    trio_helpers.load_municipalities()
    programme = trio_helpers.werkplaats()
    registration = Registration(programme=programme, state=RegistrationState.CANCELLED)
    with pytest.raises(lifecycle.StateConflict) as raised:
        registration.transition(RegistrationState.CONFIRMED)
    assert isinstance(raised.value, IllegalTransition)
    assert raised.value.registration is registration
    assert (raised.value.current, raised.value.target) == (
        RegistrationState.CANCELLED,
        RegistrationState.CONFIRMED,
    )
    assert registration.state is RegistrationState.CANCELLED and not registration.events
