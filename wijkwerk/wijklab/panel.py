"""A Wijklab's panel: the expert pool, suggestions ranked by matching expertise, invitations by
mail with a signed link to accept or decline, and the briefing accepted members receive (the day
as a calendar event and the startnotitie, downloadable only by them and organisers)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from wijkwerk.accounts.models import Account
from wijkwerk.documents import services as documents
from wijkwerk.extensions import db
from wijkwerk.outbox.services import queue
from wijkwerk.registrations.inputs import EmailAddress, Line, OptionalLine, Phone
from wijkwerk.registrations.sessions import ics_attachment
from wijkwerk.schema import Says, Shape, Text, parse, refusal
from wijkwerk.schema.text import text_pattern
from wijkwerk.timeutil import now_utc
from wijkwerk.urls import external_url
from wijkwerk.validation import Problem, RuleViolation
from wijkwerk.wijklab.models import (
    Expert,
    InvitationStatus,
    LabRequest,
    LabStage,
    PanelInvitation,
)

PANEL_SIZE = 8  # "zo'n acht panelleden" (seed 000): a guide, not a limit
_PURPOSE = "wijkwerk:panel-invitation"


# --- the expert pool ------------------------------------------------------------------------------


def tags(text: str | list | None) -> list[str]:
    """Expertise tags from ``"wonen, veiligheid; Zorg"`` or a list: lower case, once each."""
    parts = text if isinstance(text, list) else (text or "").replace(";", ",").split(",")
    found = []
    for part in parts:
        tag = " ".join(str(part).split()).lower()[:60]
        if tag and tag not in found:
            found.append(tag)
    return found


def _expertise(value: list[str] | str) -> list[str]:
    found = tags(value)
    if not found:
        raise refusal("required", _("Geef minstens één expertise."))
    return found


def _split(value: Any) -> Any:
    """Expertise typed as text with commas (the back-office's field), by the rule for a line."""
    if not isinstance(value, str):
        return value
    text = Text(1000, optional=True).check(value)
    return tags(text)


class ExpertInput(Shape):
    """An expert of the pool, added or changed."""

    name: Line
    organisation: OptionalLine = ""
    email: EmailAddress
    phone: Phone = ""
    expertise: Annotated[
        list[Annotated[str, Text(60)]],
        BeforeValidator(_split),
        AfterValidator(_expertise),
        Field(min_length=1),
        Says(
            missing=lambda: _("Geef minstens één expertise."),
            too_short=("required", lambda: _("Geef minstens één expertise.")),
        ),
        # A list, or text with commas (the back-office's field), which the server splits.
        WithJsonSchema(
            {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {"type": "string", "maxLength": 60, "pattern": text_pattern()},
                        "minItems": 1,
                    },
                    {
                        "type": "string",
                        "maxLength": 1000,
                        "pattern": text_pattern(invisible=",;"),
                        "description": "met komma's",
                    },
                ]
            }
        ),
    ]
    active: bool | None = None


def save_expert(data: dict[str, Any], expert: Expert | None = None) -> Expert:
    """Add an expert to the pool, or change one. Raises :class:`RuleViolation`."""
    given = parse(ExpertInput, data)
    values = given.model_dump(exclude={"active"})
    problems: list[Problem] = []
    other = db.session.scalar(select(Expert).where(Expert.email == values["email"]))
    if other is not None and other is not expert:
        problems.append(
            Problem(
                "already_exists",
                "email",
                _("Er staat al een expert met dit e-mailadres in de pool."),
            )
        )
    if problems:
        raise RuleViolation(*problems)
    if expert is None:
        expert = Expert()
        db.session.add(expert)
    for key, value in values.items():
        setattr(expert, key, value)
    if given.active is not None:
        expert.active = given.active
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise RuleViolation(
            Problem(
                "already_exists",
                "email",
                _("Er staat al een expert met dit e-mailadres in de pool."),
            )
        ) from exc
    return expert


def experts() -> list[Expert]:
    return list(db.session.scalars(select(Expert).order_by(Expert.active.desc(), Expert.name)))


def suggestions(lab: LabRequest, limit: int = 20) -> list[tuple[Expert, list[str]]]:
    """Active experts not yet invited, those whose expertise matches the lab's themes most first,
    each with the matching tags."""
    invited = {i.expert_id for i in lab.invitations}
    wanted = set(lab.themes or [])
    ranked = []
    for expert in db.session.scalars(select(Expert).where(Expert.active.is_(True))):
        if expert.id in invited:
            continue
        matching = [tag for tag in expert.expertise if tag in wanted]
        ranked.append((expert, matching))
    ranked.sort(key=lambda pair: (-len(pair[1]), pair[0].name.lower()))
    return ranked[:limit]


# --- invitations ----------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_PURPOSE)


def invitation_token(invitation: PanelInvitation) -> str:
    return _serializer().dumps({"i": invitation.id, "e": invitation.expert_id})


def invitation_by_token(token: str) -> PanelInvitation | None:
    """The invitation a link is for; None when the link was forged, altered, meant for something
    else or older than ``PANEL_LINK_DAYS`` (a new invitation mail carries a fresh link)."""
    max_age = int(current_app.config["PANEL_LINK_DAYS"]) * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    invitation = db.session.get(PanelInvitation, data["i"])
    if invitation is None or invitation.expert_id != data.get("e"):
        return None
    return invitation


