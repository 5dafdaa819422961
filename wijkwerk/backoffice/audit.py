"""The audit log: the latest changes by organisers and API tokens (docs/backoffice.md)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from wijkwerk.audit.models import AuditEntry
from wijkwerk.backoffice.guards import require_write
from wijkwerk.extensions import db

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@require_write
def audit_log():
    """The latest changes by organisers, newest first; filter by table or by who."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(300)
    table = request.args.get("tabel", "")
    who = request.args.get("wie", "").strip().lower()
    if table:
        query = query.where(AuditEntry.table == table)
    if who:
        query = query.where(AuditEntry.actor_label.contains(who))
    return render_template(
        "backoffice/audit.html", entries=db.session.scalars(query).all(), table=table, who=who
    )
