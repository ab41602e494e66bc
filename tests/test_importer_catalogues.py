"""Importers write catalogues valid for what they read (issue 26): no comparator without its
area, no ``.published`` without Outcome rows, no measure absent from the file; a file of one
area imports; a numerator above its denominator in an official file is kept as published,
reported, warned by ``validate`` and never computed into a value above 100%."""

from __future__ import annotations

import io

import pandas as pd
from click.testing import CliRunner

from ascbench.cli import cli
from tests.conftest import FIXTURES

OFFICIAL = FIXTURES / "official"
ANNEX = OFFICIAL / "ascof-2024-25-timeseries-annex-cut.csv"


def _import(source, out, *paths, extra=()):
    result = CliRunner().invoke(cli, ["import", source, *map(str, paths), "--out", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    return result


def _validate(out, source):
    return CliRunner().invoke(
        cli, ["validate", "--data", str(out), "--catalogue", str(out / f"catalogue-{source}.yaml")]
    )


def _rate_csv(out, source, area, metric, period):
    result = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(out),
            "--catalogue",
            str(out / f"catalogue-{source}.yaml"),
            "--area",
            area,
            "--metric",
            metric,
            "--period",
            period,
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), keep_default_na=False).iloc[0]


def test_the_annex_tables_import_with_the_three_4b_rows_kept_as_published(tmp_path):
    """Rows cut from the ASCOF 2024-25 time-series tables, with the three published 4B rows
    whose numerator exceeds the denominator (outcome [z], the tables' note 16)."""
    out = tmp_path / "annex"
    result = _import("ascof", out, ANNEX)
    assert "3 numerators above their denominators kept as published" in result.stderr
    assert f"{ANNEX}:249 E08000023 2024-25 ascof_4b 390 / 330" in result.stderr
    assert f"{ANNEX}:252 E08000015 2024-25 ascof_4b 380 / 315" in result.stderr
    assert f"{ANNEX}:258 E06000032 2024-25 ascof_4b 415 / 135" in result.stderr
    obs = pd.read_csv(out / "observations-ascof.csv", keep_default_na=False)
    assert len(obs) == sum(1 for _ in open(ANNEX)) - 1  # every row kept
    cell = obs[(obs.area_code == "E08000023") & (obs.period == "2024-25") & (obs.measure == "ascof_4b.num")]
    assert cell["value"].astype(float).tolist() == [390.0]  # kept as published, never altered
    check = _validate(out, "ascof")
    assert check.exit_code == 0, check.stderr
    warned = [x for x in check.stderr.splitlines() if "is above its denominator" in x]
    assert len(warned) == 3 and all(str(out / "observations-ascof.csv") in x for x in warned)
    # the engine shows the publisher's [z], never 390 / 330 = 118%
    row = _rate_csv(out, "ascof", "E08000023", "ASCOF_4B", "2024-25")
    assert row["value"] == "" and row["status"] == "not applicable"
    assert (row["numerator"], row["denominator"]) == (390, 330)
    # the year before is computed as usual: 365 / 420
    before = _rate_csv(out, "ascof", "E08000023", "ASCOF_4B", "2023-24")
    assert float(before["value"]) == 365 / 420 * 100
    leics = _rate_csv(out, "ascof", "E10000018", "ASCOF_2A", "2024-25")
    assert float(leics["value"]) == 2067 / 2805 * 100


def test_a_numerator_above_its_denominator_without_a_published_outcome_is_no_value(tmp_path):
    text = ANNEX.read_text()
    lines = [x for x in text.splitlines() if not (x.startswith("2024-25,109,") and ",4B,Total,Outcome" in x)]
    path = tmp_path / "ascof-2024-25.csv"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "o"
    _import("ascof", out, path)
    row = _rate_csv(out, "ascof", "E08000023", "ASCOF_4B", "2024-25")
    assert row["value"] == "" and row["status"] == "numerator above denominator"


def test_an_ascof_file_without_outcome_rows_writes_counts_alone(tmp_path):
    text = ANNEX.read_text().splitlines()
    path = tmp_path / "ascof-2024-25.csv"
    path.write_text("\n".join([text[0]] + [x for x in text[1:] if ",Outcome," not in x]) + "\n")
    out = tmp_path / "o"
    _import("ascof", out, path)
    fragment = (out / "catalogue-ascof.yaml").read_text()
    assert ".published" not in fragment
    assert "id: ASCOF_2A," in fragment and "numerator: ascof_2a.num" in fragment
    assert "ASCOF_1A" not in fragment  # only a base and a margin of error: no metric
    assert _validate(out, "ascof").exit_code == 0


def test_a_file_of_one_area_imports_and_names_no_england(tmp_path):
    text = ANNEX.read_text().splitlines()
    path = tmp_path / "ascof-2024-25.csv"
    path.write_text("\n".join([text[0]] + [x for x in text[1:] if ",508,Leicestershire," in x]) + "\n")
    out = tmp_path / "o"
    _import("ascof", out, path)
    fragment = (out / "catalogue-ascof.yaml").read_text()
    assert "comparators" not in fragment and not (out / "dataset.yaml").exists()
    assert _validate(out, "ascof").exit_code == 0
    row = _rate_csv(out, "ascof", "E10000018", "ASCOF_2A", "2024-25")
    assert float(row["value"]) == 2067 / 2805 * 100


def test_a_fingertips_file_without_england_writes_no_england_comparator(tmp_path):
    lines = (OFFICIAL / "fingertips.csv").read_text().splitlines()
    path = tmp_path / "ft.csv"
    path.write_text("\n".join([lines[0]] + [x for x in lines[1:] if ",E92000001," not in x]) + "\n")
    out = tmp_path / "o"
    _import("fingertips", out, path)
    assert "national" not in (out / "catalogue-fingertips.yaml").read_text()
    check = _validate(out, "fingertips")
    assert check.exit_code == 0, check.stderr
    one = tmp_path / "one.csv"
    one.write_text("\n".join([lines[0]] + [x for x in lines[1:] if ",E10000018," in x]) + "\n")
    _import("fingertips", tmp_path / "one", one)
    assert _validate(tmp_path / "one", "fingertips").exit_code == 0


def test_a_fingertips_catalogue_of_many_series_validates(tmp_path):
    """9,000 series (a whole profile): the catalogue it writes loads (no alias limit is met by
    a document without aliases) and validates."""
    import csv

    header = (OFFICIAL / "fingertips.csv").read_text().splitlines()[0]
    columns = next(csv.reader([header]))
    path = tmp_path / "big.csv"
    with open(path, "w", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(columns)
        for i in range(9000):
            row = dict.fromkeys(columns, "")
            row.update(
                {
                    "Indicator ID": str(10000 + i),
                    "Indicator Name": f"Indicator {i}",
                    "Area Code": "E10000018",
                    "Area Name": "Leicestershire",
                    "Sex": "Persons",
                    "Age": "All ages",
                    "Time period": "2022/23",
                    "Value": str(i % 97),
                }
            )
            w.writerow([row[c] for c in columns])
    out = tmp_path / "o"
    _import("fingertips", out, path)
    check = _validate(out, "fingertips")
    assert check.exit_code == 0, check.stderr
