"""The core's paths: the catalogue, registering, an organiser's decisions, sessions and
attendance. A kind's own paths are in its package (``wijkwerk/<kind>/openapi.py``)."""

from __future__ import annotations

from wijkwerk.api.openapi.parts import (
    AUTH,
    AUTH_ERRORS,
    ERROR_RESPONSE,
    RATE_LIMITED,
    REGISTRATION_ID,
    SESSION_ID,
    SLUG,
    ref,
    response,
    write,
)

_REASON_BODY = {
    "required": False,
    "content": {"application/json": {"schema": ref("DecisionInput")}},
}


def _decision(summary: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "security": AUTH,
            "parameters": [REGISTRATION_ID],
            "requestBody": _REASON_BODY,
            "responses": {
                "200": response(ref("RegistrationDetail"), "De aanmelding na het besluit"),
                "409": ERROR_RESPONSE,
                **AUTH_ERRORS,
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
                "200": response({"type": "array", "items": ref("Municipality")}, "Gemeenten")
            },
        }
    },
    "/programmes": {
        "get": {
            "summary": "Gepubliceerde programma's; met een organisator-token ook de concepten",
            "security": [{}, {"bearer": []}],
            "responses": {
                "200": response({"type": "array", "items": ref("Programme")}, "Programma's")
            },
        },
        "post": write(
            "Een programma met zijn bijeenkomsten maken (organisatoren); een concept tenzij "
            "state published is",
            body="ProgrammeCreate",
            answer=("Programme", "Het nieuwe programma"),
            status="201",
        ),
    },
    "/programmes/{slug}": {
        "get": {
            "summary": "Eén programma met zijn bijeenkomsten; een concept alleen met een "
            "organisator-token",
            "security": [{}, {"bearer": []}],
            "parameters": [SLUG],
            "responses": {"200": response(ref("Programme"), "Programma"), "404": ERROR_RESPONSE},
        }
    },
    "/programmes/{slug}/registrations": {
        "post": {
            "summary": "Aanmelden: een trio (werkplaats), een persoon (driedaagse), een "
            "Wijklab-aanvraag; een stad in een kennisprogramma voegt een organisator toe (token)",
            "parameters": [SLUG],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        # each kind's request (its api_request in the registry), in
                        # openapi_document()
                        "schema": {"oneOf": []}
                    }
                },
            },
            "responses": {
                "201": response(ref("Registration"), "Aanmelding ontvangen"),
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
            "security": AUTH,
            "parameters": [SLUG],
            "responses": {"200": response(ref("Allocation"), "Verdeling"), **AUTH_ERRORS},
        }
    },
    "/programmes/{slug}/cancel": {
        "post": write(
            "Het programma laten vervallen: iedere aanmelding geannuleerd met bericht, facturen "
            "gecrediteerd, betalingen terugbetaald, geen plaatsing van de wachtlijst",
            body="ProgrammeCancellationInput",
            answer=("ProgrammeCancellation", "Wat het vervallen deed"),
            parameters=[SLUG],
            conflict=True,  # already cancelled
        )
    },
    "/registrations/{registration_id}": {
        "get": {
            "summary": "Eén aanmelding met leden, geschiedenis en kosten",
            "security": AUTH,
            "parameters": [REGISTRATION_ID],
            "responses": {"200": response(ref("RegistrationDetail"), "Aanmelding"), **AUTH_ERRORS},
        }
    },
    "/sessions/{session_id}": {
        "patch": write(
            "Bijeenkomst verplaatsen, verhuizen of afzeggen; deelnemers krijgen één mail met de "
            "bijgewerkte afspraak",
            body="SessionChangeInput",
            answer=("Session", "De bijeenkomst na de wijziging"),
            parameters=[SESSION_ID],
        )
    },
    "/sessions/{session_id}/attendance": {
        "put": write(
            "Aanwezigheid vastleggen; een onbekende persoon is een 422 en dan wordt niets van het "
            "verzoek opgeslagen",
            body="AttendanceRecords",
            answer=("Roster", "De presentielijst na het vastleggen"),
            parameters=[SESSION_ID],
        )
    },
    "/programmes/{slug}/attendance": {
        "get": {
            "summary": "Aanwezigheid per persoon en bijeenkomst, met totalen; ?format=csv voor "
            "een spreadsheet",
            "security": AUTH,
            "parameters": [
                SLUG,
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
                        "application/json": {"schema": ref("AttendanceMatrix")},
                        "text/csv": {"schema": {}},
                    },
                },
                **AUTH_ERRORS,
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
