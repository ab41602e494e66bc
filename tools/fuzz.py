"""Mutation fuzzing of ascbench's inputs.

Takes the embedded catalogue and data, or a monthly tracker (:func:`tracker_files`: roll-ups
declared in the catalogue, files as pandas and R write them, a dataset.yaml naming them,
groups), applies random mutations (bytes, lines, cells, keys, encodings) to one file at a
time, and runs the whole pipeline in-process: validate, load, build the results, render
every format. The only acceptable failure is the tool's own
:class:`~ascbench.errors.AscbenchError`; anything else is reported with the mutation that
caused it.

    python tools/fuzz.py --iterations 10000 --seed 1      # by hand
    python tools/fuzz.py --iterations 100                 # CI runs a short one (tests/test_fuzz.py)

The importers (files in each published layout) and ``cld`` (a small synthetic extract, read
by both engines, the pandas reference and DuckDB) are fuzzed the same way by
:func:`fuzz_imports`.

Exit status 1 when an unexpected exception was found.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from ascbench.sources import embedded_catalogue, embedded_data

HOSTILE = [
    "",
    "c",
    "*",
    "[x]",
    "..",
    "-",
    "-1",
    "0",
    "1e309",
    "nan",
    "inf",
    "1,234",
    "45%",
    "=1+1",
    "@SUM(A1)",
    "\t",
    "2024-25",
    "2025-13-01",
    "R99-2025-Sep",
    "AY2025-26-T4",
    "E92000001",
    "é",
    "\u202e",
    "x" * 300,
    "'",
    '"',
    "null",
    "~",
    "[]",
    "{}",
    "&a",
    "*a",
    "!!python/object:os.system",
    "\x00",
]


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    lines = text.split("\n")
    kind = rng.choice(
        [
            "delete_char",
            "insert_char",
            "dup_line",
            "drop_line",
            "swap_lines",
            "replace_token",
            "truncate",
            "replace_cell",
            "indent",
            "empty",
        ]
    )
    if kind == "delete_char" and text:
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1 :], f"delete char {i}"
    if kind == "insert_char":
        i = rng.randrange(len(text) + 1)
        ch = rng.choice([",", ":", "-", " ", "\t", "\n", '"', "[", "{", "#", "&", "*", "!", "%", "\r"])
        return text[:i] + ch + text[i:], f"insert {ch!r} at {i}"
    if kind == "dup_line" and lines:
        i = rng.randrange(len(lines))
        return "\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :]), f"duplicate line {i + 1}"
    if kind == "drop_line" and lines:
        i = rng.randrange(len(lines))
        return "\n".join(lines[:i] + lines[i + 1 :]), f"drop line {i + 1}"
    if kind == "swap_lines" and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines), f"swap lines {i + 1} and {j + 1}"
    if kind == "truncate" and text:
        i = rng.randrange(len(text))
        return text[:i], f"truncate at {i}"
    if kind == "replace_cell" and lines:
        i = rng.randrange(len(lines))
        cells = lines[i].split(",")
        j = rng.randrange(len(cells))
        token = rng.choice(HOSTILE)
        cells[j] = token
        lines[i] = ",".join(cells)
        return "\n".join(lines), f"line {i + 1} cell {j + 1} := {token[:20]!r}"
    if kind == "indent" and lines:
        i = rng.randrange(len(lines))
        lines[i] = rng.choice(["", " ", "  ", "    ", "\t"]) + lines[i].lstrip()
        return "\n".join(lines), f"re-indent line {i + 1}"
    if kind == "empty":
        return "", "empty file"
    words = [w for w in set(text.replace("\n", " ").replace(",", " ").split(" ")) if w]
    if words:
        old, new = rng.choice(words), rng.choice(HOSTILE)
        return text.replace(old, new, 1), f"replace {old[:20]!r} with {new[:20]!r}"
    return text + rng.choice(HOSTILE), "append token"


def run_pipeline(catalogue: Path, data: Path) -> None:
    from ascbench.catalogue import load_catalogue
    from ascbench.engine import build_results
    from ascbench.engine.data import load as load_dataset
    from ascbench.errors import Problems
    from ascbench.render import FORMATS, render
    from ascbench.validation import check_measures, validate_all

    validate_all(catalogue, data)  # every check, roll-up notes and period names included
    cat = load_catalogue(catalogue)
    ds = load_dataset(data, catalogue=cat)  # as the commands read it: roll-ups by the catalogue
    problems = Problems()
    check_measures(cat, ds, problems)
    problems.raise_first()
    results, _, _ = build_results(cat, ds)
    for fmt in FORMATS:
        render(results, fmt, layers=cat.layers, width=100)
    render(results[["metric_id", "area_code", "value"]], "markdown")  # a plain frame, as rank writes


TRACKER_MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def tracker_files() -> dict[str, bytes]:
    """A second base to mutate: a council's monthly tracker (flows, a stock, a population
    repeated each month, a published percentage) with a catalogue that declares roll-ups,
    a dataset.yaml naming its files, groups, and observation files as pandas' to_csv (an
    index column) and R's write.csv (quoted, a "" header, a note over two lines) write them."""
    catalogue = """catalogue: {title: Tracker}
measures:
  open_cases: {aggregation: last}
  pct_reviewed.published: {aggregation: none, description: published monthly}
metrics:
  - id: adm
    code: 2.10
    title: Admissions per 100,000
    statistic: rate
    numerator: admissions
    denominator: population.65+
    polarity: low
    comparators: [{area: national}, {area: peer, basis: pooled}]
  - id: cases
    code: 010
    title: Open cases
    statistic: count
    numerator: open_cases
    aggregation: last
  - id: reviewed
    title: Reviewed
    statistic: proportion
    value: pct_reviewed.published
    polarity: high
    comparators: [{type: value, value: 80}]
"""
    areas = "area_code,area_name,area_type\nX1,One,unitary\nX2,Two,unitary\nXG,Peers,group\nXN,Nation,national\n"
    rows, pandas_rows, r_rows = [], [], []
    for i, mon in enumerate(TRACKER_MONTHS * 2):
        year = 2024 + (i // 12) + (1 if i % 12 >= 9 else 0)
        for area in ("X1", "X2", "XN"):
            rows.append(f"{area},{year}-{mon},admissions,{3 + i % 4}")
            rows.append(f"{area},{year}-{mon},population.65+,{12000 if area != 'XN' else 3000000}")
            pandas_rows.append(f"{area},{year}-{mon},open_cases,{5000 + i}")
            r_rows.append(f'"{area}","{year}-{mon}","pct_reviewed.published",{70 + i % 9},"a note\nover two lines"')
    files = {
        "metrics.yaml": catalogue,
        "data/areas.csv": areas,
        "data/groups.csv": "group_code,member_code\nXG,X1\nXG,X2\n",
        "data/dataset.yaml": "default_area: X1\nroles: {national: XN, peer: XG}\n"
        "observations: [observations.csv, pandas-*.csv, r-*.csv]\n",
        "data/observations.csv": "area_code,period,measure,value\n" + "\n".join(rows) + "\n",
        "data/pandas-cases.csv": ",area_code,period,measure,value\n"
        + "\n".join(f"{n},{r}" for n, r in enumerate(pandas_rows))
        + "\n",
        "data/r-reviewed.csv": '"","area_code","period","measure","value","note"\n'
        + "\n".join(f'"{n}",{r}' for n, r in enumerate(r_rows, start=1))
        + "\n",
    }
    return {name: text.encode("utf-8") for name, text in files.items()}


def fuzz(iterations: int, seed: int, verbose: bool = False) -> list[tuple[str, str, str]]:
    from ascbench.errors import AscbenchError

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="ascbench-fuzz-"))
    embedded = {"metrics.yaml": embedded_catalogue().read_bytes()}
    for path in embedded_data().iterdir():
        embedded[f"data/{path.name}"] = path.read_bytes()
    bases = {"default": embedded, "tracker": tracker_files()}
    failures = []
    expected = 0
    try:
        for _it in range(iterations):
            base = rng.choice(sorted(bases))
            originals = bases[base]
            shutil.rmtree(work, ignore_errors=True)
            (work / "data").mkdir(parents=True)
            for name, content in originals.items():
                (work / name).write_bytes(content)
            target = rng.choice(sorted(originals))
            text = originals[target].decode("utf-8")
            how = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                text, what = mutate(text, rng)
                how.append(what)
            encoding = rng.choice(["utf-8"] * 8 + ["cp1252", "utf-16", "utf-8-sig"])
            try:
                payload = text.encode(encoding)
            except UnicodeEncodeError:
                payload = text.encode("utf-8")
            (work / target).write_bytes(payload)
            try:
                run_pipeline(work / "metrics.yaml", work / "data")
            except AscbenchError:
                expected += 1
            except Exception as exc:  # noqa: BLE001 - this is what we hunt for
                failures.append(
                    (
                        f"{base}:{target}",
                        "; ".join(how) + f" [{encoding}]",
                        "".join(traceback.format_exception_only(type(exc), exc)).strip(),
                    )
                )
                if verbose:
                    traceback.print_exc()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"fuzz: {iterations} mutated inputs (seed {seed}): {expected} located errors, "
        f"{iterations - expected - len(failures)} ran clean, {len(failures)} unexpected exceptions",
        file=sys.stderr,
    )
    return failures


OFFICIAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "official"
IMPORT_SEEDS = {
    "ascof": [
        "ascof-2024-25.csv",
        "ascof-2018-19.csv",
        "ascof-stacked-2017-2024.csv",
        "ascof-2024-25-timeseries-annex-cut.csv",
        "ascof-2024-25-annex-table-4b.csv",
        "ascof-2024-25-annex-table-1c.csv",
    ],
    "ascfr": ["ascfr-data-file-descriptions-layout.csv", "ascfr-2016-17-totals-cut.csv"],
    "fingertips": ["fingertips.csv"],
    "lginform": ["lginform.csv", "lginform-report.csv"],
    "ons": ["ons-mye2-mid2023.csv", "nomis-population-2024-lincolnshire.csv"],
}


def seed_workbooks(work: Path) -> dict[tuple[str, str], bytes]:
    """Small workbooks in the published layouts, for byte-level mutation: an ONS MYE2 .xlsx and
    an ASCOF time-series .ods (its content.xml written directly, no writer library)."""
    import csv
    import zipfile

    import xlsxwriter

    xlsx = work / "mye2-mid2023.xlsx"
    book = xlsxwriter.Workbook(str(xlsx))
    sheet = book.add_worksheet("MYE2 - Persons")
    sheet.write_row(0, 0, ["Code", "Name", "Geography", "All ages", *map(str, range(90)), "90+"])
    sheet.write_row(1, 0, ["E06000016", "Leicester", "Unitary", 91, *([1] * 91)])
    book.close()
    rows = list(csv.reader((OFFICIAL / "ascof-2024-25-annex-table-4b.csv").read_text().splitlines()))
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(
        "<table:table-row>"
        + "".join(
            f"<table:table-cell><text:p>{cell.replace('&', '&amp;').replace('<', '&lt;')}</text:p></table:table-cell>"
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:spreadsheet><table:table table:name="Table_4b">{body}</table:table></office:spreadsheet></office:body></office:document-content>'
    ods = work / "ascof_2024_25.ods"
    with zipfile.ZipFile(ods, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return {("ons", xlsx.name): xlsx.read_bytes(), ("ascof", ods.name): ods.read_bytes()}


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A damaged binary file: truncated, bytes flipped, or a run of bytes inserted."""
    kind = rng.choice(["truncate", "flip", "insert"])
    at = rng.randrange(max(len(data), 1))
    if kind == "truncate":
        return data[:at], f"truncate at {at}"
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ rng.randrange(1, 256)]) + data[at + 1 :], f"flip byte {at}"
    return data[:at] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16))) + data[at:], f"insert at {at}"


def fuzz_imports(iterations: int, seed: int, verbose: bool = False) -> list[tuple[str, str, str]]:
    """The importers and ``cld`` on mutated files in the published layouts (and a small
    synthetic CLD extract): each read, and each import's written directory checked, must end
    in a located error or a clean run."""
    from ascbench.cld.duck_read import connect, read_extracts_duckdb
    from ascbench.cld.read import MAX_REJECTED, read_extracts
    from ascbench.cld.run import cld_observations, cld_run
    from ascbench.cld.synth import synthesise
    from ascbench.errors import AscbenchError
    from ascbench.importers import get
    from ascbench.importers.common import write_data_dir

    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="ascbench-fuzz-imports-"))
    seeds = {(source, name): (OFFICIAL / name).read_bytes() for source, names in IMPORT_SEEDS.items() for name in names}
    synthesise(work / "seed-cld.csv", people=40, seed=seed)
    seeds[("cld", "cld.csv")] = (work / "seed-cld.csv").read_bytes()
    seeds.update(seed_workbooks(work))
    failures, expected = [], 0
    try:
        for _ in range(iterations):
            (source, name) = rng.choice(sorted(seeds))
            how = []
            run = work / f"run-{_}"
            shutil.rmtree(run, ignore_errors=True)
            run.mkdir()
            path = run / name
            if name.endswith((".xlsx", ".ods")):
                data = seeds[(source, name)]
                for _ in range(rng.choice([1, 1, 2])):
                    data, what = mutate_bytes(data, rng)
                    how.append(what)
                path.write_bytes(data)
            else:
                text = seeds[(source, name)].decode("utf-8")
                for _ in range(rng.choice([1, 1, 2, 3])):
                    text, what = mutate(text, rng)
                    how.append(what)
                path.write_text(text, encoding="utf-8")
            try:
                if source == "cld":
                    try:
                        cld_observations(read_extracts([path], max_rejected=MAX_REJECTED), "2025-26")
                    finally:  # the DuckDB engine reads the same file (its own reader and SQL checks)
                        session = connect()
                        try:
                            cld_run(read_extracts_duckdb(session, [path], max_rejected=MAX_REJECTED), "2025-26")
                        finally:
                            session.close()
                else:
                    write_data_dir(get(source).read([path]), run / "out", source, protect=[path])
            except AscbenchError:
                expected += 1
            except Exception as exc:  # noqa: BLE001 - this is what we hunt for
                failures.append(
                    (
                        f"{source}:{name}",
                        "; ".join(how),
                        "".join(traceback.format_exception_only(type(exc), exc)).strip(),
                    )
                )
                if verbose:
                    traceback.print_exc()
            shutil.rmtree(run, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"fuzz imports: {iterations} mutated files (seed {seed}): {expected} located errors, "
        f"{len(failures)} unexpected exceptions",
        file=sys.stderr,
    )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    failures = fuzz(args.iterations, args.seed, args.verbose) + fuzz_imports(args.iterations, args.seed, args.verbose)
    for target, how, error in failures[:50]:
        print(f"{target}: {how}: {error}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
