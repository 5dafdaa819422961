"""Every text on the site has its English translation (Dutch is the source language)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHOD_MAP = [("wijkwerk/**.py", "python"), ("templates/**.html", "jinja2")]


def test_the_english_catalogue_translates_every_message_in_the_code():
    in_code = {message[2] for message in extract_from_dir(ROOT, METHOD_MAP, keywords=KEYWORDS)}
    with (ROOT / "wijkwerk/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        m.id
        for m in catalogue
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert in_code, "extraction found nothing: the test itself is broken"
    assert sorted(in_code - translated) == []
