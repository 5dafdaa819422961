"""Records every change an organiser makes (through the back-office or with an API token) as an
:class:`AuditEntry`, from a ``before_flush`` hook: no view or service has to remember to do it.

Changes with no organiser behind them (a registrant's form, ``tick``) are not audited here; their
effect on a registration is in its own history.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from wijkwerk.audit.models import AuditEntry

NOT_AUDITED = {
    "audit_entry",
    "outbox_message",
    "outbox_attachment",
    "rate_limit_counter",
    "stripe_event",
}
NOISE = {"updated_at", "version", "last_used_at", "last_login_at", "session_version"}
SECRET = {"password_hash", "token_hash", "manage_token", "feed_token"}
_installed = False


def _actor():
    if not has_request_context():
        return None
    account = getattr(g, "api_account", None)
    if account is not None:
        return account
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):  # an uploaded document: its size, not its content
        return f"<{len(value)} bytes>"
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def _masked(key: str, value: Any) -> Any:
    if key in SECRET:
        return "***" if value else None
    return _plain(value)


def _updated(obj) -> dict:
    """``{column: [before, after]}`` of a changed row, before it is flushed."""
    state = inspect(obj)
    found = {}
    for column in state.mapper.column_attrs:
        history = state.attrs[column.key].history
        if column.key in NOISE or not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        found[column.key] = [_masked(column.key, before), _masked(column.key, after)]
    return found


def _values(obj, *, before: bool) -> dict:
    """Every column of a row that is inserted (``[None, value]``) or deleted (``[value, None]``)."""
    state = inspect(obj)
    found = {}
    for column in state.mapper.column_attrs:
        if column.key in NOISE:
            continue
        value = _masked(column.key, getattr(obj, column.key))
        found[column.key] = [value, None] if before else [None, value]
    return found


def _entry(actor, action: str, obj, changes: dict) -> AuditEntry:
    identity = inspect(obj).identity
    return AuditEntry(
        actor_id=actor.id,
        actor_label=actor.email,
        action=action,
        table=obj.__tablename__,
        row_id=",".join(str(v) for v in identity) if identity else "",
        changes=changes,
    )


def _audited(obj) -> bool:
    table = getattr(obj, "__tablename__", None)
    return table is not None and table not in NOT_AUDITED


def _before_flush(session: Session, _context, _instances) -> None:
    """Updates and deletes are recorded now, while their old values are known; inserts after the
    flush, when they have their ids."""
    actor = _actor()
    if actor is None:
        return
    entries = []
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _updated(obj)
            if changes:
                entries.append(_entry(actor, "update", obj, changes))
    for obj in session.deleted:
        if _audited(obj):
            entries.append(_entry(actor, "delete", obj, _values(obj, before=True)))
    session.add_all(entries)
    session.info.setdefault("audit_inserted", []).extend(o for o in session.new if _audited(o))
    session.info["audit_actor"] = actor


def _after_flush_postexec(session: Session, _context) -> None:
    inserted = session.info.pop("audit_inserted", [])
    actor = session.info.pop("audit_actor", None)
    if actor is None or not inserted:
        return
    session.add_all(_entry(actor, "insert", obj, _values(obj, before=False)) for obj in inserted)


def _forget(session: Session, *_args) -> None:
    session.info.pop("audit_inserted", None)
    session.info.pop("audit_actor", None)


def install() -> None:
    """Listen on every session once per process."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
        event.listen(Session, "after_rollback", _forget)
        _installed = True


def record_insert(table: str, row_id: str, values: dict) -> None:
    """An entry for a row inserted without the ORM unit of work (an ``INSERT … ON CONFLICT``),
    by whoever is acting now; nothing when no organiser is."""
    record(_actor(), "insert", table, row_id, {k: (None, v) for k, v in values.items()})


def record(actor, action: str, table: str, row_id: str, changes: dict) -> None:
    """An entry for a change made without the ORM unit of work (a bulk upsert, say)."""
    from wijkwerk.extensions import db

    if actor is None:
        return
    db.session.add(
        AuditEntry(
            actor_id=actor.id,
            actor_label=actor.email,
            action=action,
            table=table,
            row_id=row_id,
            changes={k: [_plain(b), _plain(a)] for k, (b, a) in changes.items()},
        )
    )
