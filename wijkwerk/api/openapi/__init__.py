"""The OpenAPI 3.1 document of the JSON API. Every route under ``/api/v1`` must appear here (a test
checks that the URL map and this document agree).

The document is put together here from its parts, by subject: the schemas of the catalogue
(:mod:`.schemas_programme`), of a registration (:mod:`.schemas_registration`) and of attendance
(:mod:`.schemas_attendance`), and the paths (:mod:`.paths`), all made of the pieces in
:mod:`.parts`."""

from __future__ import annotations

from wijkwerk.api.openapi import kinds, schemas_attendance, schemas_programme, schemas_registration
from wijkwerk.api.openapi.parts import ERRORS, complete
from wijkwerk.api.openapi.paths import PATHS as CORE_PATHS

SCHEMAS: dict[str, dict] = {
    "Errors": ERRORS,
    **schemas_programme.SCHEMAS,
    **schemas_registration.SCHEMAS,
    **schemas_attendance.SCHEMAS,
    **kinds.SCHEMAS,
}
PATHS: dict[str, dict] = complete({**CORE_PATHS, **kinds.PATHS})


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
