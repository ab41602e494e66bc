"""ASC-FR (Adult Social Care Activity and Finance Report) data files: the real 2016-17 Totals
file cut to the East Midlands, and the later long layout (with descriptions) written to its
published columns; spend per adult ranked as LG Inform's "Use of Resources" metric 11518
(gross current expenditure / ONS 18+ population), with rank, quartile and p10/p90."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

OFFICIAL = FIXTURES / "official"
TOTALS = OFFICIAL / "ascfr-2016-17-totals-cut.csv"
LONG = OFFICIAL / "ascfr-data-file-descriptions-layout.csv"
COUNCILS = [
    "E06000015",
    "E06000016",
    "E06000017",
    "E06000018",
    "E10000007",
    "E10000018",
    "E10000019",
    "E10000021",
    "E10000024",
]


def _import(source, out, *paths, extra=()):
    result = CliRunner().invoke(cli, ["import", source, *map(str, paths), "--out", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    return result


def _obs(out):
    obs = pd.read_csv(out / "observations-ascfr.csv", keep_default_na=False)
    obs["value"] = pd.to_numeric(obs["value"])
    return obs.set_index(["area_code", "period", "measure"])


def _expected_gce():
    """Gross current expenditure recomputed from the file itself: the DataType 1 rows."""
    t = pd.read_csv(TOTALS, dtype=str)
    t["g"] = pd.to_numeric(t["GROSSCURRENTEXPENDITURE"])
    t["area"] = t["GEOGRAPHY_CODE"].fillna(t["REGION_GO_CODE"])
    counted = t[t["DataType_KEY"] == "1"]
    return counted.groupby("area")["g"].sum(), counted[counted["CareType_KEY"] == "2"].groupby("area")["g"].sum()


def test_the_2016_17_totals_file(tmp_path):
    out = tmp_path / "o"
    result = _import("ascfr", out, TOTALS)
    assert "ASC-FR 2016-17 Totals file" in result.stderr and "no per-adult metrics" in result.stderr
    obs = _obs(out)
    gce, lts = _expected_gce()
    for area in [*COUNCILS, "E12000004"]:
        assert obs.loc[(area, "2016-17", "ascfr.gce"), "value"] == round(gce[area], 6)
        assert obs.loc[(area, "2016-17", "ascfr.gce_lts"), "value"] == round(lts[area], 6)
    assert obs.loc[("E10000018", "2016-17", "ascfr.gce"), "value"] == 181648  # Leicestershire, £000
    # the nine councils add up to the region's own published rows
    assert abs(sum(obs.loc[(a, "2016-17", "ascfr.gce"), "value"] for a in COUNCILS) - gce["E12000004"]) < 0.01
    assert "ASCFR_GCE_PER_ADULT" not in (out / "catalogue-ascfr.yaml").read_text()  # no population yet
    check = CliRunner().invoke(cli, ["validate", "--data", str(out), "--catalogue", str(out / "catalogue-ascfr.yaml")])
    assert check.exit_code == 0, check.stderr


def _population(path, adults: dict):
    """An MYE2 persons table (mid-2016) with each area's adults at age 40 (written for the test)."""
    rows = [["Mid-2016 population estimates"], ["Code", "Name", "Geography", "All ages", *map(str, range(90)), "90+"]]
    for code, n in adults.items():
        ages = ["0"] * 91
        ages[40] = str(n)
        rows.append([code, code, "x", str(n), *ages])
    with open(path, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_spend_per_adult_ranked_like_lg_inform(tmp_path):
    out = tmp_path / "o"
    adults = {code: 100000 + 25000 * i for i, code in enumerate(COUNCILS)} | {
        "E12000004": 3_700_000,
        "E92000001": 43_000_000,
    }
    _population(tmp_path / "mye2-mid2016.csv", adults)
    _import("ons", out, tmp_path / "mye2-mid2016.csv")
    result = _import("ascfr", out, TOTALS)
    assert "no per-adult metrics" not in result.stderr
    catalogue = out / "catalogue-ascfr.yaml"
    assert "id: ASCFR_GCE_PER_ADULT" in catalogue.read_text()
    check = CliRunner().invoke(cli, ["validate", "--data", str(out), "--catalogue", str(catalogue)])
    assert check.exit_code == 0, check.stderr
    ranked = CliRunner().invoke(
        cli,
        [
            "rank",
            "--data",
            str(out),
            "--catalogue",
            str(catalogue),
            "--metric",
            "ASCFR_GCE_PER_ADULT",
            "--period",
            "2016-17",
            "--format",
            "csv",
        ],
    )
    assert ranked.exit_code == 0, ranked.stderr
    table = pd.read_csv(io.StringIO(ranked.stdout)).set_index("area_code")
    gce, _ = _expected_gce()
    per_adult = pd.Series({c: round(gce[c], 6) * 1000 / adults[c] for c in COUNCILS})  # £000 as imported
    assert sorted(table.index) == sorted(COUNCILS)  # councils ranked; England and the region are not
    for code in COUNCILS:
        assert (
            table.loc[code, "value"] == np.float64(per_adult[code])
            or abs(table.loc[code, "value"] - per_adult[code]) < 1e-9
        )
    order = per_adult.sort_values(ascending=False).index  # value_rank 1 = highest (LG Inform)
    assert [int(table.loc[c, "value_rank"]) for c in order] == list(range(1, 10))
    assert (
        table["p10"].iloc[0] == np.percentile(per_adult, 10)
        or abs(table["p10"].iloc[0] - np.percentile(per_adult, 10)) < 1e-9
    )
    assert abs(table["p90"].iloc[0] - np.percentile(per_adult, 90)) < 1e-9
    bounds = np.percentile(per_adult, [25, 50, 75])
    expected_quartile = per_adult.map(lambda v: 1 + int((v > bounds).sum()))
    assert all(int(table.loc[c, "quartile"]) == expected_quartile[c] for c in COUNCILS)


def test_the_long_layout_with_descriptions(tmp_path):
    out = tmp_path / "o"
    _import("ascfr", out, LONG)
    obs = _obs(out)
    v = obs["value"]
    assert v[("E10000018", "2023-24", "ascfr.gce")] == 145000  # its parts, the 99 subtotal not added again
    assert v[("E10000018", "2023-24", "ascfr.gce_1864")] == 42000
    assert v[("E06000016", "2023-24", "ascfr.gce")] == 130000  # the published all-99 total
    assert v[("E06000016", "2023-24", "ascfr.gce_lts")] == 115000
    rutland = obs.loc[("E06000017", "2023-24", "ascfr.gce")]
    assert np.isnan(rutland["value"]) and rutland["status"] == "not available"  # ':' part: never a partial sum
    assert v[("E10000018", "2023-24", "ascfr.clients_lts")] == 5000
    assert v[("E10000018", "2023-24", "ascfr.unit_cost_residential_65ov")] == 812.5
    assert obs.loc[("E06000016", "2023-24", "ascfr.unit_cost_residential_65ov"), "status"] == "suppressed"
    fragment = (out / "catalogue-ascfr.yaml").read_text()
    assert "id: ASCFR_LTS_PER_CLIENT" in fragment and "id: ASCFR_UNIT_COST_RESIDENTIAL_65OV" in fragment
    rate = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(out),
            "--catalogue",
            str(out / "catalogue-ascfr.yaml"),
            "--area",
            "E10000018",
            "--metric",
            "ASCFR_LTS_PER_CLIENT",
            "--format",
            "csv",
        ],
    )
    assert rate.exit_code == 0, rate.stderr
    assert pd.read_csv(io.StringIO(rate.stdout))["value"].iloc[0] == 130000 * 1000 / 5000


def test_not_an_ascfr_file(tmp_path):
    result = CliRunner().invoke(
        cli, ["import", "ascfr", str(OFFICIAL / "ascof-2024-25.csv"), "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and "this looks like a ascof file, not ascfr" in result.stderr
