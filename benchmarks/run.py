"""ascbench at national scale, measured side by side.

    python benchmarks/run.py                      # 10k, 100k and 1M metric rows
    python benchmarks/run.py --sizes 10000 100000 1000000 10000000
    python benchmarks/run.py --quick              # 10k and 100k, for a smoke run

For each size the seeded generator (benchmarks/generate.py) writes a data directory, and the
full pipeline runs stage by stage - load, rates with 95% and 99.8% intervals, comparisons with
the pooled England benchmark, ranks and quartiles per metric and year, CSV out - printing rows
per second and the peak resident memory of each stage. Then, on the same 1M rows, the interval
functions are set beside a bare numpy/scipy implementation of the same formulas, a naive
per-row implementation, and the PHEindicatormethods port on PyPI (phstatsmethods, on a small
sample, when it is installed), with the ratio and the largest difference in results. The
start-up of ``ascbench --help`` and ``ascbench rate`` as whole processes is measured first,
on a quiet machine. Targets are printed
beside the figures; nothing here is a test.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


class PeakRSS:
    """Samples the process's resident memory every 5 ms; ``peak`` is the largest seen (MB)."""

    def __init__(self):
        self.peak = 0.0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self) -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page / 2**20

    def __enter__(self):
        self.peak = self._rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def stage(name, rows, fn, table):
    with PeakRSS() as mem:
        start = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - start
    table.append((name, rows, seconds, rows / seconds if seconds else float("inf"), mem.peak))
    return out


def pipeline(size: int, work: Path, repeat: int = 1) -> list[tuple]:
    """The pipeline on ``size`` generated rows, ``repeat`` times, each in a fresh process (as
    a command runs): each stage's (name, rows, first-run seconds, best seconds, largest peak
    RSS MB). The best is timeit's convention: slower runs measure interference from the rest
    of the machine, not the code."""
    import generate

    directory = work / f"n{size}"
    dims = generate.write(directory, size)
    rows = dims[0] * dims[1] * dims[2]
    runs = [in_fresh_process("stages", directory, rows) for _ in range(repeat)]
    shutil.rmtree(directory, ignore_errors=True)
    return [
        (name, rows, runs[0][i][2], min(r[i][2] for r in runs), max(r[i][4] for r in runs))
        for i, (name, *_) in enumerate(runs[0])
    ]


def _pipeline_once(directory: Path, rows: int) -> list[tuple]:

    from ascbench.catalogue import load_catalogue
    from ascbench.engine.data import load as load_dataset
    from ascbench.engine.groups import group_values
    from ascbench.engine.intervals import add_intervals
    from ascbench.engine.position import positions
    from ascbench.engine.rules import judge, judge_interval
    from ascbench.engine.values import metric_values
    from ascbench.io.atomic import write_atomic
    from ascbench.render.csv_out import write as csv_write

    table: list[tuple] = []
    catalogue, dataset = stage(
        "load", rows, lambda: (load_catalogue(directory / "metrics.yaml"), load_dataset(directory / "data")), table
    )

    metrics = catalogue.metrics_frame()
    values = stage(
        "rates + 95/99.8% intervals",
        rows,
        lambda: add_intervals(metric_values(metrics, dataset.observations), metrics),
        table,
    )

    def compare():
        import pandas as pd

        groups = pd.DataFrame({"group_code": "ALL", "member_code": dataset.areas["area_code"]})
        bench = group_values(values, metrics, groups).rename(columns={"pooled": "benchmark"})
        v = values.merge(bench[["metric_id", "period", "benchmark"]], on=["metric_id", "period"], how="left")
        polarity = v["metric_id"].map(metrics.set_index("metric_id")["polarity"])
        v["ci"] = judge_interval(v["lower95"], v["upper95"], v["benchmark"], polarity)
        v["band"] = judge(v["value"], v["benchmark"], polarity, "tolerance", 2.0, False)
        return v

    compared = stage("comparisons (CI overlap, tolerance)", rows, compare, table)
    members = dataset.areas[["area_code"]].assign(group="all")
    ranked = stage("ranks + quartiles per metric-year", rows, lambda: positions(values, metrics, members), table)
    out = directory / "results.csv"
    stage("CSV out", rows, lambda: write_atomic(out, lambda handle: csv_write(compared, handle)), table)
    del ranked
    return table


