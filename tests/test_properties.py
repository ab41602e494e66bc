"""Property tests: for any catalogue entry and any data rows, the pipeline either returns a
result or raises the tool's own AscbenchError - never anything else."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ascbench.errors import AscbenchError
from tools.fuzz import HOSTILE, run_pipeline

AREAS = ["A1", "A2", "ENG", "ZZ9"]
PERIODS = [
    "2023-24",
    "2024-25",
    "2024-25-YTD-Q3",
    "2025-26-YTD-Q3",
    "R12-2025-Sep",
    "2025-03-31",
    "2025-12-31",
    "AY2025-26-T1",
    "AY2024-25",
    "2025-13",
    "Q3",
    "",
]
MEASURES = ["n1", "d1", "p1", "t1", "bad measure", ""]

cell = st.one_of(
    st.integers(-5, 10**6).map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr), st.sampled_from(HOSTILE)
)
row = st.tuples(
    st.sampled_from(AREAS),
    st.sampled_from(PERIODS),
    st.sampled_from(MEASURES),
    cell,
    st.sampled_from(["", "", "suppressed", "implied", "nonsense"]),
)
tolerance = st.one_of(st.floats(-1, 100, allow_nan=False), st.sampled_from(["2%", "x", "-1%", "5 %"]), st.none())
comparator = st.one_of(
    st.fixed_dictionaries({"area": st.sampled_from(["national", "peer", "A2", "nowhere"])}),
    st.fixed_dictionaries(
        {
            "measure": st.sampled_from(["t1", "missing"]),
            "period": st.sampled_from(["same", "containing", "latest", "2024-25", "Q9"]),
        }
    ),
    st.fixed_dictionaries({"type": st.just("baseline"), "period": st.sampled_from(["year_end", "2025-03-31"])}),
    st.fixed_dictionaries({"value": st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=3))}),
)
metric = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["m1", "m2", "bad id"]),
        "title": st.text(max_size=20),
        "statistic": st.sampled_from(["proportion", "rate", "count", "score", "published", "ratio"]),
    },
    optional={
        "numerator": st.sampled_from(MEASURES[:4]),
        "denominator": st.sampled_from(MEASURES[:4]),
        "value": st.sampled_from(["p1", "n1"]),
        "multiplier": st.one_of(st.floats(-10, 1e6, allow_nan=False), st.just("x")),
        "decimals": st.integers(-2, 8),
        "polarity": st.sampled_from(["high", "low", "none", "range", "up"]),
        "range": st.lists(st.floats(0, 100, allow_nan=False), min_size=0, max_size=3),
        "comparators": st.lists(comparator, max_size=3),
        "rating": st.fixed_dictionaries(
            {},
            optional={
                "method": st.sampled_from(["tolerance", "target", "ci_overlap", "ci_overlap_both", "spc998", "zzz"]),
                "similar_within": tolerance,
            },
        ),
        "direction": st.fixed_dictionaries(
            {},
            optional={
                "method": st.sampled_from(["tolerance", "ci_overlap", "none"]),
                "previous": st.sampled_from(
                    ["year_earlier", "preceding", "year_end", "2024-25", ["preceding", "year_end"]]
                ),
                "compare_unequal_periods": st.booleans(),
            },
        ),
        "scale": st.sampled_from(["none", "thousands", "lots"]),
    },
)


def write_case(root: Path, metrics: list, rows: list) -> tuple[Path, Path]:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "areas.csv").write_text(
        "area_code,area_name,area_type\nA1,One,unitary\nA2,=Two,county\nENG,England,national\n"
    )
    (data / "dataset.yaml").write_text("default_area: A1\nroles: {national: ENG, peer: A2}\n")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["area_code", "period", "measure", "value", "status"])
    writer.writerows(rows)
    (data / "observations.csv").write_text(buf.getvalue())
    catalogue = root / "metrics.yaml"
    catalogue.write_text(yaml.safe_dump({"metrics": metrics}, allow_unicode=True))
    return catalogue, data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(metric, min_size=1, max_size=3), st.lists(row, min_size=0, max_size=25))
def test_pipeline_returns_a_result_or_raises_its_own_error(metrics, rows):
    with tempfile.TemporaryDirectory() as tmp:
        catalogue, data = write_case(Path(tmp), metrics, rows)
        try:
            run_pipeline(catalogue, data)
        except AscbenchError as exc:
            assert "\n" not in exc.one_line()


VALID_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["A1", "A2", "ENG"]),
        st.sampled_from(PERIODS[:9]),
        st.sampled_from(["n1", "d1", "p1", "t1"]),
        st.one_of(st.integers(0, 5000).map(str), st.sampled_from(["c", "[x]", ""])),
        st.just(""),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: r[:3],
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALID_ROWS)
def test_valid_data_never_fails_and_suppressed_never_becomes_zero(rows):
    metrics = [
        {
            "id": "m",
            "title": "M",
            "statistic": "rate",
            "numerator": "n1",
            "denominator": "d1",
            "polarity": "low",
            "comparators": [{"area": "national"}, {"measure": "t1"}],
        },
        {
            "id": "c",
            "title": "C",
            "statistic": "count",
            "numerator": "n1",
            "polarity": "high",
            "comparators": [{"type": "baseline"}],
        },
    ]
    with tempfile.TemporaryDirectory() as tmp:
        catalogue, data = write_case(Path(tmp), metrics, rows)
        from ascbench.catalogue import load_catalogue
        from ascbench.engine import build_results
        from ascbench.engine.data import load as load_dataset

        try:
            results, values, _ = build_results(load_catalogue(catalogue), load_dataset(data))
        except AscbenchError as exc:
            assert "no values for the chosen area" in str(exc)
            return
        suppressed = {(a, p) for a, p, m, v, _ in rows if m == "n1" and v in ("c", "[x]")}
        for _, r in values[values["metric_id"] == "c"].iterrows():
            if (r["area_code"], r["period"]) in suppressed:
                assert r["value"] != r["value"]  # NaN, never 0
                assert r["status"] in ("suppressed", "not available")
