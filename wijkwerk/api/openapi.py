"""The OpenAPI 3.1 document of the JSON API. Every route under ``/api/v1`` must appear here (a test
checks that the URL map and this document agree)."""

from __future__ import annotations

from wijkwerk.attendance.models import AttendanceStatus
from wijkwerk.municipalities.models import OrganisationType
from wijkwerk.payments.models import InvoiceKind, PaymentStatus, RefundStatus
from wijkwerk.programmes.models import (
    Allocation,
    Exemption,
    FeeUnit,
    ProgrammeKind,
    RegistrationWindow,
    SessionStatus,
)
from wijkwerk.registrations.models import (
    Domain,
    MemberRole,
    PaymentMethod,
    ProfessionalRole,
    RegistrationState,
)
from wijkwerk.werkplaatsen.inputs import TRIO_ROLES
from wijkwerk.wijklab.models import InvitationStatus, LabGoal, LabStage, TaskOwner


def _enum(values) -> dict:
    return {"type": "string", "enum": [v.value for v in values]}


TrioRole = TRIO_ROLES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_RESPONSE = _json(_ref("Errors"), "Fout; `errors` somt op wat er mis is.")
# Public writes are rate limited per client address and per e-mail address (wijkwerk/ratelimit.py).
RATE_LIMITED = {
    **_json(_ref("Errors"), "Te veel verzoeken (code `rate_limited`); probeer het na Retry-After."),
    "headers": {
        "Retry-After": {
            "required": True,
            "schema": {"type": "integer", "minimum": 1},
            "description": "seconden tot het venster van de limiet afloopt",
        }
    },
}

SCHEMAS: dict[str, dict] = {
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "field", "message"],
                    "properties": {
                        "code": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    },
    "Municipality": {
        "type": "object",
        "required": ["code", "name", "population", "middelgroot"],
        "properties": {
            "code": {"type": "string", "pattern": "^GM[0-9]{4}$"},
            "name": {"type": "string"},
            "official_name": {"type": "string"},
            "province": {"type": "string"},
            "population": {"type": "integer"},
            "middelgroot": {"type": "boolean"},
        },
    },
    "Fee": {
        "type": "object",
        "required": ["amount_cents", "vat_rate", "per"],
        "properties": {
            "amount_cents": {"type": "integer", "description": "excl. btw, in eurocent"},
            "vat_rate": {"type": "string", "examples": ["21"]},
            "vat_cents": {"type": "integer"},
            "total_cents": {"type": "integer"},
            "per": _enum(FeeUnit),
        },
    },
    "Session": {
        "type": "object",
        "required": ["id", "title", "starts_at", "ends_at", "location", "status"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "theme": {"type": "string"},
            "outcome": {"type": "string"},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "location": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
            },
            "status": _enum(SessionStatus),
            "uid": {
                "type": "string",
                "description": "iCalendar UID, stable for the session's life",
            },
            "sequence": {
                "type": "integer",
                "description": "iCalendar SEQUENCE; rises at each change",
            },
        },
    },
    "SessionChange": {
        "type": "object",
        "properties": {
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {
                "type": "string",
                "format": "date-time",
                "description": "zonder ends_at houdt een verplaatste bijeenkomst haar duur",
            },
            "location": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
            },
            "status": _enum(SessionStatus),
            "reason": {"type": "string", "description": "komt in de mail aan de deelnemers"},
        },
    },
    "Programme": {
        "type": "object",
        "required": ["slug", "kind", "title", "fee", "allocation", "state", "sessions"],
        "properties": {
            "slug": {"type": "string"},
            "kind": _enum(ProgrammeKind),
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "fee": _ref("Fee"),
            "exemption": {"oneOf": [_enum(Exemption), {"type": "null"}]},
            "capacity": {"type": ["integer", "null"]},
            "min_participants": {"type": ["integer", "null"]},
            "registration_deadline": {"type": ["string", "null"], "format": "date-time"},
            "allocation": _enum(Allocation),
            "state": _enum(RegistrationWindow),
            "places_left": {"type": ["integer", "null"]},
            "sessions": {"type": "array", "items": _ref("Session")},
        },
    },
}