# --------------------------------------------------------------- interval implementations
def bare_numpy(x, n, z):
    """The formulas written straight in numpy/scipy: the practical limit."""
    from scipy.stats import chi2

    root = z * np.sqrt(z * z + 4 * x * (1 - x / n))
    wl, wu = (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))
    with np.errstate(divide="ignore", invalid="ignore"):
        bl = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    x1 = x + 1
    bu = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    small = x < 10
    bl = np.where(x == 0, 0.0, bl)
    bl[small] = chi2.ppf(0.025, 2 * x[small]) / 2
    bu[small] = chi2.ppf(0.975, 2 * x[small] + 2) / 2
    return wl, wu, np.nan_to_num(bl), bu


def ascbench_stats(x, n, z):
    from ascbench import stats

    wl, wu = stats.wilson_limits(x, n, 0.95)
    bl, bu = stats.poisson_limits(x, 0.95)
    return wl, wu, bl, bu


def naive(x, n, z):
    from scipy.stats import chi2

    out = [np.empty(len(x)) for _ in range(4)]
    for i in range(len(x)):
        xi, ni = float(x[i]), float(n[i])
        root = z * math.sqrt(z * z + 4 * xi * (1 - xi / ni))
        out[0][i] = (2 * xi + z * z - root) / (2 * (ni + z * z))
        out[1][i] = (2 * xi + z * z + root) / (2 * (ni + z * z))
        if xi < 10:
            out[2][i] = chi2.ppf(0.025, 2 * xi) / 2 if xi > 0 else 0.0
            out[3][i] = chi2.ppf(0.975, 2 * xi + 2) / 2
        else:
            out[2][i] = xi * (1 - 1 / (9 * xi) - z / (3 * math.sqrt(xi))) ** 3
            out[3][i] = (xi + 1) * (1 - 1 / (9 * (xi + 1)) + z / (3 * math.sqrt(xi + 1))) ** 3
    return tuple(out)


def phstats(x, n, z):
    import pandas as pd
    import PHStatsMethods as ph

    df = pd.DataFrame({"x": x, "n": n})
    p = ph.ph_proportion(df, "x", "n", confidence=0.95)
    r = ph.ph_rate(df, "x", "n", confidence=0.95, multiplier=1)
    lo = [c for c in p.columns if "lower" in c.lower()][0]
    up = [c for c in p.columns if "upper" in c.lower()][0]
    rl = [c for c in r.columns if "lower" in c.lower()][0]
    ru = [c for c in r.columns if "upper" in c.lower()][0]
    return p[lo].to_numpy(float), p[up].to_numpy(float), r[rl].to_numpy(float) * n, r[ru].to_numpy(float) * n


