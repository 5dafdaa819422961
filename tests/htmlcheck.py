"""The Nu Html Checker (``vnu-jar`` from npm, run with Debian's Java, which ``make test``
installs) over the HTML of many pages in one run: the JVM starts once, not once per page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def java_or_skip() -> None:
    missing = [
        name for name, ok in (("java", shutil.which("java")), (str(VNU), VNU.exists())) if not ok
    ]
    if not missing:
        return
    message = f"not installed: {', '.join(missing)}; `make test` installs them"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def errors_in(pages: dict[str, bytes], folder: Path) -> list[str]:
    """The checker's errors for each page (``name`` → its HTML), as "name: message (extract)"."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    for index, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{index:03d}.html"
        path.write_bytes(html)
        names[path.name] = name
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            *sorted(map(str, folder.glob("page-*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [
        f"{names.get((m.get('url') or '').rsplit('/', 1)[-1], m.get('url'))}: {m.get('message')}"
        f" [{(m.get('extract') or '').strip()}]"
        for m in messages
        if m.get("type") == "error"
    ]