def invitation_url(invitation: PanelInvitation) -> str:
    return external_url("wijklab.panel_invitation", token=invitation_token(invitation))


def invite(
    lab: LabRequest, expert_ids: list[int], *, actor: Account | None = None
) -> list[PanelInvitation]:
    """Invite experts to the panel, each by mail; someone invited before is not invited twice."""
    if lab.stage.is_final or lab.stage is LabStage.HELD:
        raise RuleViolation(
            Problem(
                "invalid", "experts", _("Voor dit Wijklab worden geen panelleden meer uitgenodigd.")
            )
        )
    already = {i.expert_id for i in lab.invitations}
    made = []
    for expert_id in dict.fromkeys(expert_ids):
        expert = db.session.get(Expert, expert_id)
        if expert is None or not expert.active:
            raise RuleViolation(Problem("invalid", "experts", _("Kies experts uit de pool.")))
        if expert.id in already:
            continue
        invitation = PanelInvitation(lab=lab, expert=expert)
        db.session.add(invitation)
        made.append(invitation)
    if not made:
        raise RuleViolation(Problem("required", "experts", _("Kies minstens één expert.")))
    db.session.flush()
    registration = lab.registration
    registration.note_change(
        actor=actor,
        reason=_(
            "Uitgenodigd voor het panel: %(names)s.",
            names=", ".join(i.expert.name for i in made),
        ),
    )
    for invitation in made:
        _mail(invitation, f"panel-invite:{invitation.id}", "panel_invitation")
    return made


def respond(invitation: PanelInvitation, accept: bool, *, now: dt.datetime | None = None) -> bool:
    """The expert accepts or declines (and may change their mind until the lab is held). Returns
    whether anything changed; an accepted member gets the briefing."""
    lab = invitation.lab
    if lab.stage in (LabStage.HELD, LabStage.REPORTED, LabStage.WITHDRAWN):
        raise RuleViolation(
            Problem("invalid", None, _("Dit Wijklab is al gehouden of gaat niet door."))
        )
    target = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    changed = db.session.execute(
        update(PanelInvitation)
        .where(PanelInvitation.id == invitation.id, PanelInvitation.status != target)
        .values(status=target, responded_at=now or now_utc())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(invitation)
    if not changed:
        return False
    lab.registration.note_change(
        actor_label=invitation.expert.email,
        reason=_("%(name)s neemt deel aan het panel.", name=invitation.expert.name)
        if accept
        else _("%(name)s kan niet.", name=invitation.expert.name),
    )
    if accept:
        send_briefing(invitation)
    return True


def send_briefing(invitation: PanelInvitation) -> None:
    """What an accepted panel member needs, each version once: the day (when planned) and the
    startnotitie (when uploaded); or that the lab is off."""
    lab = invitation.lab
    if invitation.status is not InvitationStatus.ACCEPTED:
        return
    if lab.stage is LabStage.WITHDRAWN:
        _mail(invitation, f"panel-off:{invitation.id}", "panel_briefing")
        return
    session = lab.session
    version = f"{session.id}.{session.sequence}" if session else "-"
    document = lab.startnotitie_id or "-"
    attachments = []
    if session is not None:
        attachments.append(
            ics_attachment(
                lab.registration.programme.title, [session], locale="nl", filename="wijklab.ics"
            )
        )
    _mail(
        invitation,
        f"panel-briefing:{invitation.id}:{version}:{document}",
        "panel_briefing",
        attachments=attachments,
    )


def _mail(invitation: PanelInvitation, key: str, template: str, **context) -> None:
    expert = invitation.expert
    lab = invitation.lab
    queue(
        key,
        expert.email,
        template,
        registration_id=lab.registration_id,
        expert=expert,
        lab=lab,
        invitation=invitation,
        invitation_url=invitation_url(invitation),
        startnotitie_url=startnotitie_url(invitation) if lab.startnotitie_id else None,
        **context,
    )


# --- the startnotitie -----------------------------------------------------------------------------


def attach_startnotitie(
    lab: LabRequest, filename: str, content: bytes, *, actor: Account | None = None
) -> None:
    """Keep the startnotitie (a new upload replaces the old) and send it to the panel."""
    document = documents.store(filename, content, field="startnotitie", by=actor)
    db.session.flush()
    lab.startnotitie = document
    for task in lab.tasks:
        if task.kind == "startnotitie" and task.done_at is None:
            task.done_at = now_utc()
    lab.registration.note_change(
        actor=actor, reason=_("Startnotitie toegevoegd: %(name)s.", name=document.filename)
    )
    for invitation in lab.panel:
        send_briefing(invitation)


def startnotitie_url(invitation: PanelInvitation) -> str:
    return external_url("wijklab.panel_startnotitie", token=invitation_token(invitation))


def may_download(invitation: PanelInvitation | None) -> bool:
    """Only a panel member who accepted (and organisers, in the back-office) get the document."""
    return (
        invitation is not None
        and invitation.status is InvitationStatus.ACCEPTED
        and invitation.lab.startnotitie is not None
    )
