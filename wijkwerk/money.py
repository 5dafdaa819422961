"""Money as integer euro cents, VAT rates as basis points (2100 = 21 %).

Prices are entered excluding VAT; VAT is computed per line and rounded half up to the cent, as a
Dutch invoice shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import NumberFormatError, parse_decimal

DEFAULT_VAT_RATE_BP = 2100


FULL_SHARE_BP = 10_000  # 100 % in basis points


def share_of(amount_cents: int, basis_points: int) -> int:
    """``basis_points`` of ``amount_cents`` (10000 = all), rounded half up to a cent."""
    exact = Decimal(amount_cents) * Decimal(basis_points) / Decimal(FULL_SHARE_BP)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vat_cents(amount_cents: int, vat_rate_bp: int) -> int:
    """The VAT on ``amount_cents`` (excl. VAT) at ``vat_rate_bp``, rounded half up to a cent."""
    return share_of(amount_cents, vat_rate_bp)


def rate_as_string(vat_rate_bp: int) -> str:
    """A VAT rate as the API writes it: ``2100`` → ``"21"``, ``550`` → ``"5.5"``."""
    rate = Decimal(vat_rate_bp) / Decimal(100)
    return format(rate.normalize(), "f")


def rate_from_string(text: str) -> int:
    """Parse ``"21"``, ``"9"``, ``"5.5"`` or ``"21 %"`` into basis points; raises ``ValueError``."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        rate = Decimal(cleaned)
    except ArithmeticError as exc:
        raise ValueError(f"not a VAT rate: {text!r}") from exc
    bp = rate * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= 10_000:
        raise ValueError(f"not a VAT rate: {text!r}")
    return int(bp)


@dataclass(frozen=True)
class Price:
    """An amount excluding VAT with its VAT and total."""

    amount_cents: int
    vat_rate_bp: int

    @property
    def vat_cents(self) -> int:
        return vat_cents(self.amount_cents, self.vat_rate_bp)

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.vat_cents

    @property
    def vat_rate(self) -> str:
        return rate_as_string(self.vat_rate_bp)


def cents_from_string(text: str) -> int:
    """Parse an amount in euros as people in the Netherlands write it (``"200"``, ``"5.000"``,
    ``"1.234,56"``, ``"€ 200,00"``) into cents; raises ``ValueError``."""
    cleaned = text.strip().removeprefix("€").strip()
    try:
        amount = parse_decimal(cleaned, locale="nl", strict=True)
    except NumberFormatError as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    cents = amount * 100
    if amount < 0 or cents != cents.to_integral_value():
        raise ValueError(f"not an amount: {text!r}")
    return int(cents)


def euros_as_string(cents: int) -> str:
    """Cents as an amount to edit in a Dutch form: ``500000`` → ``"5000,00"``."""
    return f"{cents // 100},{cents % 100:02d}"
