from __future__ import annotations

from flask import abort, jsonify, request

from wijkwerk.api import bp, serialise
from wijkwerk.api.openapi import openapi_document
from wijkwerk.municipalities.services import search_municipalities
from wijkwerk.programmes.services import get_programme, list_programmes


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/municipalities")
def municipalities():
    found = search_municipalities(request.args.get("q", ""))
    return jsonify([serialise.municipality(m) for m in found])


@bp.get("/programmes")
def programmes():
    return jsonify([serialise.programme(p) for p in list_programmes()])


@bp.get("/programmes/<slug>")
def programme(slug: str):
    found = get_programme(slug)
    if found is None:
        abort(404)
    return jsonify(serialise.programme(found))
