"""The OpenAPI 3.1 document of the JSON API. Every route under ``/api/v1`` must appear here (a test
checks that the URL map and this document agree).

The document is put together here from its parts, by subject: the schemas of the catalogue
(:mod:`.schemas_programme`), of a registration (:mod:`.schemas_registration`) and of attendance
(:mod:`.schemas_attendance`), and the core's paths (:mod:`.paths`), all made of the pieces in
:mod:`.parts`. A kind describes its own endpoints (``wijkwerk/<kind>/openapi.py``) and hands
that part to :func:`describe` where its endpoints join the blueprint, so the core imports no
kind."""

from __future__ import annotations

from wijkwerk.api.openapi import schemas_attendance, schemas_programme, schemas_registration
from wijkwerk.api.openapi.parts import ERRORS, complete
from wijkwerk.api.openapi.paths import PATHS as CORE_PATHS

SCHEMAS: dict[str, dict] = {
    "Errors": ERRORS,
    **schemas_programme.SCHEMAS,
    **schemas_registration.SCHEMAS,
    **schemas_attendance.SCHEMAS,
}
PATHS: dict[str, dict] = complete(dict(CORE_PATHS))


def describe(*, schemas: dict[str, dict], paths: dict[str, dict]) -> None:
    """Add a kind's schemas and paths to the document; a name or path already there is an error
    (two parts would describe one thing)."""
    twice = sorted((schemas.keys() & SCHEMAS.keys()) | (paths.keys() & PATHS.keys()))
    if twice:
        raise ValueError(f"already in the OpenAPI document: {', '.join(twice)}")
    SCHEMAS.update(schemas)
    PATHS.update(complete(paths))


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