_TRIO_MEMBER = {
    "type": "object",
    "required": ["name", "email", "function", "role", "domain"],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "function": {"type": "string"},
        "role": _enum(TrioRole),
        "domain": _enum(Domain),
    },
}
_PERSON = {
    "type": "object",
    "required": ["name", "email", "function"],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "function": {"type": "string"},
    },
}
SCHEMAS["ProgrammeCreate"] = {
    "type": "object",
    "required": ["slug", "kind", "title"],
    "properties": {
        "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "kind": _enum(ProgrammeKind),
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "description": {"type": "string"},
        "fee": {
            "type": "object",
            "properties": {
                "amount_cents": {"type": "integer", "description": "excl. btw"},
                "vat_rate": {"type": "string", "examples": ["21"]},
                "per": _enum(FeeUnit),
            },
        },
        "exemption": {"oneOf": [_enum(Exemption), {"type": "null"}]},
        "capacity": {"type": ["integer", "null"]},
        "min_participants": {"type": ["integer", "null"]},
        "registration_deadline": {"type": ["string", "null"], "format": "date-time"},
        "allocation": _enum(Allocation),
        "state": {"type": "string", "enum": ["draft", "published"]},
        "sessions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "starts_at", "ends_at"],
                "properties": {
                    "title": {"type": "string"},
                    "theme": {"type": "string"},
                    "outcome": {"type": "string"},
                    "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"},
                    "location": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
                    },
                },
            },
        },
    },
}
SCHEMAS["Billing"] = {
    "type": "object",
    "required": ["organisation", "address", "postcode", "city", "email"],
    "properties": {
        "organisation": {"type": "string"},
        "address": {"type": "string"},
        "postcode": {"type": "string", "examples": ["1234 AB"]},
        "city": {"type": "string"},
        "email": {"type": "string", "format": "email", "description": "waar de factuur heen gaat"},
        "po_number": {
            "type": ["string", "null"],
            "description": "inkoopordernummer; verplicht voor een gemeente die op factuur betaalt",
        },
        "ordered_by": {"type": ["string", "null"], "description": "standaard: de aanmelder"},
    },
}
SCHEMAS["IndividualRegistrationRequest"] = {
    "type": "object",
    "required": ["person", "billing"],
    "properties": {
        "person": {
            "type": "object",
            "required": ["name", "email", "organisation", "organisation_type", "role"],
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "phone": {"type": ["string", "null"]},
                "function": {"type": ["string", "null"]},
                "organisation": {"type": "string"},
                "organisation_type": _enum(OrganisationType),
                "role": _enum(ProfessionalRole),
            },
        },
        "billing": _ref("Billing"),
        "payment_method": {
            **_enum(PaymentMethod),
            "description": "verplicht als het programma iets kost; `stripe` alleen als Stripe is ingesteld",
        },
        "dietary_needs": {"type": "string"},
        "accessibility_needs": {"type": "string"},
        "consent": {
            "type": "boolean",
            "description": "toestemming volgens de privacyverklaring; `false` wordt geweigerd",
        },
        "locale": {"type": "string", "enum": ["nl", "en"]},
    },
}
SCHEMAS["TrioRegistrationRequest"] = {
    "type": "object",
    "required": ["municipality", "casus", "members", "approver"],
    "properties": {
        "municipality": {"type": "string", "pattern": "^GM[0-9]{4}$"},
        "casus": {
            "type": "object",
            "required": ["title", "wijk", "description", "domains"],
            "properties": {
                "title": {"type": "string"},
                "wijk": {"type": "string"},
                "description": {"type": "string"},
                "domains": {"type": "array", "items": _enum(Domain), "minItems": 2},
            },
        },
        "members": {"type": "array", "items": _TRIO_MEMBER, "minItems": 3, "maxItems": 3},
        "approver": _PERSON,
        "billing": {
            "oneOf": [_ref("Billing"), {"type": "null"}],
            "description": "factuurgegevens; nodig als de gemeente betaalt",
        },
        "consent": {
            "type": "boolean",
            "description": "toestemming volgens de privacyverklaring; `false` wordt geweigerd",
        },
        "locale": {"type": "string", "enum": ["nl", "en"]},
        "allow_second": {
            "type": "boolean",
            "description": "Alleen met een organisator-token: een tweede trio van dezelfde gemeente.",
        },
    },
}
SCHEMAS["Registration"] = {
    "type": "object",
    "required": ["id", "reference", "programme", "state", "fee", "warnings", "manage_url"],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string"},
        "programme": {"type": "string"},
        "state": _enum(RegistrationState),
        "fee": {
            "type": "object",
            "properties": {
                "amount_cents": {"type": "integer"},
                "vat_rate": {"type": "string"},
                "vat_cents": {"type": "integer"},
                "total_cents": {"type": "integer"},
                "exempt": {"type": "boolean"},
                "exemption_reason": {"type": ["string", "null"]},
            },
        },
        "warnings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "payment_url": {"type": ["string", "null"]},
        "calendar_url": {"type": ["string", "null"]},
        "manage_url": {"type": "string"},
    },
}
SCHEMAS["Payment"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "method": _enum(PaymentMethod),
        "status": _enum(PaymentStatus),
        "amount_cents": {"type": "integer", "description": "incl. btw"},
        "refunded_cents": {"type": "integer"},
        "currency": {"type": "string"},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "paid_at": {"type": ["string", "null"], "format": "date-time"},
        "refunds": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "amount_cents": {"type": "integer"},
                    "status": _enum(RefundStatus),
                    "created_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
}
SCHEMAS["Invoice"] = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "examples": ["2027-0001"]},
        "kind": _enum(InvoiceKind),
        "credits": {
            "type": ["string", "null"],
            "description": "het nummer dat deze creditfactuur crediteert",
        },
        "issued_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": "string", "format": "date-time"},
        "paid_at": {"type": ["string", "null"], "format": "date-time"},
        "amount_cents": {
            "type": "integer",
            "description": "excl. btw; negatief bij een creditfactuur",
        },
        "vat_rate": {"type": "string"},
        "vat_cents": {"type": "integer"},
        "total_cents": {"type": "integer"},
        "buyer_reference": {"type": ["string", "null"]},
    },
}
_MEMBER = {
    "type": "object",
    "properties": {
        **_TRIO_MEMBER["properties"],
        "role": _enum(MemberRole),
        "domain": {"oneOf": [_enum(Domain), {"type": "null"}]},
        "function": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]},
        "organisation": {"type": ["string", "null"]},
        "organisation_type": {"oneOf": [_enum(OrganisationType), {"type": "null"}]},
        "professional_role": {"oneOf": [_enum(ProfessionalRole), {"type": "null"}]},
        "dietary_needs": {"type": "string"},
        "accessibility_needs": {"type": "string"},
        "session": {
            "type": ["integer", "null"],
            "description": "de bijeenkomst waarvoor een stad deze persoon opgaf",
        },
    },
}
SCHEMAS["RegistrationDetail"] = {
    "allOf": [
        _ref("Registration"),
        {
            "type": "object",
            "properties": {
                "payment_method": {"oneOf": [_enum(PaymentMethod), {"type": "null"}]},
                "billing": {"oneOf": [_ref("Billing"), {"type": "null"}]},
                "payments": {"type": "array", "items": _ref("Payment")},
                "invoices": {"type": "array", "items": _ref("Invoice")},
                "members": {"type": "array", "items": _MEMBER},
                "approver": {"oneOf": [_PERSON, {"type": "null"}]},
                "history": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "from": {"type": ["string", "null"]},
                            "to": {"type": "string"},
                            "at": {"type": "string", "format": "date-time"},
                            "by": {"type": "string"},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        },
    ]
}
_MARK = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "status": _enum(AttendanceStatus),
                "substitute": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "email": {"type": ["string", "null"]},
                            },
                        },
                        {"type": "null"},
                    ]
                },
                "recorded_at": {"type": "string", "format": "date-time"},
            },
        },
        {"type": "null"},
    ]
}
_SESSION_REF = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "starts_at": {"type": "string", "format": "date-time"},
    },
}
SCHEMAS["AttendanceRecords"] = {
    "type": "object",
    "required": ["records"],
    "properties": {
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["email", "status"],
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "status": _enum(AttendanceStatus),
                    "substitute": {
                        "oneOf": [
                            {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "email": {"type": "string", "format": "email"},
                                },
                            },
                            {"type": "null"},
                        ]
                    },
                },
            },
        }
    },
}
SCHEMAS["Roster"] = {
    "type": "object",
    "properties": {
        "session": _SESSION_REF,
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "email": {"type": "string"},
                    "name": {"type": "string"},
                    "registration": {"type": "string"},
                    "group": {"type": "string"},
                    "attendance": _MARK,
                },
            },
        },
    },
}
SCHEMAS["AttendanceMatrix"] = {
    "type": "object",
    "properties": {
        "programme": {"type": "string"},
        "sessions": {
            "type": "array",
            "items": {
                "allOf": [
                    _SESSION_REF,
                    {"type": "object", "properties": {"present": {"type": "integer"}}},
                ]
            },
        },
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "email": {"type": "string"},
                    "name": {"type": "string"},
                    "registration": {"type": "string"},
                    "group": {"type": "string"},
                    "present": {"type": "integer"},
                    "marks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "session_id": {"type": "integer"},
                                "expected": {"type": "boolean"},
                                "attendance": _MARK,
                            },
                        },
                    },
                },
            },
        },
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "registration": {"type": "string"},
                    "name": {"type": "string"},
                    "present": {"type": "integer"},
                    "expected": {"type": "integer"},
                },
            },
        },
    },
}
SCHEMAS["Allocation"] = {
    "type": "object",
    "properties": {
        "confirmed": {"type": "array", "items": {"type": "string"}},
        "waitlisted": {"type": "array", "items": {"type": "string"}},
        "places_taken": {"type": "integer"},
        "min_participants": {"type": ["integer", "null"]},
        "below_minimum": {"type": "boolean"},
    },
}

