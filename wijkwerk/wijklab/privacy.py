"""The personal data the Wijklab keeps outside registrations: its expert pool (AVG art. 15 and 17).

The core's access and erasure (wijkwerk/privacy/) ask each kind through the registry's
``personal_data``.
"""

from __future__ import annotations

from sqlalchemy import select

from wijkwerk.extensions import db
from wijkwerk.outbox.services import anonymous_address
from wijkwerk.privacy.services import ERASED
from wijkwerk.wijklab.models import Expert, PanelInvitation


def _expert(email: str) -> Expert | None:
    return db.session.scalar(select(Expert).where(Expert.email == email))


def _invitations(expert: Expert) -> list[PanelInvitation]:
    return list(
        db.session.scalars(select(PanelInvitation).where(PanelInvitation.expert_id == expert.id))
    )


def holds(email: str) -> bool:
    return _expert(email) is not None


def export(email: str) -> dict | None:
    """The expert with this address, and the labs they were asked for."""
    expert = _expert(email)
    if expert is None:
        return None
    return {
        "name": expert.name,
        "organisation": expert.organisation,
        "email": expert.email,
        "phone": expert.phone,
        "expertise": expert.expertise,
        "invitations": [
            {"lab": inv.lab.registration.reference, "status": inv.status.value}
            for inv in _invitations(expert)
        ],
    }


def erase(email: str, done) -> None:
    """Anonymise the expert and take their name out of the labs' histories (``done`` is the
    core's record of the erasure, wijkwerk/privacy/services.py ``Anonymised``)."""
    expert = _expert(email)
    if expert is None:
        return
    needles = done.needles(expert.name, expert.email)
    for invitation in _invitations(expert):
        done.scrub(invitation.lab.registration, needles)
    expert.name = ERASED
    expert.email = anonymous_address("expert", expert.id)
    expert.phone = ""
    expert.organisation = ""
    expert.active = False
    done.erased("expert", expert.id)