def side_by_side(rows: int = 1_000_000) -> list[tuple]:
    rng = np.random.default_rng(7)
    n = rng.integers(1, 20_000, rows).astype(float)
    x = rng.binomial(n.astype(int), rng.uniform(0.0005, 0.9, rows)).astype(float)
    x[: rows // 20] = rng.integers(0, 10, rows // 20)  # 5% small counts: exact limits
    x = np.minimum(x, n)
    z = 1.959963984540054
    out = []
    import scipy.special  # noqa: F401  (imports are not part of the timings)
    import scipy.stats  # noqa: F401

    bare_numpy(x[:100], n[:100], z)
    ascbench_stats(x[:100], n[:100], z)
    t = time.perf_counter()
    reference = bare_numpy(x, n, z)
    t_np = time.perf_counter() - t
    out.append(("bare numpy/scipy", rows, t_np, 1.0, 0.0))
    t = time.perf_counter()
    ours = ascbench_stats(x, n, z)
    t_ours = time.perf_counter() - t
    diff = max(
        float(np.nanmax(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))) for a, b in zip(ours, reference, strict=False)
    )
    out.append(("ascbench.stats", rows, t_ours, t_ours / t_np, diff))
    sample = 20_000
    t = time.perf_counter()
    naive_out = naive(x[:sample], n[:sample], z)
    t_naive = (time.perf_counter() - t) * rows / sample
    diff = max(
        float(np.nanmax(np.abs(a - b[:sample]) / np.maximum(np.abs(b[:sample]), 1e-300)))
        for a, b in zip(naive_out, reference, strict=False)
    )
    out.append((f"naive per-row (timed on {sample:,}, scaled)", rows, t_naive, t_naive / t_np, diff))
    try:
        import PHStatsMethods  # noqa: F401
    except ImportError:
        out.append(
            (
                "phstatsmethods: not installed (pip install phstatsmethods)",
                rows,
                float("nan"),
                float("nan"),
                float("nan"),
            )
        )
    else:
        sample = 2_000
        xs, ns = x[:sample], n[:sample]
        try:
            phstats(np.array([0.0]), np.array([10.0]), z)
        except ValueError:
            out.append(
                (
                    "phstatsmethods: fails on a zero count (ascbench gives lower limit 0)",
                    1,
                    float("nan"),
                    float("nan"),
                    float("nan"),
                )
            )
        keep = xs > 0
        ref = [r[:sample][keep] for r in reference]
        t = time.perf_counter()
        ph_out = phstats(xs[keep], ns[keep], z)
        t_ph = (time.perf_counter() - t) * rows / int(keep.sum())
        diff = max(
            float(np.nanmax(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))) for a, b in zip(ph_out, ref, strict=False)
        )
        out.append((f"phstatsmethods (timed on {sample:,}, scaled)", rows, t_ph, t_ph / t_np, diff))
    return out


