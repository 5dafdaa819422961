"""The seam between the kinds and the core: only the registry names kinds, and the core imports
no kind package (docs/adding-a-kind.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from wijkwerk.programmes.models import ProgrammeKind

ROOT = Path(__file__).resolve().parents[1]
KIND_PACKAGES = {
    ProgrammeKind.WERKPLAATS: "werkplaatsen",
    ProgrammeKind.DRIEDAAGSE: "driedaagse",
    ProgrammeKind.WIJKLAB: "wijklab",
    ProgrammeKind.KENNISPROGRAMMA: "kennis",
}


def _code_files():
    for path in sorted((ROOT / "wijkwerk").rglob("*.py")):
        yield path, path.relative_to(ROOT / "wijkwerk").parts


def test_no_code_outside_a_kind_compares_kinds():
    """Only the registry and the models name the kinds; a kind's own package may ask whether a
    programme is its own kind, never another's."""
    found = []
    for path, parts in _code_files():
        if parts in (("programmes", "models.py"), ("programmes", "kinds.py")):
            continue  # the enum and the registry
        if parts == ("demo", "programmes.py"):
            continue  # the demo's data: the four programmes of the seed texts
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
                continue
            if node.value.id != "ProgrammeKind":
                continue
            own = KIND_PACKAGES.get(ProgrammeKind[node.attr])
            if parts[0] != own and parts[:-1] != (own,):
                found.append(f"{'/'.join(parts)}:{node.lineno} ProgrammeKind.{node.attr}")
    templates = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file() and re.search(r"\bkind\.value\s*(==|!=|in\b)", path.read_text()):
            templates.append(str(path.relative_to(ROOT)))
    assert found == [] and templates == []


def test_the_core_imports_no_kind_package():
    """Kinds depend on the core, never the reverse (the import-linter contracts in pyproject.toml
    say the same for the whole graph; this names the offending line)."""
    kind_modules = tuple(f"wijkwerk.{p}" for p in KIND_PACKAGES.values())
    found = []
    for path, parts in _code_files():
        if parts[0] in KIND_PACKAGES.values() or parts in (("__init__.py",), ("models.py",)):
            continue  # the kinds themselves, the app factory and the model list compose them
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(kind_modules):
                found.append(f"{'/'.join(parts)}:{node.lineno} {node.module}")
    assert found == []