_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_ID = {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_AUTH = [{"bearer": []}]
_AUTH_ERRORS = {"401": ERROR_RESPONSE, "403": ERROR_RESPONSE, "404": ERROR_RESPONSE}
_REASON_BODY = {
    "required": False,
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"reason": {"type": "string"}}}
        }
    },
}


def _write(
    summary: str, *, body: str, answer: tuple[str, str], parameters=(), status: str = "200"
) -> dict:
    """An organiser's write: a JSON body of schema ``body``, answered with ``answer``."""
    schema, description = answer
    return {
        "summary": summary,
        "security": _AUTH,
        "parameters": list(parameters),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        },
        "responses": {
            status: _json(_ref(schema), description),
            "422": ERROR_RESPONSE,
            **_AUTH_ERRORS,
        },
    }


def _decision(summary: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "security": _AUTH,
            "parameters": [_ID],
            "requestBody": _REASON_BODY,
            "responses": {
                "200": _json(_ref("RegistrationDetail"), "De aanmelding na het besluit"),
                "409": ERROR_RESPONSE,
                **_AUTH_ERRORS,
            },
        }
    }


PATHS: dict[str, dict] = {
    "/openapi.json": {
        "get": {
            "summary": "Dit document",
            "responses": {"200": {"description": "OpenAPI 3.1"}},
        }
    },
    "/municipalities": {
        "get": {
            "summary": "Gemeenten zoeken",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "deel van naam of CBS-code",
                }
            ],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Municipality")}, "Gemeenten")
            },
        }
    },
    "/programmes": {
        "get": {
            "summary": "Gepubliceerde programma's",
            "responses": {
                "200": _json({"type": "array", "items": _ref("Programme")}, "Programma's")
            },
        },
        "post": _write(
            "Een programma met zijn bijeenkomsten maken (organisatoren); een concept tenzij "
            "state published is",
            body="ProgrammeCreate",
            answer=("Programme", "Het nieuwe programma"),
            status="201",
        ),
    },
    "/programmes/{slug}": {
        "get": {
            "summary": "Eén programma met zijn bijeenkomsten",
            "parameters": [_SLUG],
            "responses": {"200": _json(_ref("Programme"), "Programma"), "404": ERROR_RESPONSE},
        }
    },
    "/programmes/{slug}/registrations": {
        "post": {
            "summary": "Aanmelden: een trio (werkplaats), een persoon (driedaagse), een "
            "Wijklab-aanvraag; een stad in een kennisprogramma voegt een organisator toe (token)",
            "parameters": [_SLUG],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                _ref("TrioRegistrationRequest"),
                                _ref("IndividualRegistrationRequest"),
                                _ref("WijklabRequest"),
                                _ref("CityAdmission"),
                            ]
                        }
                    }
                },
            },
            "responses": {
                "201": _json(_ref("Registration"), "Aanmelding ontvangen"),
                "401": ERROR_RESPONSE,
                "403": ERROR_RESPONSE,
                "404": ERROR_RESPONSE,
                "422": ERROR_RESPONSE,
                "429": RATE_LIMITED,
            },
        }
    },
    "/programmes/{slug}/allocate": {
        "post": {
            "summary": "Plaatsen nu verdelen volgens het beleid van het programma",
            "security": _AUTH,
            "parameters": [_SLUG],
            "responses": {"200": _json(_ref("Allocation"), "Verdeling"), **_AUTH_ERRORS},
        }
    },
    "/registrations/{registration_id}": {
        "get": {
            "summary": "Eén aanmelding met leden, geschiedenis en kosten",
            "security": _AUTH,
            "parameters": [_ID],
            "responses": {"200": _json(_ref("RegistrationDetail"), "Aanmelding"), **_AUTH_ERRORS},
        }
    },
    "/sessions/{session_id}": {
        "patch": _write(
            "Bijeenkomst verplaatsen, verhuizen of afzeggen; deelnemers krijgen één mail met de "
            "bijgewerkte afspraak",
            body="SessionChange",
            answer=("Session", "De bijeenkomst na de wijziging"),
            parameters=[_SESSION_ID],
        )
    },
    "/sessions/{session_id}/attendance": {
        "put": _write(
            "Aanwezigheid vastleggen; een onbekende persoon is een 422 en dan wordt niets van het "
            "verzoek opgeslagen",
            body="AttendanceRecords",
            answer=("Roster", "De presentielijst na het vastleggen"),
            parameters=[_SESSION_ID],
        )
    },
    "/programmes/{slug}/attendance": {
        "get": {
            "summary": "Aanwezigheid per persoon en bijeenkomst, met totalen; ?format=csv voor "
            "een spreadsheet",
            "security": _AUTH,
            "parameters": [
                _SLUG,
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json", "csv"]},
                },
            ],
            "responses": {
                "200": {
                    "description": "De matrix",
                    "content": {
                        "application/json": {"schema": _ref("AttendanceMatrix")},
                        "text/csv": {"schema": {}},
                    },
                },
                **_AUTH_ERRORS,
            },
        }
    },
    "/registrations/{registration_id}/approve": _decision(
        "Akkoord vastleggen namens de bestuurder"
    ),
    "/registrations/{registration_id}/decline": _decision("Geen akkoord vastleggen"),
    "/registrations/{registration_id}/cancel": _decision(
        "Aanmelding annuleren: creditfactuur en terugbetaling volgens de annuleringsvoorwaarden, "
        'of alles terug met `{"full_refund": true}`'
    ),
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "wijkwerk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": PATHS,
    }


