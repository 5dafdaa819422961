"""Every text on the site has its English translation (Dutch is the source language)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
JINJA = {"extensions": "jinja2.ext.do", "trim_blocks": "True", "lstrip_blocks": "True"}
METHOD_MAP = [
    ("wijkwerk/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
OPTIONS = {"templates/**.html": JINJA, "templates/**.txt": JINJA}


def _extracted() -> dict[str, set[str]]:
    """Message ids per file, read the way babel.cfg reads them."""
    found: dict[str, set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHOD_MAP, options_map=OPTIONS, keywords=KEYWORDS
    ):
        found.setdefault(filename, set()).add(message)
    return found


def test_the_english_catalogue_translates_every_message_in_the_code():
    extracted = _extracted()
    in_code = set().union(*extracted.values())
    with (ROOT / "wijkwerk/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert in_code, "extraction found nothing: the test itself is broken"
    assert sorted(in_code - translated) == []


def test_every_template_with_text_to_translate_is_read():
    """Babel skips a template it cannot parse without a word; this makes that loud."""
    extracted = _extracted()
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt") and "_(" in path.read_text():
            name = str(path.relative_to(ROOT))
            assert extracted.get(name), f"no messages extracted from {name}"
