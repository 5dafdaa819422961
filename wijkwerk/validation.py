"""Rule violations found by services, in the contract's shape (API.md): a code, the field it concerns
and a Dutch message. Views put each message next to its field; the API returns them as JSON."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str  # a contract code such as "required" or "unknown_municipality"
    field: str | None  # "members[1].email", or None for the whole request
    message: str  # Dutch (or the request's locale), for a person to read

    def as_json(self) -> dict:
        return {"code": self.code, "field": self.field, "message": self.message}


class RuleViolation(Exception):
    """Raised by a service when a request breaks one or more rules; nothing has been changed."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)
