"""The municipality reference list: loaded from the shipped CBS file, idempotent, rule-derived
middelgroot flag with organiser overrides that survive reloads."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from tests import factories
from wijkwerk.municipalities.models import Municipality
from wijkwerk.municipalities.services import set_middelgroot_override, shipped_file

HEADER = (
    "gemeentecode\tnaam_cbs\tnaam_roep\tprovinciecode\tprovincienaam\tinwoners\tm50_lid_april2023\n"
)


def _load(runner, *args):
    return runner.invoke(args=["wijkwerk", "load-municipalities", *args])


def test_shipped_file_loads_all_342_municipalities_once(runner, db):
    first = _load(runner)
    assert first.exit_code == 0, first.output
    assert "342 gemeenten" in first.output and "342 nieuw" in first.output
    second = _load(runner)
    assert second.exit_code == 0
    assert "0 nieuw, 0 bijgewerkt, 342 ongewijzigd, 0 niet meer actief" in second.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 342
    den_haag = db.session.get(Municipality, "GM0518")
    assert (den_haag.name, den_haag.display_name) == ("'s-Gravenhage", "Den Haag")


def test_middelgroot_flag_agrees_with_the_m50_size_class_of_the_cbs_file(runner, db):
    """Independent check: for non-members the flag must equal the file's own size class."""
    _load(runner)
    with shipped_file().open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    flags = dict(db.session.execute(select(Municipality.code, Municipality.middelgroot)).all())
    for row in rows:
        expected = row["m50_lid_april2023"] == "ja" or row["grootteklasse_m50def"].startswith(
            "middelgroot"
        )
        assert flags[row["gemeentecode"]] is expected, row["naam_cbs"]
    members = [r for r in rows if r["m50_lid_april2023"] == "ja"]
    assert len(members) == 61
    assert all(flags[r["gemeentecode"]] for r in members)


def test_band_edges_are_inclusive_and_m50_members_always_count(runner, db, tmp_path):
    path = tmp_path / "gemeenten_2027.tsv"
    path.write_text(
        HEADER
        + "GM0001\tOnder\tOnder\tPV20\tGroningen\t29999\tnee\n"
        + "GM0002\tOndergrens\tOndergrens\tPV20\tGroningen\t30000\tnee\n"
        + "GM0003\tBovengrens\tBovengrens\tPV20\tGroningen\t80000\tnee\n"
        + "GM0004\tBoven\tBoven\tPV20\tGroningen\t80001\tnee\n"
        + "GM0005\tGroot lid\tGroot lid\tPV20\tGroningen\t95000\tja\n",
        encoding="utf-8",
    )
    result = _load(runner, str(path))
    assert result.exit_code == 0, result.output
    flags = dict(db.session.execute(select(Municipality.code, Municipality.middelgroot)).all())
    assert flags == {
        "GM0001": False,
        "GM0002": True,
        "GM0003": True,
        "GM0004": False,
        "GM0005": True,
    }
    assert db.session.get(Municipality, "GM0001").population_date.isoformat() == "2027-01-01"


def test_band_is_configuration_not_code(app, runner, db, tmp_path):
    app.config["MIDDELGROOT_MIN_POPULATION"] = 20_000
    path = tmp_path / "gemeenten_2027.tsv"
    path.write_text(
        HEADER + "GM0001\tKlein\tKlein\tPV20\tGroningen\t25000\tnee\n", encoding="utf-8"
    )
    assert _load(runner, str(path)).exit_code == 0
    assert db.session.get(Municipality, "GM0001").middelgroot is True


def test_reload_updates_figures_keeps_overrides_and_never_deletes(runner, db, tmp_path):
    _load(runner)
    organiser = factories.account()
    amsterdam = db.session.get(Municipality, "GM0363")
    set_middelgroot_override(amsterdam, True, "deelname via M50-afspraak", organiser)
    db.session.commit()

    # Next year's file: Schiedam grows, Amsterdam is listed, Aa en Hunze is gone (merged).
    with shipped_file().open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["gemeentecode"] != "GM1680"]
    for row in rows:
        if row["gemeentecode"] == "GM0606":
            row["inwoners"] = "82000"
    path = tmp_path / "gemeenten_2027.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)

    result = _load(runner, str(path))
    assert result.exit_code == 0, result.output
    assert "1 bijgewerkt" in result.output and "1 niet meer actief" in result.output
    db.session.expire_all()
    assert db.session.get(Municipality, "GM0606").population == 82_000
    gone = db.session.get(Municipality, "GM1680")
    assert gone is not None and gone.active is False
    amsterdam = db.session.get(Municipality, "GM0363")
    assert amsterdam.middelgroot is True
    assert amsterdam.middelgroot_override_reason == "deelname via M50-afspraak"


def test_a_broken_file_is_refused_with_a_clear_message_and_nothing_loaded(runner, db, tmp_path):
    path = tmp_path / "gemeenten_2027.tsv"
    path.write_text(
        HEADER + "GM0001\tA\tA\tPV20\tGroningen\t100\tnee\nXX12\tB\tB\tPV20\tG\t1\tnee\n"
    )
    result = _load(runner, str(path))
    assert result.exit_code == 1
    assert "regel 3: ongeldige gemeentecode 'XX12'" in result.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0

    path.write_text("code\tnaam\nGM0001\tA\n")
    result = _load(runner, str(path))
    assert result.exit_code == 1 and "kolommen ontbreken" in result.output


def test_api_searches_municipalities_by_name_everyday_name_or_code(runner, client):
    _load(runner)
    assert [m["code"] for m in client.get("/api/v1/municipalities?q=den haag").json] == ["GM0518"]
    found = client.get("/api/v1/municipalities?q=GM1959").json
    assert found == [
        {
            "code": "GM1959",
            "name": "Altena",
            "official_name": "Altena",
            "province": "Noord-Brabant",
            "population": 58946,
            "middelgroot": True,
        }
    ]
    assert len(client.get("/api/v1/municipalities").json) == 342