# --- Wijklab and Kennisprogramma (wijkwerk/api/kinds.py) ------------------------------------------

_PERSON = {
    "type": "object",
    "required": ["name", "email"],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "function": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]},
    },
}
_EXPERT_PROPERTIES = {
    "name": {"type": "string"},
    "organisation": {"type": "string"},
    "email": {"type": "string", "format": "email"},
    "phone": {"type": "string"},
    "expertise": {"type": "array", "items": {"type": "string"}},
    "active": {"type": "boolean"},
}
_WARNINGS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    },
}
SCHEMAS.update(
    {
        "WijklabRequest": {
            "type": "object",
            "required": ["municipality", "contact", "wijk", "question", "goal", "billing"],
            "properties": {
                "municipality": {"type": "string", "pattern": "^GM[0-9]{4}$"},
                "contact": _PERSON,
                "wijk": {"type": "string"},
                "question": {"type": "string", "description": "het vraagstuk"},
                "goal": _enum(LabGoal),
                "preferred_periods": {"type": "string"},
                "stakeholders": {"type": "string"},
                "billing": {
                    **_ref("Billing"),
                    "description": "met inkoopordernummer (`po_number`, verplicht)",
                },
                "consent": {"type": "boolean"},
                "locale": {"type": "string", "enum": ["nl", "en"]},
            },
        },
        "CityAdmission": {
            "type": "object",
            "required": ["municipality", "wijk", "contact"],
            "properties": {
                "municipality": {"type": "string", "pattern": "^GM[0-9]{4}$"},
                "region": {"type": "string", "description": "als een regio deelneemt"},
                "wijk": {"type": "string", "description": "de deelnemende wijk"},
                "contact": _PERSON,
                "locale": {"type": "string", "enum": ["nl", "en"]},
            },
        },
        "Expert": {
            "type": "object",
            "required": ["id", "name", "email", "expertise", "active"],
            "properties": {
                "id": {"type": "integer"},
                **_EXPERT_PROPERTIES,
                "matching": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "expertise die past bij de thema's van het Wijklab",
                },
            },
        },
        "ExpertInput": {
            "type": "object",
            "required": ["name", "email", "expertise"],
            "properties": {
                **_EXPERT_PROPERTIES,
                "expertise": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "string", "description": "met komma's"},
                    ]
                },
            },
        },
        "Lab": {
            "type": "object",
            "required": ["registration", "stage", "question", "sharpened_question", "tasks"],
            "properties": {
                "registration": {"type": "integer"},
                "reference": {"type": "string"},
                "state": _enum(RegistrationState),
                "stage": _enum(LabStage),
                "stage_changed_at": {"type": "string", "format": "date-time"},
                "municipality": _ref("Municipality"),
                "wijk": {"type": "string"},
                "question": {"type": "string"},
                "sharpened_question": {"type": "string"},
                "goal": _enum(LabGoal),
                "preferred_periods": {"type": "string"},
                "stakeholders": {"type": "string"},
                "themes": {"type": "array", "items": {"type": "string"}},
                "session": {"oneOf": [_ref("Session"), {"type": "null"}]},
                "day_programme": {"type": "string"},
                "report_url": {"type": ["string", "null"]},
                "startnotitie": {"type": ["string", "null"], "description": "bestandsnaam"},
                "tasks": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "kind": {"type": "string"},
                            "owner": _enum(TaskOwner),
                            "optional": {"type": "boolean"},
                            "assignee": {"type": "string"},
                            "done": {"type": "boolean"},
                        },
                    },
                },
                "panel": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "expert": _ref("Expert"),
                            "status": _enum(InvitationStatus),
                            "invited_at": {"type": "string", "format": "date-time"},
                            "responded_at": {"type": ["string", "null"], "format": "date-time"},
                        },
                    },
                },
            },
        },
        "LabStep": {
            "type": "object",
            "required": ["stage"],
            "properties": {
                "stage": _enum(LabStage),
                "sharpened_question": {"type": "string"},
                "themes": {"type": "array", "items": {"type": "string"}},
                "starts_at": {"type": "string", "format": "date-time"},
                "ends_at": {"type": "string", "format": "date-time"},
                "location": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "address": {"type": "string"}},
                },
                "day_programme": {"type": "string"},
                "report_url": {"type": "string", "format": "uri"},
                "reason": {"type": "string", "description": "verplicht bij `withdrawn`"},
            },
        },
        "LabTask": {
            "type": "object",
            "properties": {"assignee": {"type": "string"}, "done": {"type": "boolean"}},
        },
        "PanelInvite": {
            "type": "object",
            "required": ["expert_ids"],
            "properties": {"expert_ids": {"type": "array", "items": {"type": "integer"}}},
        },
        "City": {
            "type": "object",
            "properties": {
                "registration": {"type": "integer"},
                "name": {"type": "string"},
                "municipality": {"type": "string"},
                "wijk": {"type": "string"},
                "region": {"type": ["string", "null"]},
                "contact": {"type": "object"},
                "wijkanalyse": {"type": ["string", "null"]},
                "meetings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "session": {"type": "integer"},
                            "delegates": {"type": "array", "items": _MEMBER},
                        },
                    },
                },
            },
        },
        "Delegates": {
            "type": "object",
            "required": ["delegates"],
            "properties": {
                "delegates": {
                    "type": "array",
                    "maxItems": 3,
                    "items": {
                        "type": "object",
                        "required": ["name", "email", "organisation", "discipline"],
                        "properties": {
                            "name": {"type": "string"},
                            "email": {"type": "string", "format": "email"},
                            "organisation": {"type": "string"},
                            "discipline": {"type": "string"},
                        },
                    },
                }
            },
        },
        "DelegatesAnswer": {
            "type": "object",
            "properties": {
                "delegates": {"type": "array", "items": _MEMBER},
                "warnings": _WARNINGS,
            },
        },
        "MeetingSettings": {
            "type": "object",
            "properties": {
                "host": {"type": ["integer", "null"], "description": "aanmelding van de gaststad"},
                "presenters": {"type": "array", "items": {"type": "integer"}, "maxItems": 4},
                "naming_deadline": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        "Meeting": {
            "type": "object",
            "properties": {
                "session": _ref("Session"),
                "host": {"type": ["integer", "null"]},
                "presenters": {"type": "array", "items": {"type": "integer"}},
                "naming_deadline": {"type": "string", "format": "date-time"},
                "warnings": {"type": "array", "items": {"type": "object"}},
            },
        },
    }
)
_KIND = {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}


