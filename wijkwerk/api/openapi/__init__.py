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

from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from wijkwerk.api.openapi import schemas_attendance, schemas_programme, schemas_registration
from wijkwerk.api.openapi.parts import ERRORS, complete, ref
from wijkwerk.api.openapi.paths import PATHS as CORE_PATHS
from wijkwerk.calendars import changes
from wijkwerk.programmes import kinds
from wijkwerk.registrations import inputs
from wijkwerk.schema import Shape

SCHEMAS: dict[str, dict] = {
    "Errors": ERRORS,
    **schemas_programme.SCHEMAS,
    **schemas_registration.SCHEMAS,
    **schemas_attendance.SCHEMAS,
}
PATHS: dict[str, dict] = complete(dict(CORE_PATHS))
# The core's request shapes (wijkwerk/schema.py), whose schemas are generated.
SHAPES: list[type[Shape]] = [
    inputs.DecisionInput,
    inputs.ProgrammeCancellationInput,
    changes.SessionChangeInput,
]


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema for the document: without the titles and docstrings it derives
    from Python names (the document's words are its own)."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def model_schema(self, schema):
        shown = super().model_schema(schema)
        shown.pop("title", None)
        shown.pop("description", None)
        return shown

    def enum_schema(self, schema):
        shown = super().enum_schema(schema)
        shown.pop("title", None)
        shown.pop("description", None)
        return shown


def shape_schemas(shapes: list[type[Shape]]) -> dict[str, dict]:
    """The schemas of ``shapes`` and of the shapes and enums they are made of, by name."""
    _refs, found = models_json_schema(
        [(shape, "validation") for shape in shapes],
        ref_template="#/components/schemas/{model}",
        schema_generator=_Generator,
    )
    return found.get("$defs", {})


def _add(schemas: dict[str, dict], more: dict[str, dict]) -> None:
    """``more`` into ``schemas``; a name two parts describe differently is an error."""
    twice = sorted(name for name in more.keys() & schemas.keys() if more[name] != schemas[name])
    if twice:
        raise ValueError(f"already in the OpenAPI document: {', '.join(twice)}")
    schemas.update(more)


def openapi_document() -> dict:
    """The document: the core's parts, and each installed kind's (its registration request among
    the request bodies of ``POST /programmes/{slug}/registrations``). A name or path two parts
    both describe is an error."""
    schemas, paths = dict(SCHEMAS), copy.deepcopy(PATHS)
    shapes = list(SHAPES)
    requests = []
    for kind in kinds.all_kinds():
        written = {k: v for k, v in kind.api_schemas.items() if isinstance(v, dict)}
        shapes += [v for v in kind.api_schemas.values() if not isinstance(v, dict)]
        twice = sorted((written.keys() & schemas.keys()) | (kind.api_paths.keys() & paths.keys()))
        if twice:
            raise ValueError(f"already in the OpenAPI document: {', '.join(twice)}")
        schemas.update(written)
        paths.update(complete(copy.deepcopy(dict(kind.api_paths))))
        request = kind.api_request
        if isinstance(request, str):
            requests.append(ref(request))
        else:
            shapes.append(request)
            requests.append({**ref(request.__name__), "x-programme-kind": kind.value.value})
    _add(schemas, shape_schemas(shapes))
    body = paths["/programmes/{slug}/registrations"]["post"]["requestBody"]
    body["content"]["application/json"]["schema"] = {"oneOf": requests}
    return {
        "openapi": "3.1.0",
        "info": {"title": "wijkwerk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "paths": paths,
    }
