import pytest

from wijkwerk.money import Price, rate_as_string, rate_from_string, vat_cents


def test_driedaagse_price_is_1800_plus_21_percent_is_2178():
    price = Price(180_000, 2100)
    assert (price.vat_cents, price.total_cents, price.vat_rate) == (37_800, 217_800, "21")


def test_vat_rounds_half_up_to_the_cent():
    assert vat_cents(50, 2100) == 11  # 10.5 → 11
    assert vat_cents(49, 2100) == 10  # 10.29 → 10
    assert vat_cents(150, 900) == 14  # 13.5 → 14


@pytest.mark.parametrize(("text", "bp"), [("21", 2100), ("9", 900), ("0", 0), ("5,5 %", 550)])
def test_vat_rate_strings_round_trip(text, bp):
    assert rate_from_string(text) == bp
    assert rate_from_string(rate_as_string(bp)) == bp


@pytest.mark.parametrize("text", ["", "abc", "101", "-1", "21.005"])
def test_nonsense_vat_rate_is_refused(text):
    with pytest.raises(ValueError):
        rate_from_string(text)
