"""The OpenAPI 3.1 document of the JSON API. Every route under ``/api/v1`` must appear here (a test
checks that the URL map and this document agree).

The document is put together here from its parts, by subject: the schemas of the catalogue
(:mod:`.schemas_programme`), of a registration (:mod:`.schemas_registration`) and of attendance
(:mod:`.schemas_attendance`), and the core's paths (:mod:`.paths`), all made of the pieces in
:mod:`.parts`. A kind describes its registration request and its own endpoints
(``wijkwerk/<kind>/openapi.py``), which its entry in the kind registry carries, so the core imports
no kind."""

from __future__ import annotations

import copy

from wijkwerk.api.openapi import schemas_attendance, schemas_programme, schemas_registration
from wijkwerk.api.openapi.parts import ERRORS, complete, ref
from wijkwerk.api.openapi.paths import PATHS as CORE_PATHS
from wijkwerk.programmes import kinds

SCHEMAS: dict[str, dict] = {
    "Errors": ERRORS,
    **schemas_programme.SCHEMAS,
    **schemas_registration.SCHEMAS,
    **schemas_attendance.SCHEMAS,
}
PATHS: dict[str, dict] = complete(dict(CORE_PATHS))


def openapi_document() -> dict:
    """The document: the core's parts, and each installed kind's (its registration request among
    the request bodies of ``POST /programmes/{slug}/registrations``). A name or path two parts
    both describe is an error."""
    schemas, paths = dict(SCHEMAS), copy.deepcopy(PATHS)
    requests = []
    for kind in kinds.all_kinds():
        twice = sorted(
            (kind.api_schemas.keys() & schemas.keys()) | (kind.api_paths.keys() & paths.keys())
        )
        if twice:
            raise ValueError(f"already in the OpenAPI document: {', '.join(twice)}")
        schemas.update(kind.api_schemas)
        paths.update(complete(copy.deepcopy(dict(kind.api_paths))))
        requests.append(ref(kind.api_request))
    body = paths["/programmes/{slug}/registrations"]["post"]["requestBody"]
    body["content"]["application/json"]["schema"] = {"oneOf": requests}
    return {
        "openapi": "3.1.0",
        "info": {"title": "wijkwerk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
