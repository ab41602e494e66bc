"""The catalogue as written (issue 31): large catalogues load, alias bombs do not, and a value
YAML would read as a number is read as written where the field is text."""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from ascbench.catalogue import parse_catalogue
from ascbench.cli import cli
from ascbench.errors import AscbenchError
from tests.conftest import FIXTURES


def test_a_catalogue_of_20000_metrics_loads():
    lines = ["catalogue: {title: Every indicator}", "metrics:"]
    for i in range(20_000):
        lines += [
            f"  - id: M{i}",
            f"    title: Indicator {i}",
            "    statistic: proportion",
            f"    numerator: m{i}.num",
            f"    denominator: m{i}.den",
            "    polarity: high",
            "    comparators:",
            "      - {area: national, label: '{period} England'}",
        ]
    catalogue = parse_catalogue("\n".join(lines) + "\n", "big.yaml")
    assert len(catalogue.metrics) == 20_000
    assert catalogue.metrics[-1].numerator == "m19999.num"


def test_a_9000_series_catalogue_in_the_importers_layout_loads():
    """The layout ascbench import fingertips writes: one flow mapping per series."""
    spec = {
        "id": "FT_NNN",
        "title": "Indicator NNN",
        "statistic": "rate",
        "polarity": "low",
        "value": "fingertips_NNN.published",
        "source": "OHID Fingertips",
        "comparators": [{"area": "national"}],
        "numerator": "fingertips_NNN.num",
        "denominator": "fingertips_NNN.den",
        "multiplier": 100000.0,
    }
    line = "  - " + yaml.safe_dump(spec, default_flow_style=True, sort_keys=False, width=10**6).strip()
    lines = ["# written by ascbench import fingertips: check polarity and titles before use", "metrics:"]
    lines += [line.replace("NNN", str(i)) for i in range(9_000)]
    catalogue = parse_catalogue("\n".join(lines) + "\n", "catalogue-fingertips.yaml")
    assert len(catalogue.metrics) == 9_000 and catalogue.metrics[0].multiplier == 100_000


def test_anchors_shared_by_many_metrics_load():
    lines = ["x-defaults: &d {statistic: count, polarity: high, rating: {similar_within: 2}}", "metrics:"]
    lines += [f"  - {{<<: *d, id: M{i}, title: T{i}, numerator: m{i}}}" for i in range(3_000)]
    text = "\n".join(lines) + "\n"
    with pytest.raises(AscbenchError, match="unknown key 'x-defaults'"):  # the anchor's key is not a catalogue key
        parse_catalogue(text, "anchors.yaml")
    from ascbench.yaml_strict import load_yaml

    assert len(load_yaml(text, "anchors.yaml")["metrics"]) == 3_000  # but no alias bomb


def test_an_alias_bomb_is_still_refused():
    rows = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for name, prev in zip("bcdefgh", "abcdefg", strict=True):
        rows.append(f"{name}: &{name} [{','.join(['*' + prev] * 10)}]")
    rows.append("metrics: [*h]")
    with pytest.raises(AscbenchError) as found:
        parse_catalogue("\n".join(rows) + "\n", "bomb.yaml")
    assert found.value.one_line() == (
        "bomb.yaml:1: aliases expand the document's 29 values to 234,567,910 (an alias bomb?) (expected aliases that "
        "add at most 200,000 values, or 10 times the values written out)"
    )


def _rate(tmp_path, replace_catalogue=()):
    base = FIXTURES / "othertown"
    shutil.copytree(base / "data", tmp_path / "data")
    text = (base / "metrics.yaml").read_text()
    for old, new in replace_catalogue:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "m.yaml").write_text(text)
    out = CliRunner().invoke(
        cli, ["rate", "--catalogue", str(tmp_path / "m.yaml"), "--data", str(tmp_path / "data"), "--format", "csv"]
    )
    assert out.exit_code == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout), dtype=str).set_index("metric_id")


def test_codes_that_look_like_numbers_print_as_written(tmp_path):
    r = _rate(
        tmp_path,
        [
            ("    code: OT1\n", "    code: 2.10\n"),
            ("    code: OT2\n", "    code: 010\n"),
            ("    code: OT3\n", "    code: 1e3\n"),
            ("    code: OT4\n", "    code: no\n"),
            ("  first: Our first priority\n  second: Our second priority\n", "  01: Our first priority\n  02: Ours\n"),
            ("    layer: first\n", "    layer: 01\n"),
            ("    layer: second\n", "    layer: 02\n"),
        ],
    )
    assert r.loc["falls", "code"] == "2.10"  # not 2.1
    assert r.loc["carers_assessed", "code"] == "010"  # not 8 (YAML 1.1 octal)
    assert r.loc["meals", "code"] == "1e3"  # not 1000.0
    assert r.loc["mood", "code"] == "no"  # not False (YAML 1.1 boolean)
    assert r.loc["falls", "layer"] == "01" and r.loc["mood", "layer"] == "02"  # keys as written too


def test_a_measure_named_like_a_number_is_declared_as_written():
    text = "measures:\n  010: {aggregation: last}\nmetrics:\n  - {id: m, title: M, statistic: count, numerator: 010}\n"
    catalogue = parse_catalogue(text, "m.yaml")
    assert catalogue.metrics[0].numerator == "010" and catalogue.aggregations["010"][0] == "last"


def test_a_default_read_as_a_number_keeps_its_text(tmp_path):
    r = _rate(tmp_path, [("metrics:\n", "defaults:\n  all: {source: 2024.10}\nmetrics:\n")])
    assert set(r["source"]) == {"2024.10"}


def test_an_area_code_in_dataset_yaml_is_read_as_written(tmp_path):
    from ascbench.io.dataset import load_dataset

    shutil.copytree(FIXTURES / "othertown" / "data", tmp_path / "data")
    (tmp_path / "data" / "dataset.yaml").write_text("default_area: 010\nroles: {national: X92000000, region: 0012}\n")
    with open(tmp_path / "data" / "areas.csv", "a") as handle:
        handle.write("010,Octal town,unitary\n0012,Region twelve,region\n")
    settings = load_dataset(tmp_path / "data").settings  # not 8 and 12, which are not in areas.csv
    assert settings["default_area"] == "010" and settings["roles"]["region"] == "0012"
