"""Dates and money as Dutch readers expect them: "dinsdag 15 oktober 2027, 09:30–17:00",
"€ 1.800,00". Registered as Jinja filters; mails use the same functions."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency as babel_format_currency
from flask import Flask
from flask_babel import (
    format_datetime,
    format_decimal,
    get_locale,
    get_timezone,
)
from flask_babel import gettext as _

from wijkwerk.money import rate_as_string


def shown(value: dt.datetime) -> dt.datetime:
    """``value`` in the reader's time zone, by ``zoneinfo``: Flask-Babel's own conversion uses
    pytz, whose tables stop at 2037."""
    return value.astimezone(ZoneInfo(str(get_timezone())))


def _format(value: dt.datetime, pattern: str) -> str:
    return format_datetime(shown(value), pattern, rebase=False)


DATE = "d MMMM y"
WEEKDAY_DATE = "EEEE d MMMM y"
TIME = "HH:mm"


def date(value: dt.datetime | dt.date | None) -> str:
    """``15 oktober 2027`` in the reader's locale and Amsterdam time."""
    if value is None:
        return ""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, 12, tzinfo=dt.UTC)
    return _format(value, DATE)


def folded(text: str) -> str:
    """``text`` without case or accents, to search in: "Ülkü" is found by "ulku"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def short_date(value: dt.datetime) -> str:
    """``15 okt. 2027``: a date where room is short (a column of the attendance matrix)."""
    return _format(value, "d MMM y")


def datetime(value: dt.datetime | None) -> str:
    """``dinsdag 15 oktober 2027, 09:30``."""
    if value is None:
        return ""
    return _format(value, f"{WEEKDAY_DATE}, {TIME}")


def period(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A session's time span: ``dinsdag 15 oktober 2027, 09:30–17:00`` on one day, both dates
    written out when it spans several."""
    start_local, end_local = shown(starts_at), shown(ends_at)
    if start_local.date() == end_local.date():
        return f"{datetime(starts_at)}–{_format(ends_at, TIME)}"
    return f"{datetime(starts_at)} – {datetime(ends_at)}"


def money(cents: int | None) -> str:
    """``€ 1.800,00`` from integer cents."""
    if cents is None:
        return ""
    return _money(cents, str(get_locale() or "nl"))


@functools.lru_cache(maxsize=4096)
def _money(cents: int, locale: str) -> str:
    """Babel's formatting is slow and a list shows the same few amounts many times."""
    return babel_format_currency(Decimal(cents) / 100, "EUR", locale=locale)


def number(value: int | None) -> str:
    """``81.931`` in Dutch, ``81,931`` in English."""
    return "" if value is None else format_decimal(value)


def vat_rate(basis_points: int) -> str:
    """``21%`` style, with a Dutch decimal comma where needed (``5,5%``)."""
    return rate_as_string(basis_points).replace(".", ",") + "%"


def percent(basis_points: int) -> str:
    """A share in basis points as ``50%`` (``12,5%``)."""
    return vat_rate(basis_points)


# Text a registrant typed (a casus title, a name) goes into mail to someone else, from our real
# sender. Mail clients turn anything that looks like a URL, a domain or an address into a link, in
# plain text and in HTML alike, so such text could carry a working phishing link. ``unlinked``
# defangs it the way security advisories do: "https[:]//phish[.]example/login". The separator is
# visible and the same in both parts of a mail, on purpose: zero-width characters are dropped by
# some clients (and by forwarding or plain-text conversion), which would make the link live
# again, and a visible mark also tells the reader that this text is not ours.
_SCHEME = re.compile(r":\s*/\s*/")
_DOTS = ".\u3002\uff0e\uff61"  # the full stop and the ideographic/full-width ones IDNA accepts
_DOMAIN = re.compile(rf"[\w-]+(?:[{_DOTS}][\w-]+)*[{_DOTS}](?:[^\W\d_]|-){{2,63}}(?![\w-])")
_IPV4 = re.compile(rf"(?<![\w.])\d{{1,3}}(?:[{_DOTS}]\d{{1,3}}){{3}}(?![\w-])")
_DOT = re.compile(rf"[{_DOTS}]")


def unlinked(value: object) -> str:
    """``value`` with every "://" and every dot in what looks like a domain name, an e-mail
    address's domain or an IPv4 address broken with a visible "[:]" or "[.]", so that no mail
    client makes a link of it. Returns plain text: in an HTML template autoescaping applies."""
    if value is None:
        return ""

    def defanged(match: re.Match) -> str:
        return _DOT.sub("[.]", match.group(0))

    text = _SCHEME.sub("[:]//", str(value))
    return _IPV4.sub(defanged, _DOMAIN.sub(defanged, text))


def counted(count: int, one: str, many: str) -> str:
    """``count`` with its noun in the right number, for the CLI's Dutch summaries ("1
    herinnering", "2 herinneringen"; pages and mails use ngettext)."""
    return f"{count} {one if count == 1 else many}"


def supply_period(invoice) -> str:
    """An invoice's date of supply: one day, or its first and last ("12 oktober 2027 t/m
    11 januari 2028")."""
    first, last = invoice.supplied_from, invoice.supplied_until
    if first is None:
        return ""
    if last is None or last == first:
        return date(first)
    return _("%(first)s t/m %(last)s", first=date(first), last=date(last))


def machine_time(moment: dt.datetime) -> str:
    """A moment for ``<time datetime>``: ISO 8601 to the second (HTML allows at most three
    digits of a fraction)."""
    return moment.replace(microsecond=0).isoformat()


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(lambda: {"current_locale": str(get_locale() or "nl")})
    app.add_template_filter(date, "date")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(datetime, "datetime")
    app.add_template_filter(money, "money")
    app.add_template_filter(machine_time, "machine_time")
    app.add_template_filter(number, "number")
    app.add_template_filter(vat_rate, "vat_rate")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(unlinked, "unlinked")
    app.add_template_global(period, "period")
    app.add_template_global(supply_period, "supply_period")
