"""The WSGI entry point: ``flask --app app …`` and ``gunicorn app:app``."""

from wijkwerk import create_app
from wijkwerk.extensions import db

app = create_app()


@app.shell_context_processor
def shell_context() -> dict:
    from wijkwerk import models

    return {"db": db, "m": models}