def methods_side_by_side(rows: int = 1_000_000) -> list[tuple]:
    """The newer methods on ``rows`` rows against the same formulas in bare numpy/scipy:
    DSR (Dobson) over 19 age bands of rows/19 areas, SMR, funnel limits for proportions and
    funnel significance for ratios."""
    import pandas as pd
    from scipy.special import gammaincinv

    from ascbench import stats

    rng = np.random.default_rng(11)
    areas = rows // 19
    n = rng.integers(200, 20_000, areas * 19).astype(float)
    x = rng.poisson(n * 0.01).astype(float)
    w = np.tile(stats.esp2013()["population"].to_numpy(float), areas)
    key = np.repeat(np.arange(areas), 19)
    out = []

    def timed(fn):
        t = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - t

    def bare_dsr():
        frame = pd.DataFrame({"k": key, "x": x, "w": w, "wt": x * w / n, "sq": x * (w / n) ** 2})
        s = frame.groupby("k")[["x", "w", "wt", "sq"]].sum().to_numpy()
        total, ws, wt, sq = s.T
        value = wt / ws * 1e5
        z = 1.959963984540054
        lo = total * (1 - 1 / (9 * total) - z / (3 * np.sqrt(total))) ** 3
        return value + np.sqrt(sq / ws**2 / total) * (lo - total) * 1e5

    ref, t_np = timed(bare_dsr)
    ours, t_ours = timed(lambda: stats.dsr(x, n, w, groups=key)["lower"].to_numpy())
    ok = ~np.isnan(ours)
    out.append(("dsr (Dobson): bare numpy", rows, t_np, 1.0, 0.0))
    out.append(
        (
            "dsr (Dobson): ascbench.stats.dsr",
            rows,
            t_ours,
            t_ours / t_np,
            float(np.nanmax(np.abs(ours[ok] - ref[ok]) / np.abs(ref[ok]))),
        )
    )
    rng.poisson(50, rows).astype(float)
    rng.uniform(20, 80, rows)

    ref_x = np.tile(rng.integers(100, 5_000, 19).astype(float), areas)
    ref_n = np.tile(rng.integers(40_000, 70_000, 19).astype(float), areas)

    def bare_smr():
        frame = pd.DataFrame({"k": key, "x": x, "e": ref_x / ref_n * n})
        o, e = frame.groupby("k")[["x", "e"]].sum().to_numpy().T
        lo = o * (1 - 1 / (9 * o) - 1.959963984540054 / (3 * np.sqrt(o))) ** 3
        small = o < 10
        lo[small] = np.where(o[small] > 0, gammaincinv(np.where(o[small] > 0, o[small], 1.0), 0.025), 0.0)
        return lo / e

    ref, t_np = timed(bare_smr)
    ours, t_ours = timed(lambda: stats.smr(x, n, ref_x, ref_n, groups=key)["lower"].to_numpy())
    out.append(("smr (19 bands an area): bare numpy/scipy", rows, t_np, 1.0, 0.0))
    out.append(
        (
            "smr (19 bands an area): ascbench.stats.smr",
            rows,
            t_ours,
            t_ours / t_np,
            float(np.nanmax(np.abs(ours - ref) / np.maximum(np.abs(ref), 1e-300))),
        )
    )
    pop = rng.integers(50, 100_000, rows).astype(float)

    def bare_funnel():
        from statistics import NormalDist

        a, z2 = 0.7, NormalDist().inv_cdf(0.975) ** 2
        first = a * (pop / z2 + 1)
        root = np.sqrt(
            (-8 * a * (pop / z2 + 1)) ** 2
            - 64 * (1 / z2 + 1 / pop) * a * (pop * (a * (pop / z2 + 2) - 1) + z2 * (a - 1))
        )
        return (first - root / 8) / (1 / z2 + 1 / pop) / pop

    ref, t_np = timed(bare_funnel)
    ours, t_ours = timed(lambda: stats.funnel.proportion_limit(0.7, pop, 0.975, "low"))
    out.append(("funnel limits (proportion): bare numpy", rows, t_np, 1.0, 0.0))
    out.append(
        (
            "funnel limits (proportion): ascbench",
            rows,
            t_ours,
            t_ours / t_np,
            float(np.nanmax(np.abs(ours - ref) / np.abs(ref))),
        )
    )
    return out


def spc_benchmark(series: int = 1_000, points: int = 36) -> list[tuple]:
    """Making Data Count SPC (``stats.xmr``) for ``series`` monthly series of ``points`` points
    in one vectorised call (best of 3), beside one call per series (every 10th series, scaled),
    with the largest difference in the limits and whether every point type agrees."""
    from ascbench import stats

    rng = np.random.default_rng(36)
    level = np.repeat(rng.uniform(50, 90, series), points)
    y = level + np.cumsum(rng.normal(0, 1.5, series * points)) * 0.3
    key = np.repeat(np.arange(series), points)
    x = np.tile(np.arange(points), series)
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        together, summary = stats.xmr(y, x, series=key, polarity="high", target=75.0)
        runs.append(time.perf_counter() - t)
    sample = range(0, series, 10)
    t = time.perf_counter()
    alone = [stats.xmr(y[key == k], x[key == k], polarity="high", target=75.0)[0] for k in sample]
    t_alone = (time.perf_counter() - t) * series / len(sample)
    mine = together[together["series"].isin(list(sample))]
    diff = float(np.max(np.abs(mine["upl"].to_numpy() - np.concatenate([a["upl"].to_numpy() for a in alone]))))
    same = bool((mine["point_type"].to_numpy() == np.concatenate([a["point_type"].to_numpy() for a in alone])).all())
    icons = summary["variation_icon"].value_counts().to_dict()
    return [
        (f"stats.xmr, {series:,} series x {points} points, one call", min(runs), diff, same, icons),
        (f"stats.xmr, one call per series (scaled from {len(sample)})", t_alone, 0.0, True, {}),
    ]


