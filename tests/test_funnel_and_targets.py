"""The catalogue's funnel ratings, range targets, target limit convention and quantile groups,
end to end on a small made-up group of councils whose figures are worked out here."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

from ascbench import stats
from ascbench.cli import cli

# ten councils: carers assessed (numerator, denominator); C01 is the council
COUNTS = {
    "C01": (900, 1000),
    "C02": (700, 1000),
    "C03": (720, 1000),
    "C04": (150, 200),
    "C05": (730, 1000),
    "C06": (3550, 5000),
    "C07": (690, 1000),
    "C08": (71, 100),
    "C09": (1420, 2000),
    "C10": (735, 1000),
}

CATALOGUE = textwrap.dedent("""\
    metrics:
      - id: assessed
        code: T1
        title: Carers assessed
        statistic: proportion
        numerator: assessed
        denominator: carers
        polarity: high
        rating: {method: funnel95}
        quantiles: {groups: 3, method: phe_rank}
      - id: assessed998
        code: T2
        title: Carers assessed (99.8%)
        statistic: proportion
        numerator: assessed
        denominator: carers
        polarity: high
        rating: {method: funnel998}
      - id: in_range
        code: T3
        title: Carers assessed against a target range
        statistic: proportion
        numerator: assessed
        denominator: carers
        polarity: high
        range_target: [80, 90]
        rating: {method: range_target}
      - id: in_range_low
        code: T3L
        title: Carers assessed against a target range, low is good
        statistic: proportion
        numerator: assessed
        denominator: carers
        polarity: low
        range_target: [80, 90]
        rating: {method: range_target}
      - id: in_range_low_mirrored
        code: T3M
        title: Carers assessed against a target range, low is good, mirrored edges
        statistic: proportion
        numerator: assessed
        denominator: carers
        polarity: low
        range_target: [80, 90]
        rating: {method: range_target, range_edges: mirrored}
      - id: target_limit
        code: T4
        title: Carers assessed against a target, limit equal counts
        statistic: proportion
        numerator: assessed
        denominator: carers
        polarity: high
        comparators:
          - {type: value, value: TARGET, label: target}
        rating: {method: ci_overlap95, limits_equal_target: significant}
    """)


@pytest.fixture()
def group(tmp_path):
    lo, _ = stats.wilson_limits(900, 1000)
    target = float(lo) * 100  # the 95% lower limit of C01, exactly
    (tmp_path / "metrics.yaml").write_text(CATALOGUE.replace("TARGET", repr(target)), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    rows = ["area_code,period,measure,value"]
    for code, (x, n) in COUNTS.items():
        rows += [f"{code},2024-25,assessed,{x}", f"{code},2024-25,carers,{n}"]
    (data / "observations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    areas = ["area_code,area_name,area_type"] + [f"{c},Council {c[1:]},unitary" for c in COUNTS]
    (data / "areas.csv").write_text("\n".join(areas) + "\n", encoding="utf-8")
    (data / "dataset.yaml").write_text("default_area: C01\n", encoding="utf-8")
    return tmp_path


def _rate(path, *extra):
    out = CliRunner().invoke(
        cli,
        ["rate", "--catalogue", str(path / "metrics.yaml"), "--data", str(path / "data"), "--format", "json", *extra],
    )
    assert out.exit_code == 0, out.output
    return {r["metric_id"]: r for r in json.loads(out.stdout)}


def test_funnel_rating_against_the_pooled_average(group):
    rows = _rate(group)
    x = np.array([v[0] for v in COUNTS.values()], dtype=float)
    n = np.array([v[1] for v in COUNTS.values()], dtype=float)
    average = x.sum() / n.sum()
    # 90% of 1,000 against a pooled 72.7%: far above the 99.8% limits
    assert rows["assessed"]["funnel"] == "High (0.001)"
    assert rows["assessed"]["funnel_average"] == pytest.approx(average)
    assert rows["assessed"]["funnel_of"] == 10
    assert rows["assessed"]["rating"] == "better" and rows["assessed"]["rag"] == "green"
    assert rows["assessed998"]["rating"] == "better"
    assert "funnel" in rows["assessed"]["rating_rule"]


def test_range_target_rates_by_direction(group):
    rows = _rate(group)
    assert rows["in_range"]["rating"] == "better"  # 90% is at the upper bound of [80, 90]
    assert rows["in_range"]["comparator"] == "target range 80-90"


def test_range_target_low_is_good_takes_fingertips_edges(group):
    rows = _rate(group)
    # 90% is on the upper bound of [80, 90): Fingertips says worse for low-is-good
    assert rows["in_range_low"]["rating"] == "worse" and rows["in_range_low"]["rag"] == "red"
    assert rows["in_range_low"]["rating_rule"] == "target range 80-90: below 80 is better, at or above 90 is worse"
    # ascbench's mirrored convention, asked for: the band is (80, 90], so 90% is similar
    assert rows["in_range_low_mirrored"]["rating"] == "similar"
    assert "at or below 80 is better, above 90 is worse" in rows["in_range_low_mirrored"]["rating_rule"]


def test_a_statistics_error_reaches_the_user_as_an_ascbench_error():
    """ascbench.stats raises StatsError (a ValueError); where the user's counts are at fault
    the funnel chart turns it into the one-line AscbenchError, naming the field."""
    import pandas as pd

    from ascbench.engine.funnel import funnel_points
    from ascbench.errors import AscbenchError

    table = pd.DataFrame(
        {"area_code": ["C01", "C02", "C03"], "numerator": [5.0, 12.0, 7.0], "denominator": [10.0, 10.0, 10.0]}
    )
    with pytest.raises(AscbenchError) as err:
        funnel_points(table, "proportion", 100)
    assert err.value.location.field == "numerator"
    assert "greater than its denominator" in err.value.one_line()


def test_a_limit_equal_to_the_target_counts_as_significant_when_asked(group):
    rows = _rate(group)
    assert rows["target_limit"]["rating"] == "better"
    similar = (
        (group / "metrics.yaml")
        .read_text(encoding="utf-8")
        .replace("limits_equal_target: significant", "limits_equal_target: similar")
    )
    (group / "metrics.yaml").write_text(similar, encoding="utf-8")
    assert _rate(group)["target_limit"]["rating"] == "similar"


def test_rank_gives_quantile_groups_cut_points_and_a_funnel(group, tmp_path):
    svg = tmp_path / "funnel.svg"
    args = [
        "rank",
        "--catalogue",
        str(group / "metrics.yaml"),
        "--data",
        str(group / "data"),
        "--metric",
        "assessed",
        "--format",
        "json",
        "--funnel",
        str(svg),
    ]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    table = {r["area_code"]: r for r in json.loads(out.stdout)}
    values = np.array([x / n * 100 for x, n in COUNTS.values()])
    want = stats.quantile_groups(values, 3, method="phe_rank")
    assert [table[c]["quantile"] for c in COUNTS] == list(want)
    assert table["C01"]["quantile"] == 3 and table["C01"]["quantile_of"] == 3
    cuts = [float(c) for c in table["C01"]["quantile_cuts"].split(" | ")]
    assert cuts == pytest.approx(list(np.quantile(values, [1 / 3, 2 / 3])), rel=1e-5)
    assert table["C01"]["group_min"] == pytest.approx(69.0) and table["C01"]["group_max"] == pytest.approx(90.0)
    text = svg.read_text(encoding="utf-8")
    assert text.count("<circle") == 10 and text.count("<polyline") == 4
    assert 'role="img"' in text and "1 above and 0 below the 99.8% limits" in text
    assert "Council 01 90.0%, above the 99.8% limits" in text
    again = tmp_path / "again.svg"
    CliRunner().invoke(cli, args[:-1] + [str(again)])
    assert again.read_bytes() == svg.read_bytes()


def test_trend_statistic_is_in_the_results(group):
    rows = _rate(group)
    assert "trend_statistic" in rows["assessed"]


def test_the_dashboard_draws_a_funnel_for_metrics_with_counts_for_every_member(group, tmp_path):
    out = tmp_path / "out"
    args = ["dashboard", "--catalogue", str(group / "metrics.yaml"), "--data", str(group / "data"), "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = (out / "dashboard.html").read_text(encoding="utf-8")
    assert page.count('id="funnel-assessed-t"') == 1
    assert "T1 Carers assessed: funnel plot, 2024/25" in page
    pooled = sum(x for x, _ in COUNTS.values()) / sum(n for _, n in COUNTS.values()) * 100  # 9,666 of 13,300
    assert f"10 councils around a pooled average of {pooled:.1f}%" in page and f"{pooled:.1f}" == "72.7"
    first = page
    CliRunner().invoke(cli, args)
    assert (out / "dashboard.html").read_text(encoding="utf-8") == first


def test_rate_gives_each_councils_quantile_and_a_phe_rank_quintile_rating(group):
    text = (group / "metrics.yaml").read_text(encoding="utf-8")
    text += textwrap.indent(
        textwrap.dedent("""\
        - id: quint_phe
          code: T5
          title: Carers assessed, PHE quintiles
          statistic: proportion
          numerator: assessed
          denominator: carers
          polarity: high
          rating: {method: quintile}
          quantiles: {groups: 5, method: phe_rank}
        """),
        "  ",
    )
    (group / "metrics.yaml").write_text(text, encoding="utf-8")
    rows = _rate(group)
    values = np.array([x / n * 100 for x, n in COUNTS.values()])
    assert rows["assessed"]["quantile"] == stats.quantile_groups(values, 3, method="phe_rank")[0]
    assert rows["assessed"]["quantile_of"] == 3
    q = stats.quantile_groups(values, 5, method="phe_rank")[0]  # C01, the highest value: quintile 5
    assert q == 5 and rows["quint_phe"]["rating"] == "best" and "PHE's rank method" in rows["quint_phe"]["rating_rule"]


def test_explain_states_the_rule_comparator_and_tolerance_rate_used_for_every_method():
    """For each rating method, explain's rating line names what rate's row holds: the rating,
    the method, the rule, the comparator's type and label, and the tolerance (or that the
    method's limits decide); no method is called 'for information' when rate rates it; every
    comparator_type rate writes is one docs/results.md lists."""
    import io
    import re

    import pandas as pd

    from tests.conftest import FIXTURES, ROOT

    runs = [
        (FIXTURES / "q1town" / "metrics.yaml", FIXTURES / "q1town" / "data"),
        (FIXTURES / "q1-2022-23" / "metrics.yaml", FIXTURES / "q1-2022-23" / "data"),
        (None, None),
    ]
    documented = re.search(r"\| `comparator_type` \|(.*)\|", (ROOT / "docs" / "results.md").read_text()).group(1)
    seen = set()
    for catalogue, data in runs:
        where = ["--catalogue", str(catalogue), "--data", str(data)] if catalogue else []
        out = CliRunner().invoke(cli, ["rate", "--format", "csv", *where])
        assert out.exit_code == 0, out.stderr
        rows = pd.read_csv(io.StringIO(out.stdout), keep_default_na=False)
        for r in rows.to_dict("records"):
            if r["comparator_type"]:
                assert f"`{r['comparator_type']}`" in documented, r["comparator_type"]
            if not r["method"] or r["method"] in seen:
                continue
            seen.add(r["method"])
            text = " ".join(CliRunner().invoke(cli, ["explain", r["metric_id"], *where]).stdout.split())
            line = text[text.index(" rating ") :]
            assert line.startswith(f" rating {r['rating']} ({r['rag']}) by "), (r["metric_id"], line[:80])
            assert f"rule: {r['rating_rule']}" in line
            assert f"comparator ({r['comparator_type']}): {r['comparator']}" in line
            assert "tolerance: " in line and "for information" not in text
    assert {"tolerance", "target", "band"} <= seen
