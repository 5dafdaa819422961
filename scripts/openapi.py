"""Write the OpenAPI document the API serves to docs/openapi.json (``make openapi``), so
integrators can diff it between releases; tests/test_api.py fails when the file is stale."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wijkwerk import create_app

TARGET = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def document_text() -> str:
    app = create_app("config.testing.TestingConfig", SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        from wijkwerk.api.openapi import openapi_document

        return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(document_text(), encoding="utf-8")
    print(f"wrote {TARGET}")