def cld_councils(n: int, system: str = "auto") -> list[str]:
    """The first ``n`` CASSR codes of the shipped table that ``ascbench cld`` reads without
    ``--area`` (``system`` ``auto``: not also another council's DfE number; ``cassr``: all 153)."""
    from ascbench.cld.areas import read_la_codes
    from ascbench.errors import AscbenchError
    from ascbench.identifiers import cassr_table

    table = cassr_table()
    codes = []
    for code in table[table["Council type"].str.strip() != ""]["cassr"]:
        try:
            read_la_codes([code], system=system)
        except AscbenchError:
            continue
        codes.append(code)
    if n > len(codes):
        raise SystemExit(f"only {len(codes)} councils' codes are read without --area ({system})")
    return codes[:n]


def cld_extracts(people: int, work: Path, councils: int = 1, system: str = "auto") -> tuple[list[Path], int]:
    """Seeded synthetic extracts: ``people`` split over ``councils`` files (one per council,
    each under a real council's CASSR code); kept in ``work`` for the next run."""
    from ascbench.cld.synth import synthesise

    paths, rows = [], 0
    for i, code in enumerate(cld_councils(councils, system)):
        path = work / f"cld-{people}-{councils}-{i}.csv"
        if not path.exists():
            synthesise(path, people // councils, seed=1 + i, la_code=code)
        paths.append(path)
        rows += sum(1 for _ in open(path, "rb")) - 1
    return paths, rows


def cld_benchmark(people: int, work: Path, engine: str = "pandas", councils: int = 1, memory: str = "") -> tuple:
    """CLD extracts (about 20 event rows a person) to ASCOF counts with one engine; the
    extracts are written first, outside the measurement."""
    from ascbench.cld.read import read_extracts
    from ascbench.cld.run import cld_run

    paths, rows = cld_extracts(people, work, councils)
    with PeakRSS() as mem:
        start = time.perf_counter()
        if engine == "duckdb":
            from ascbench.cld.duck_read import connect, read_extracts_duckdb

            session = connect(memory or None, work)
            try:
                cld_run(read_extracts_duckdb(session, paths), "2025-26")
            finally:
                session.close()
        else:
            cld_run(read_extracts(paths), "2025-26")
        seconds = time.perf_counter() - start
    return rows, seconds, mem.peak


def cld_national(args) -> None:
    """The national-sized run: ``--cld-national COUNCILS PEOPLE`` writes (once, into
    ``--cld-work``) one synthetic extract per council, every council of the CASSR table in
    turn, then times ``ascbench cld`` over all of them as a user runs it (a subprocess with
    ``--out``), reporting its wall time and peak resident memory."""
    import resource

    councils, people = args.cld_national
    work = Path(args.cld_work or tempfile.mkdtemp(prefix="ascbench-national-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    paths, rows = cld_extracts(people * councils, work, councils, system="cassr")
    print(f"{len(paths)} extracts, {rows:,} rows in {work} (written in {time.perf_counter() - started:.0f} s)")
    exe = shutil.which("ascbench") or str(Path(sys.executable).parent / "ascbench")
    cmd = [exe, "cld", *map(str, paths), "--period", "2025-26", "--la-codes", "cassr", "--out", str(work / "out")]
    if args.cld_memory:
        cmd += ["--memory-limit", args.cld_memory]
    cmd += ["--temp-dir", str(work / "tmp")]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode:
        raise SystemExit(f"ascbench cld failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    print(f"ascbench cld, {councils} councils, {rows:,} rows: {seconds:,.0f} s, peak RSS {peak:,.0f} MB")
    print(proc.stderr.splitlines()[0])


def in_fresh_process(kind: str, *args):
    """Run one pipeline (``stages``) or ``cld`` measurement in a new Python process, so that
    its first run and peak memory are its own (not what earlier runs left in the heap)."""
    import json

    cmd = [sys.executable, str(Path(__file__).resolve()), "--_run", kind, *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def startup(runs: int = 9) -> list[tuple]:
    exe = shutil.which("ascbench") or str(Path(sys.executable).parent / "ascbench")

    def median(cmd, cwd=ROOT):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, cwd=cwd, capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    click = median([sys.executable, "-c", "import click"])
    helps = median([exe, "--help"])
    rate = median([exe, "rate"])
    league = median([exe, "rank", "--metric", "ASCOF_2B", "--period", "2023-24"])
    return [
        ("python -c 'import click'", click, 1.0),
        ("ascbench --help", helps, helps / click),
        ("ascbench rate (default data with the national benchmark)", rate, float("nan")),
        ("ascbench rank --metric ASCOF_2B (152 councils)", league, float("nan")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="10k and 100k rows, a small side-by-side")
    parser.add_argument("--side-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of the pipeline per size up to 1M rows (best "
        "time and largest memory are shown); larger sizes run once",
    )
    parser.add_argument("--cld-memory", default="700MB", help="the DuckDB engine's memory limit in the CLD runs")
    parser.add_argument(
        "--cld-pandas-max", type=int, default=100_000, help="largest CLD run (people) for the pandas engine"
    )
    parser.add_argument("--cld-only", action="store_true", help="only the CLD runs")
    parser.add_argument(
        "--cld-national",
        type=int,
        nargs=2,
        metavar=("COUNCILS", "PEOPLE"),
        help="the national-sized CLD run: COUNCILS extracts of PEOPLE people each (153 x 16,500: 5x10^7 rows)",
    )
    parser.add_argument("--cld-work", default=None, help="where the national run's extracts are kept")
    parser.add_argument("--_run", nargs="+", help=argparse.SUPPRESS)  # internal: one measurement in a child
    args = parser.parse_args()
    if args._run:
        import json

        kind, *rest = args._run
        if kind == "stages":
            out = _pipeline_once(Path(rest[0]), int(rest[1]))
        else:
            out = cld_benchmark(int(rest[0]), Path(rest[1]), *rest[2:3], *map(int, rest[3:4]), *rest[4:5])
        print(json.dumps(out))
        return
    if args.cld_national:
        cld_national(args)
        return
    if args.cld_only:
        cld(args)
        return
    sizes = [10_000, 100_000] if args.quick else args.sizes
    side_rows = 100_000 if args.quick else args.side_rows
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    import pandas as pd

    print(f"numpy {np.__version__}, pandas {pd.__version__}")
    # start-up first, on a quiet machine, as an analyst meets it
    print("\nStart-up, whole processes (median of 9)")
    for name, seconds, ratio in startup():
        extra = "" if math.isnan(ratio) else f"  ({ratio:.1f}x import click)"
        print(f"{name:<40} {seconds:>7.3f} s{extra}")
    print("Targets: --help within 3x 'import click'; rate on the default data <= 0.8 s.")
    work = Path(tempfile.mkdtemp(prefix="ascbench-bench-"))
    try:
        print(
            f"\nFull pipeline (seeded data from benchmarks/generate.py; best of {args.repeat} runs up to 1M rows, "
            "each in a fresh process)"
        )
        print(
            f"{'stage':<38} {'metric rows':>12} {'first s':>8} {'best s':>8} {'rows/s (best)':>14} {'peak RSS MB':>12}"
        )
        verdicts = []
        for size in sizes:
            table = pipeline(size, work, args.repeat if size <= 1_000_000 else 1)
            if size == 1_000_000:
                first, load, peak = sum(t[2] for t in table), table[0][2], max(t[4] for t in table)
                met = "met" if first - load <= 3 and peak <= 1024 else "NOT met"
                verdicts.append(
                    f"1M rows, first run: {first:.2f} s in all ({first - load:.2f} s of compute after "
                    f"loading), peak {peak:,.0f} MB: target {met}"
                )
            for name, rows, first, best, peak in table:
                print(f"{name:<38} {rows:>12,} {first:>8.2f} {best:>8.2f} {rows / best:>14,.0f} {peak:>12,.0f}")
            first = sum(t[2] for t in table)
            best = sum(t[3] for t in table)
            print(
                f"{'  total':<38} {table[0][1]:>12,} {first:>8.2f} {best:>8.2f} {'':>14} "
                f"{max(t[4] for t in table):>12,.0f}"
            )
            print(
                f"{'  of which compute (all but load)':<38} {'':>12} {first - table[0][2]:>8.2f} "
                f"{best - table[0][3]:>8.2f}"
            )
        print("\nTarget: 1M rows through the pipeline in <= 3 s of compute with <= 1 GB peak; linear scaling.")
        for line in verdicts:
            print(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nInterval functions side by side (Wilson for proportions, Byar / exact Poisson below 10), "
        f"{side_rows:,} rows, 95%"
    )
    print(f"{'implementation':<48} {'seconds':>9} {'x numpy':>9} {'max rel. diff':>14}")
    for name, _rows, seconds, ratio, diff in side_by_side(side_rows):
        print(f"{name:<48} {seconds:>9.3f} {ratio:>9.1f} {diff:>14.2e}")
    print("Targets: ascbench within 2x bare numpy; results equal to 1e-9.")
    print(f"\nStandardised rates, ratios and funnels side by side, {side_rows:,} rows")
    print(f"{'implementation':<48} {'seconds':>9} {'x numpy':>9} {'max rel. diff':>14}")
    for name, _rows, seconds, ratio, diff in methods_side_by_side(side_rows):
        print(f"{name:<48} {seconds:>9.3f} {ratio:>9.1f} {diff:>14.2e}")
    print("Targets: each within 2x the bare implementation.")
    print("\nStatistical process control (Making Data Count XmR charts), vectorised over series")
    print(f"{'implementation':<56} {'seconds':>9} {'max |upl diff|':>15} {'types agree':>12}")
    for name, seconds, diff, same, icons in spc_benchmark():
        print(f"{name:<56} {seconds:>9.3f} {diff:>15.2e} {str(same):>12}")
        if icons:
            print(f"  variation icons: {icons}")
    print("Target: 1,000 series x 36 points in under 0.5 s, the same answer as one call per series.")
    cld(args)


def cld(args) -> None:
    """CLD to ASCOF counts with both engines: a county's year (0.5M rows), 2M and 5M rows, and
    many councils in one run; each in a fresh process."""
    work = Path(tempfile.mkdtemp(prefix="ascbench-cld-"))
    runs = [(2_500, 1)] if args.quick else [(25_000, 1), (100_000, 1), (250_000, 1), (100_000, 20)]
    print("\nClient Level Data to ASCOF counts (synthetic extracts, ascbench.cld.synth; each run in a fresh process)")
    print(f"{'extract':<34} {'engine':<8} {'seconds':>9} {'peak RSS MB':>12}")
    verdicts: list[str] = []
    try:
        for people, councils in runs:
            for engine in ("duckdb", "pandas"):
                if engine == "pandas" and people > args.cld_pandas_max:
                    continue
                memory = args.cld_memory if engine == "duckdb" else ""
                rows, seconds, peak = in_fresh_process("cld", people, work, engine, councils, memory)
                label = f"{rows:,} rows, {councils} council{'s' * (councils > 1)}"
                print(f"{label:<34} {engine:<8} {seconds:>9.2f} {peak:>12,.0f}")
                if engine == "duckdb" and rows > 4_000_000 and councils == 1:
                    met = "met" if seconds <= 60 and peak <= 1024 else "NOT met"
                    verdicts.append(f"{rows:,} rows: {seconds:.0f} s, {peak:,.0f} MB peak: 5M-row target {met}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        "Targets: a county's year (about 500,000 rows) in under 10 s and 2 GB; 5M rows within 60 s and 1 GB "
        f"(duckdb, --memory-limit {args.cld_memory})."
    )
    for line in verdicts:
        print(line)


if __name__ == "__main__":
    main()
