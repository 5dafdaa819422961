"""A Kennisprogramma's meetings (docs/domain.md §4): each is hosted in one participating wijk, with
three or four presenting; a wijkanalyse per wijk is shared with the participating cities.

Web pages and the JSON API call these functions; nothing here commits.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from wijkwerk.accounts.models import Account
from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.kennis.models import CityParticipation, KennisMeeting, MeetingPresenter
from wijkwerk.kennis.services import cities, require_kennis, warning
from wijkwerk.programmes.models import ProgrammeKind, ProgrammeSession
from wijkwerk.registrations.models import Registration, RegistrationState
from wijkwerk.validation import Problem, RuleViolation

S = RegistrationState
MIN_PRESENTERS, MAX_PRESENTERS = 3, 4  # "drie of vier wijken" present at each meeting


# --- the meetings ---------------------------------------------------------------------------------


def meeting_of(session: ProgrammeSession) -> KennisMeeting:
    meeting = db.session.get(KennisMeeting, session.id)
    if meeting is None:
        meeting = KennisMeeting(session_id=session.id)
        db.session.add(meeting)
    return meeting


def set_meeting(
    session: ProgrammeSession,
    *,
    host_id: int | None,
    presenter_ids: list[int],
    naming_deadline: dt.datetime | None = None,
    actor: Account | None = None,
) -> list[Problem]:
    """Which participating wijk hosts a meeting (its location follows) and which three or four
    present. More than four presenters is refused, fewer than three a warning."""
    programme = session.programme
    require_kennis(programme)
    confirmed = {c.registration_id: c for c in cities(programme)}
    problems = []
    if host_id is not None and host_id not in confirmed:
        problems.append(Problem("invalid", "host", _("Kies een van de deelnemende wijken.")))
    presenter_ids = list(dict.fromkeys(presenter_ids))
    if any(i not in confirmed for i in presenter_ids):
        problems.append(Problem("invalid", "presenters", _("Kies deelnemende wijken.")))
    if len(presenter_ids) > MAX_PRESENTERS:
        problems.append(
            Problem(
                "invalid",
                "presenters",
                _("Hooguit %(max)s wijken presenteren per bijeenkomst.", max=MAX_PRESENTERS),
            )
        )
    if naming_deadline is not None and naming_deadline >= session.starts_at:
        problems.append(
            Problem(
                "invalid",
                "naming_deadline",
                _("De deelnemers worden vóór de bijeenkomst opgegeven."),
            )
        )
    if problems:
        raise RuleViolation(*problems)
    meeting = meeting_of(session)
    meeting.host_registration_id = host_id
    meeting.naming_deadline = naming_deadline
    meeting.presenters = [
        MeetingPresenter(session_id=session.id, registration_id=i) for i in presenter_ids
    ]
    if host_id is not None:
        host = confirmed[host_id]
        from wijkwerk.calendars import changes

        changes.change_session(
            session,
            changes.SessionChange(
                location_name=_("%(wijk)s, %(city)s", wijk=host.wijk, city=host.name),
                reason=_(
                    "De bijeenkomst is in %(wijk)s (%(city)s).", wijk=host.wijk, city=host.name
                ),
            ),
            actor=actor,
        )
    db.session.flush()
    warnings = []
    if len(presenter_ids) < MIN_PRESENTERS:
        warnings.append(
            warning(
                "too_few_presenters",
                _(
                    "Per bijeenkomst presenteren drie of vier wijken; er staan er nu %(count)s.",
                    count=len(presenter_ids),
                ),
            )
        )
    return warnings


# --- the wijkanalyses -----------------------------------------------------------------------------


def attach_wijkanalyse(
    city: CityParticipation, filename: str, content: bytes, *, actor: Account | None = None
) -> None:
    city.wijkanalyse = documents.store(filename, content, field="wijkanalyse", by=actor)
    db.session.flush()
    city.registration.note_change(
        actor=actor, reason=_("Wijkanalyse toegevoegd: %(name)s.", name=city.wijkanalyse.filename)
    )


def may_read_wijkanalyses(registration: Registration) -> bool:
    """The participants (the cities' contacts, through their page) read every wijkanalyse."""
    return (
        registration.programme.kind is ProgrammeKind.KENNISPROGRAMMA
        and registration.state is S.CONFIRMED
    )
