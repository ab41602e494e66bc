"""Ranks, quartiles, bands, medians and MAD distances; the real Oflog file end to end."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cli import cli
from ascbench.engine.position import oflog_wording, positions
from tests.conftest import ROOT, material


def _frame(values, polarity="high", metric="m"):
    n = len(values)
    vals = pd.DataFrame(
        {
            "metric_id": metric,
            "area_code": [f"A{i:02d}" for i in range(n)],
            "period": "2024-25",
            "value": values,
            "value_basis": "published",
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )
    metrics = pd.DataFrame(
        {
            "metric_id": [metric],
            "polarity": [polarity],
            "range_low": [np.nan],
            "range_high": [np.nan],
            "statistic": ["published"],
            "multiplier": [1.0],
        }
    )
    members = pd.DataFrame({"group": "g", "area_code": vals["area_code"]})
    return positions(vals, metrics, members).set_index("area_code")


def test_quartile_bounds_for_1_to_50_are_type_7():
    p = _frame(list(range(1, 51)))
    # type-7 bounds 13.25, 25.5, 37.75: by value 13 is in Q1, 14 in Q2, 25 in Q2, 26 in Q3, 37 Q3, 38 Q4
    q = dict(zip(p["value"], p["value_quartile"], strict=True))
    assert (q[13], q[14], q[25], q[26], q[37], q[38]) == (1, 2, 2, 3, 3, 4)
    # high is good: by performance 1 = best, the highest values (a value on a bound in the worse group)
    perf = dict(zip(p["value"], p["quartile"], strict=True))
    assert (perf[13], perf[14], perf[25], perf[26], perf[37], perf[38], perf[50]) == (4, 3, 3, 2, 2, 1, 1)
    assert set(p["quartile_basis"]) == {"performance"}
    # the band is the performance quartile as a letter
    assert all(b == "ABCD"[int(q) - 1] for b, q in zip(p["band"], p["quartile"], strict=True))
    low = _frame(list(range(1, 51)), polarity="low")
    assert (low.loc["A00", "quartile"], low.loc["A49", "quartile"], low.loc["A00", "band"]) == (1, 4, "A")
    assert p["group_median"].iloc[0] == 25.5 and p["p10"].iloc[0] == pytest.approx(5.9)
    assert p["p90"].iloc[0] == pytest.approx(45.1)
    assert p.loc["A49", "value_rank"] == 1 and p.loc["A49", "band"] == "A" and p.loc["A00", "band"] == "D"


def test_ties_share_the_lowest_rank_and_low_polarity_ranks_from_the_bottom():
    p = _frame([10, 20, 20, 30], polarity="low")
    assert list(p["value_rank"]) == [1, 2, 2, 4]  # sorted by value rank: 30, 20, 20, 10
    assert p.loc["A00", "rank"] == 1 and p.loc["A01", "rank"] == 2 and p.loc["A02", "rank"] == 2
    assert p.loc["A03", "rank"] == 4 and p.loc["A00", "band"] == "A"


def test_missing_values_are_excluded_and_counted_and_small_groups_get_no_quartile():
    p = _frame([5.0, np.nan, 7.0, 9.0])
    assert len(p) == 3 and set(p["rank_of"]) == {3} and set(p["missing"]) == {1}
    assert p["quartile"].isna().all() and p["value_quartile"].isna().all() and p["band"].isna().all()


def test_no_polarity_gets_value_ranks_but_no_best():
    p = _frame([1.0, 2.0, 3.0, 4.0], polarity="none")
    assert p["rank"].isna().all() and p["value_rank"].notna().all() and p["quartile"].notna().all()
    assert p["band"].isna().all()
    # without a polarity the quartile runs by value, and says so
    assert list(p["quartile"]) == list(p["value_quartile"]) == [4, 3, 2, 1]  # rows from the highest value
    assert set(p["quartile_basis"]) == {"value"}


def test_oflog_wording_bands():
    words = oflog_wording([0.2, -0.49, 0.5, -1.49, 1.5, -2.99, 3, -7.49, 7.5])
    assert list(words) == [
        "broadly similar to the median",
        "broadly similar to the median",
        "slightly above the median",
        "slightly below the median",
        "above the median",
        "below the median",
        "much above the median",
        "much below the median",
        "far above the median",
    ]


@pytest.fixture(scope="module")
def oflog_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("oflog")
    data = material("public-data", "oflog_asc_outcomes_2019_2023.csv")
    nn = material("public-data", "oflog_nearest_neighbours.csv")
    result = CliRunner().invoke(cli, ["import", "oflog", str(data), str(nn), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


def _rank_csv(oflog_dir, *extra):
    out = CliRunner().invoke(
        cli,
        [
            "rank",
            "--data",
            str(oflog_dir),
            "--catalogue",
            str(ROOT / "catalogues" / "oflog-asc.yaml"),
            "--format",
            "csv",
            *extra,
        ],
    )
    assert out.exit_code == 0, out.stderr
    return pd.read_csv(io.StringIO(out.stdout))


def test_real_oflog_league_table_against_independent_arithmetic(oflog_dir):
    table = _rank_csv(oflog_dir, "--metric", "ASC5", "--period", "2022-23", "--group", "all")
    raw = pd.read_csv(material("public-data", "oflog_asc_outcomes_2019_2023.csv"))
    # the councils that existed in 2022-23: every council of the file but those created after it
    # (none) and those abolished before it (Northamptonshire, Bournemouth, Poole, Dorset County)
    in_2022 = raw.loc[raw["Financial year"] >= "2022-23", "Local authority code"]
    councils = in_2022.nunique()
    raw = raw[(raw["Code"] == "ASC5") & (raw["Financial year"] == "2022-23") & raw["Value"].notna()]
    values = np.sort(raw["Value"].to_numpy())
    assert len(table) == len(values) == 151
    expected_cols = [
        "metric_id",
        "period",
        "group",
        "area_code",
        "area_name",
        "value",
        "value_rank",
        "rank",
        "rank_of",
        "quartile",
        "band",
        "group_mean",
        "group_median",
        "group_pooled",
        "p10",
        "p90",
        "mad_from_median",
    ]
    assert set(expected_cols) <= set(table.columns)
    # independent: median and MAD by sorting, type-7 quartiles by hand
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    dev = np.sort(np.abs(values - median))
    mad = dev[n // 2] if n % 2 else (dev[n // 2 - 1] + dev[n // 2]) / 2

    def type7(p):
        h = (n - 1) * p
        lo = int(np.floor(h))
        return values[lo] + (h - lo) * (values[min(lo + 1, n - 1)] - values[lo])

    assert table["group_median"].iloc[0] == pytest.approx(median)
    assert table["p10"].iloc[0] == pytest.approx(type7(0.1)) and table["p90"].iloc[0] == pytest.approx(type7(0.9))
    leics = table.set_index("area_code").loc["E10000018"]
    assert leics["value"] == 87.8
    assert leics["mad_from_median"] == pytest.approx((87.8 - median) / mad)
    assert leics["value_rank"] == 1 + (values > 87.8).sum()
    q1, q2, q3 = type7(0.25), type7(0.5), type7(0.75)
    assert leics["value_quartile"] == 1 + (q1 < 87.8) + (q2 < 87.8) + (q3 < 87.8)
    assert leics["quartile"] == 1 + (q1 >= 87.8) + (q2 >= 87.8) + (q3 >= 87.8)  # high is good: 1 = best
    assert table["rank_of"].eq(151).all() and table["missing"].eq(councils - 151).all()
    assert table["group_pooled"].isna().all()  # values only: nothing to pool


def test_nearest_neighbour_group_and_the_focus_council(oflog_dir):
    table = _rank_csv(
        oflog_dir, "--metric", "ASC5", "--period", "2022-23", "--group", "neighbours", "--area", "E10000018"
    )
    nn = pd.read_csv(material("public-data", "oflog_nearest_neighbours.csv"))
    members = set(nn.loc[nn["area_code"] == "E10000018", "neighbour_code"])
    assert set(table["area_code"]) == members and len(members) == 16
    leics = table.set_index("area_code").loc["E10000018"]
    # 5th of 16: the second quartile by performance (band B), the third by value
    assert (leics["rank"], leics["rank_of"], leics["quartile"], leics["band"]) == (5, 16, 2, "B")
    assert leics["value_quartile"] == 3


def test_council_absent_in_a_year_is_not_ranked(oflog_dir):
    # North Northamptonshire (E06000061) exists from 2021-22; Northamptonshire (E10000021) before
    early = _rank_csv(oflog_dir, "--metric", "ASC5", "--period", "2019-20")
    late = _rank_csv(oflog_dir, "--metric", "ASC5", "--period", "2022-23")
    assert "E06000061" not in set(early["area_code"]) and "E06000061" in set(late["area_code"])
    assert "E10000021" in set(early["area_code"]) and "E10000021" not in set(late["area_code"])
    areas = pd.read_csv(oflog_dir / "areas.csv", dtype=str).set_index("area_code")
    assert areas.loc["E06000061", "valid_from"] == "2021-22"
    assert areas.loc["E10000021", ["valid_to", "successors"]].tolist() == ["2020-21", "E06000061;E06000062"]


def test_composite_theme_ranks_from_catalogue_tags(oflog_dir):
    out = CliRunner().invoke(
        cli,
        [
            "rank",
            "--data",
            str(oflog_dir),
            "--catalogue",
            str(ROOT / "catalogues" / "oflog-asc.yaml"),
            "--metric",
            "all",
            "--composite",
            "tag",
            "--period",
            "2021-22",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.stderr
    table = pd.read_csv(io.StringIO(out.stdout))
    assert set(table["theme"]) == {"survey", "carers", "quality-of-life", "information", "reablement"}
    # check one council's 'information' theme by hand: the mean of its ASC3 and ASC4 ranks
    single = {
        m: _rank_csv(oflog_dir, "--metric", m, "--period", "2021-22").set_index("area_code") for m in ("ASC3", "ASC4")
    }
    row = table[(table["theme"] == "information") & (table["area_code"] == "E10000018")].iloc[0]
    assert row["mean_rank"] == pytest.approx(
        (single["ASC3"].loc["E10000018", "rank"] + single["ASC4"].loc["E10000018", "rank"]) / 2
    )
    assert row["metrics"] == 2


def test_rate_gains_rank_and_quartile(oflog_dir):
    out = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(oflog_dir),
            "--catalogue",
            str(ROOT / "catalogues" / "oflog-asc.yaml"),
            "--area",
            "E10000018",
            "--period",
            "2022-23",
            "--metric",
            "ASC5",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.stderr
    row = next(csv.DictReader(io.StringIO(out.stdout)))
    raw = pd.read_csv(material("public-data", "oflog_asc_outcomes_2019_2023.csv"))
    raw = raw[(raw["Code"] == "ASC5") & (raw["Financial year"] == "2022-23")]
    better = int((raw["Value"] > 87.8).sum())
    assert (row["group"], row["rank"], row["rank_of"], row["quartile"], row["band"]) == (
        "all",
        str(better + 1),
        "151",
        "1",
        "A",
    )
    assert (row["value_quartile"], row["quartile_basis"]) == ("4", "performance")


def test_quintile_rating_method(oflog_dir, tmp_path):
    text = (
        (ROOT / "catalogues" / "oflog-asc.yaml")
        .read_text()
        .replace(
            "polarity: high, source: ASCOF (SALT) via Oflog,",
            "polarity: high, rating: {method: quintile}, source: ASCOF (SALT) via Oflog,",
        )
    )
    (tmp_path / "q.yaml").write_text(text)
    out = CliRunner().invoke(
        cli,
        [
            "rate",
            "--data",
            str(oflog_dir),
            "--catalogue",
            str(tmp_path / "q.yaml"),
            "--area",
            "E10000018",
            "--period",
            "2022-23",
            "--metric",
            "ASC5",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.stderr
    row = next(csv.DictReader(io.StringIO(out.stdout)))
    raw = pd.read_csv(material("public-data", "oflog_asc_outcomes_2019_2023.csv"))
    v = np.sort(raw[(raw["Code"] == "ASC5") & (raw["Financial year"] == "2022-23")]["Value"].dropna().to_numpy())
    quintile = 1 + sum(np.percentile(v, p) < 87.8 for p in (20, 40, 60, 80))
    words = {5: "best", 4: "better", 3: "middle", 2: "worse", 1: "worst"}
    assert (row["quintile"], row["rating"], row["method"]) == (str(quintile), words[quintile], "quintile")


def _reference(values_by_group, polarity):
    """Per group, the slow obvious way: numpy's linear percentiles, the median of absolute
    deviations, and ranks by counting."""
    out = {}
    for g, vals in values_by_group.items():
        v = np.asarray(vals, dtype=float)
        median = np.percentile(v, 50)
        mad = np.percentile(np.abs(v - median), 50)
        for i, x in enumerate(v):
            better = (v > x).sum() if polarity == "high" else (v < x).sum()
            out[(g, f"A{i:02d}")] = {
                "value_rank": 1 + (v > x).sum(),
                "rank": 1 + better,
                "median": median,
                "p10": np.percentile(v, 10),
                "p90": np.percentile(v, 90),
                "mad": mad,
                "mean": v.mean(),
            }
    return out


@pytest.mark.parametrize("seed", range(25))
def test_vectorised_positions_equal_per_group_arithmetic(seed):
    """Random groups (1-40 members, many ties) in random row order: ranks, quantiles and the
    MAD (found without a second sort) equal the per-group calculation exactly."""
    rng = np.random.default_rng(seed)
    polarity = "high" if seed % 2 else "low"
    groups = {
        f"{2000 + g}-12-31": (
            rng.integers(0, 6, rng.integers(1, 41)).astype(float)
            if seed % 3
            else np.round(rng.normal(50, 10, rng.integers(1, 41)), 1)
        )
        for g in range(rng.integers(1, 12))
    }  # one group per period (a snapshot date)
    rows = [
        {
            "metric_id": "m",
            "area_code": f"A{i:02d}",
            "period": period,
            "value": x,
            "value_basis": "published",
            "numerator": np.nan,
            "denominator": np.nan,
        }
        for period, vals in groups.items()
        for i, x in enumerate(vals)
    ]
    vals = pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)
    metrics = pd.DataFrame(
        {
            "metric_id": ["m"],
            "polarity": [polarity],
            "range_low": [np.nan],
            "range_high": [np.nan],
            "statistic": ["published"],
            "multiplier": [1.0],
        }
    )
    members = pd.DataFrame({"group": "g", "area_code": sorted(vals["area_code"].unique())})
    got = positions(vals, metrics, members)
    ref = _reference(groups, polarity)
    assert len(got) == len(vals)
    for row in got.itertuples():
        r = ref[(str(row.period), str(row.area_code))]
        assert (row.value_rank, row.rank) == (r["value_rank"], r["rank"])
        assert row.group_median == pytest.approx(r["median"], rel=1e-12, abs=1e-12)
        assert row.p10 == pytest.approx(r["p10"], rel=1e-12, abs=1e-12)
        assert row.p90 == pytest.approx(r["p90"], rel=1e-12, abs=1e-12)
        assert row.mad == pytest.approx(r["mad"], rel=1e-12, abs=1e-12)
        assert row.group_mean == pytest.approx(r["mean"], rel=1e-12)
    order = list(zip(got["period"].astype(str), got["value_rank"], got["area_code"].astype(str), strict=True))
    assert order == sorted(order)


@pytest.mark.parametrize("seed", [0, 1])
def test_per_group_table_sort_orders_as_one_stable_sort(seed):
    """From 100,000 rows each group is sorted in its own padded row: the order (group, value
    from the highest, area) must equal one chain of stable sorts, ties included."""
    from ascbench.engine.position import _group_value_order
    from ascbench.keys import stable_order

    rng = np.random.default_rng(seed)
    sizes = rng.integers(100, 160, 900)
    gid = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(gid)
    value = rng.integers(0, 30, len(gid)).astype(float) if seed else np.round(rng.normal(size=len(gid)), 2)
    area = rng.permutation(len(gid))
    assert len(gid) >= 100_000
    got, want = _group_value_order(gid, value, area), stable_order(area, -value, gid)
    assert np.array_equal(got, want)
