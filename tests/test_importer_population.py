"""Population files: Nomis downloads (a real one, tests/fixtures/official/PROVENANCE.md), the
shipped district-to-county lookup, and no silent wrong numbers: persons rows, duplicates and
incomplete counties are located errors."""

from __future__ import annotations

import csv

import pandas as pd
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

OFFICIAL = FIXTURES / "official"
NOMIS = OFFICIAL / "nomis-population-2024-lincolnshire.csv"
# Lincolnshire (E10000019) at mid-2024, as ONS's MYE2 table gives it (shared/public-data,
# ons_mye2_persons_mid-2024.csv): the same estimates by another route
LINCOLNSHIRE = {
    "population.18-64": 450940,
    "population.65+": 190608,
    "population.18+": 641548,
    "population.all": 789502,
}


def _import(tmp_path, *paths, extra=(), ok=True, name="o"):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["import", "ons", *map(str, paths), "--out", str(out), *extra])
    if not ok:
        assert result.exit_code == 1, result.stderr
        assert "Traceback" not in result.output and not out.exists()
        return result
    assert result.exit_code == 0, result.stderr
    obs = pd.read_csv(out / "observations-ons.csv", keep_default_na=False)
    return result, obs.set_index(["area_code", "period", "measure"])["value"]


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def test_a_real_nomis_download_counts_everyone_once(tmp_path):
    """Nomis gives Total, Male and Female rows: the Total rows are the persons counts."""
    result, v = _import(tmp_path, NOMIS)
    assert "Total rows used as the persons counts" in result.stderr
    for measure, expected in LINCOLNSHIRE.items():
        assert v[("E10000019", "2024-25", measure)] == expected
    assert v[("E07000136", "2024-25", "population.65+")] == 15067  # Boston


def test_nomis_male_and_female_rows_alone_are_summed(tmp_path):
    rows = _rows(NOMIS)
    path = _write(tmp_path / "mf.csv", [rows[0]] + [r for r in rows[1:] if r[3] != "Total"])
    _, v = _import(tmp_path, path)
    for measure, expected in LINCOLNSHIRE.items():
        assert v[("E10000019", "2024-25", measure)] == expected


def test_nomis_duplicate_row_and_missing_age_are_located(tmp_path):
    rows = _rows(NOMIS)
    path = _write(tmp_path / "dup.csv", rows + [rows[5]])
    result = _import(tmp_path, path, ok=False)
    assert (
        f"{path}:{len(rows) + 1}: C_AGE_NAME: a second row for E10000019 2024 total 'Age 3' (the first at line 6)"
        in result.stderr
    )
    path = _write(tmp_path / "gap.csv", [r for r in rows if not (r[1] == "E07000136" and r[4] == "Age 70")])
    result = _import(tmp_path, path, ok=False)
    assert "no count for E07000136 in 2024 at age 70" in result.stderr


def test_districts_sum_into_their_county_through_the_shipped_lookup(tmp_path):
    """Every Lincolnshire district, without the county row: summed through ONS's 2024
    lookup shipped in the package, with no --lookup; equal to the county's own row."""
    source = _rows(NOMIS)
    header, lincs = source[0], [r for r in source[1:] if r[1] == "E10000019"]
    districts = {
        "E07000136": "Boston",
        "E07000137": "East Lindsey",
        "E07000138": "Lincoln",
        "E07000139": "North Kesteven",
        "E07000140": "South Holland",
        "E07000141": "South Kesteven",
        "E07000142": "West Lindsey",
    }
    # split the county's own counts over its seven districts (whole numbers that sum back)
    body = []
    for r in lincs:
        n = int(r[5])
        shares = [n // 7] * 6 + [n - 6 * (n // 7)]
        for (code, name), share in zip(districts.items(), shares, strict=True):
            body.append([name, code, r[2], r[3], r[4], str(share)])
    path = _write(tmp_path / "districts.csv", [header] + body)
    result, v = _import(tmp_path, path)
    assert "7 districts summed into 1 counties (the shipped ONS 2024 district-to-county lookup)" in result.stderr
    for measure, expected in LINCOLNSHIRE.items():
        assert v[("E10000019", "2024-25", measure)] == expected
    # two districts alone would give Lincolnshire a third of its population: refused
    some = [b for b in body if b[1] in ("E07000136", "E07000138")]
    path = _write(tmp_path / "two.csv", [header] + some)
    result = _import(tmp_path, path, ok=False, name="two")
    assert "county E10000019 cannot be summed: the file lacks 5 of its 7 districts" in result.stderr


def _myeb(path, sexes=("1", "2"), extra=()):
    rows = [["ladcode23", "laname23", "country", "sex", "age", "population_2023"]]
    for sex in sexes:
        for age in range(91):
            rows.append(["E06000016", "Leicester", "E", sex, str(age), "1000"])
    rows += list(extra)
    return _write(path, rows)


def test_myeb_persons_rows_beside_the_sexes_are_refused(tmp_path):
    path = _myeb(tmp_path / "myeb.csv", extra=[["E06000016", "Leicester", "E", "0", "40", "2000"]])
    result = _import(tmp_path, path, ok=False)
    assert f"{path}:184: sex: a persons row (sex 0) beside the rows for each sex" in result.stderr
    _, v = _import(tmp_path, _myeb(tmp_path / "p.csv", sexes=("0",)), name="persons")
    assert v[("E06000016", "2023-24", "population.all")] == 91 * 1000
    _, v = _import(tmp_path, _myeb(tmp_path / "s.csv"), name="sexes")
    assert v[("E06000016", "2023-24", "population.all")] == 2 * 91 * 1000


def test_myeb_duplicate_row_is_refused(tmp_path):
    path = _myeb(tmp_path / "myeb.csv", extra=[["E06000016", "Leicester", "E", "2", "40", "1000"]])
    result = _import(tmp_path, path, ok=False)
    assert f"{path}:184: age: a second row for E06000016 at age 40, sex 2 (the first at line" in result.stderr


def test_mye2_council_twice_is_refused(tmp_path):
    rows = _rows(OFFICIAL / "ons-mye2-mid2023.csv")
    leics = next(r for r in rows if r and r[0] == "E10000018")
    path = _write(tmp_path / "mye2-mid2023.csv", rows + [leics])
    result = _import(tmp_path, path, ok=False)
    assert f"{path}:{len(rows) + 1}: Code: E10000018 has a second row (the first at line 9)" in result.stderr


def test_one_year_in_two_files_is_refused(tmp_path):
    result = _import(tmp_path, OFFICIAL / "ons-mye2-mid2023.csv", OFFICIAL / "ons-mye2-mid2023.csv", ok=False)
    assert "E10000018 2023-24 is given twice" in result.stderr or "is given twice" in result.stderr


def test_a_band_only_nomis_download_is_refused(tmp_path):
    rows = _rows(NOMIS)
    bands = [
        r[:4] + [band] + r[5:] for r, band in zip(rows[1:4], ["All Ages", "Aged 16 - 64", "Aged 65+"], strict=True)
    ]
    path = _write(tmp_path / "bands.csv", [rows[0]] + bands)
    result = _import(tmp_path, path, ok=False)
    assert "no count for E10000019 in 2024 at age 0" in result.stderr