def _read(summary: str, schema: dict, description: str, parameters=()) -> dict:
    return {
        "get": {
            "summary": summary,
            "security": _AUTH,
            "parameters": list(parameters),
            "responses": {"200": _json(schema, description), **_AUTH_ERRORS},
        }
    }


PATHS.update(
    {
        "/registrations/{registration_id}/wijklab": _read(
            "Een Wijklab: stap, vragen, dag, taken en panel", _ref("Lab"), "Wijklab", [_ID]
        ),
        "/registrations/{registration_id}/wijklab/steps": {
            "post": {
                **_write(
                    "Volgende stap van een Wijklab (de gemeente krijgt bericht)",
                    body="LabStep",
                    answer=("Lab", "Het Wijklab na de stap"),
                    parameters=[_ID],
                ),
            }
        },
        "/registrations/{registration_id}/wijklab/tasks/{kind}": {
            "put": _write(
                "Een taak van de checklist: wie, en of ze gedaan is",
                body="LabTask",
                answer=("Lab", "Het Wijklab"),
                parameters=[_ID, _KIND],
            )
        },
        "/registrations/{registration_id}/wijklab/panel": {
            "post": _write(
                "Experts uitnodigen voor het panel (per e-mail)",
                body="PanelInvite",
                answer=("Lab", "Het Wijklab met de uitnodigingen"),
                parameters=[_ID],
            )
        },
        "/registrations/{registration_id}/wijklab/suggestions": _read(
            "Experts voor het panel, best passend eerst",
            {"type": "array", "items": _ref("Expert")},
            "Voorstellen",
            [_ID],
        ),
        "/experts": {
            **_read("De expertpool", {"type": "array", "items": _ref("Expert")}, "Experts"),
            "post": _write(
                "Een expert aan de pool toevoegen",
                body="ExpertInput",
                answer=("Expert", "De expert"),
                status="201",
            ),
        },
        "/programmes/{slug}/cities": _read(
            "De steden van een kennisprogramma met hun deelnemers per bijeenkomst",
            {"type": "array", "items": _ref("City")},
            "Steden",
            [_SLUG],
        ),
        "/registrations/{registration_id}/sessions/{session_id}/delegates": {
            "put": {
                **_write(
                    "Wie een stad naar een bijeenkomst stuurt (twee of drie; meer wordt geweigerd)",
                    body="Delegates",
                    answer=("DelegatesAnswer", "De deelnemers, met waarschuwingen"),
                    parameters=[_ID, _SESSION_ID],
                ),
            }
        },
        "/sessions/{session_id}/meeting": {
            "put": _write(
                "Gastwijk, presenterende wijken en opgeeftermijn van een themabijeenkomst",
                body="MeetingSettings",
                answer=("Meeting", "De bijeenkomst"),
                parameters=[_SESSION_ID],
            )
        },
    }
)
for _path in (
    "/registrations/{registration_id}/wijklab/steps",
    "/registrations/{registration_id}/sessions/{session_id}/delegates",
):
    PATHS[_path][next(iter(PATHS[_path]))]["responses"]["409"] = ERROR_RESPONSE

# What every operation may answer (wijkwerk/inbound.py, wijkwerk/errors.py): 400 for a body that
# is not valid JSON or nested too deeply, 413 for one over 16 MB, 415 for a body that is not JSON
# (writes), 422 for a query parameter or a body field that breaks the input rule, and 503 with
# Retry-After while the database cannot be reached.
_UNAVAILABLE = {
    **_json(_ref("Errors"), "Tijdelijk niet beschikbaar (code `unavailable`); probeer later."),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconden"}},
}
for _operations in PATHS.values():
    for _method, _operation in _operations.items():
        if isinstance(_operation, dict) and "responses" in _operation:
            _operation["responses"].setdefault("400", ERROR_RESPONSE)
            _operation["responses"].setdefault("422", ERROR_RESPONSE)
            if _method in ("post", "put", "patch"):
                _operation["responses"].setdefault("413", ERROR_RESPONSE)
                _operation["responses"].setdefault("415", ERROR_RESPONSE)
            _operation["responses"].setdefault("503", _UNAVAILABLE)
