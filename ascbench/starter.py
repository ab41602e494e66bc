"""A starting catalogue and data directory for any English council (``ascbench init``).

:func:`plan` chooses the council (a code or a name, as ``--area`` takes them elsewhere; it
must exist now, not be a council abolished by a reorganisation) and lists what to write:

* ``metrics.yaml``: the ASCOF 2024-25 catalogue shipped in ``ascbench/template/`` (every
  measure the national data hold, compared with England, the council's region and its
  council type, ranked among all councils and its nearest neighbours), with a commented
  local measure to start from;
* ``data/``: the embedded national data (ASCOF with counts, survey bases and margins; ONS
  populations; areas with their lifetimes; nearest-neighbour groups), a ``dataset.yaml``
  with the council as the default area, and ``observations-local.csv``: the columns and
  commented example rows of a council's own figures.

:func:`write` writes them, refusing to overwrite anything. Nothing here is about one council:
the council is the argument.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ascbench.errors import AscbenchError, Problems, did_you_mean
from ascbench.io.dataset import read_areas
from ascbench.sources import CATALOGUE_FILE, DATA_DIR, embedded_data, embedded_root

NATIONAL_FILES = ("groups.csv", "observations-national-ascof.csv", "observations-national-populations.csv")
COUNCIL_TYPES = ("county", "unitary", "metropolitan", "london", "council")


@dataclass(frozen=True)
class Plan:
    """What ``init`` writes: ``files`` maps a path relative to the directory to the bytes to
    write or the file to copy."""

    area_code: str
    area_name: str
    files: dict


def councils(data: Path | None = None):
    """The councils of the embedded national data (``area_code, area_name, area_type,
    region, valid_from, valid_to``), those that exist now first."""
    problems = Problems()
    areas = read_areas(Path(data or embedded_data()), problems, [])
    problems.raise_first()
    mine = areas[areas["area_type"].isin(COUNCIL_TYPES)]
    return mine.assign(current=mine["valid_to"] == "").sort_values(["current", "area_name"], ascending=[False, True])


def choose(area: str | None, data: Path | None = None) -> tuple[str, str]:
    """``(code, name)`` of the council ``area`` names (a GSS code or a name, any case): a
    council of the national data that exists now. Without ``area``, an error that says how
    to choose one."""
    table = councils(data)
    if not area:
        raise AscbenchError(
            "which council? init writes a starting point for one council",
            field="--area",
            expected="--area CODE or NAME, e.g. --area E08000026 or --area 'Coventry' "
            "(ascbench init --list prints every council)",
        )
    wanted = area.strip().lower()
    hits = table[(table["area_code"].str.lower() == wanted) | (table["area_name"].str.lower() == wanted)]
    if hits.empty:
        raise AscbenchError(
            f"no council '{area}' in the national data"
            + did_you_mean(area, list(table["area_name"]) + list(table["area_code"])),
            field="--area",
            expected="a council's GSS code or name (ascbench init --list)",
        )
    current = hits[hits["current"]]
    if current.empty:
        gone = hits.iloc[0]
        raise AscbenchError(
            f"{gone['area_name']} ({gone['area_code']}) was abolished after {gone['valid_to']}"
            + (f"; it is now {gone['successors'].replace(';', ', ')}" if gone["successors"] else ""),
            field="--area",
            expected="a council that exists now",
        )
    row = current.iloc[0]
    return str(row["area_code"]), str(row["area_name"])


def dataset_yaml(code: str, name: str) -> str:
    return f"""# ascbench data directory for {name} ({code}), written by `ascbench init`.
# Format: docs/data-format.md. The national files beside this one are the embedded national
# data (ASCOF, ONS populations, areas, nearest-neighbour groups); add the council's own figures
# to observations-local.csv (or any observations*.csv).
title: {name} - adult social care outcomes (ASCOF)
# The area `ascbench rate` shows without --area.
default_area: {code}
# The reporting date: each metric shows its latest period ending on or before it. Without it,
# the latest period in the data is used (and said on stderr).
# default_period: 2025-26-YTD-Q3
# Names the catalogue's comparators use. `area: region` and `area: council_type` name each
# council's own region and council-type aggregate (areas.csv), so they need no role here.
roles:
  national: E92000001
source: >-
  ASCOF 2024-25 time-series tables and earlier ASCOF data files (DHSC, NHS England; Open
  Government Licence v3.0); ONS mid-year population estimates.
"""


def local_template(code: str) -> str:
    return f"""area_code,period,measure,value,status,source,note
# The council's own figures: one value per row, the measure names that metrics.yaml names.
# Periods: 2025-26 (a financial year), 2025-26-YTD-Q3 (April-December), 2025-Q3 (a quarter),
# 2025-09 (a month), R12-2025-Sep (12 months to September), 2025-12-31 (a snapshot).
# Suppressed cells are data: write c, *, [x] or .. in value, never 0. Remove the # to use a row.
# {code},2025-26-YTD-Q3,ascof_2a.num,1500,,"local extract, 5 January 2026",
# {code},2025-26-YTD-Q3,ascof_2a.den,2000,,"local extract, 5 January 2026",
# {code},2025-12-31,reviews_on_time.num,4140,,"case management system",
# {code},2025-12-31,reviews_on_time.den,5287,,"case management system",
# {code},2025-12-31,reviews_on_time.target,4250,,"business plan 2025-26",
"""


def areas_csv(data: Path) -> bytes:
    """The national areas without the default's own peer groups (a council's own business)."""
    lines = (data / "areas.csv").read_bytes().splitlines(keepends=True)
    header = lines[0].decode("utf-8-sig").rstrip("\r\n").split(",")
    kind = header.index("area_type")
    kept = [line for line in lines[1:] if line.decode("utf-8").split(",")[kind] != "group"]
    return b"".join([lines[0], *kept])


def plan(area: str | None, data: Path | None = None) -> Plan:
    """What ``init --area AREA`` writes (:class:`Plan`)."""
    data = Path(data or embedded_data())
    code, name = choose(area, data)
    files: dict = {CATALOGUE_FILE: embedded_root().parent / "template" / CATALOGUE_FILE}
    files[f"{DATA_DIR}/dataset.yaml"] = dataset_yaml(code, name).encode()
    files[f"{DATA_DIR}/areas.csv"] = areas_csv(data)
    files.update({f"{DATA_DIR}/{n}": data / n for n in NATIONAL_FILES})
    files[f"{DATA_DIR}/observations-local.csv"] = local_template(code).encode()
    return Plan(code, name, files)


def write(directory: Path, chosen: Plan) -> list[Path]:
    """Write ``chosen`` into ``directory`` (created), refusing to overwrite any file; on a
    failure nothing of this run is left behind. Returns the paths written."""
    directory = Path(directory)
    targets = {directory / rel: src for rel, src in chosen.files.items()}
    existing = [str(t) for t in targets if t.exists() or t.is_symlink()]
    if existing:
        raise AscbenchError(
            "already exists",
            file=existing[0],
            expected="a directory without metrics.yaml or data/ (init never overwrites)",
        )
    if directory.exists() and not directory.is_dir():
        raise AscbenchError("exists and is not a directory", file=str(directory), expected="a directory to create")
    written: list[Path] = []
    try:
        for target, src in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(src, bytes):
                target.write_bytes(src)
            else:
                shutil.copyfile(src, target)
            written.append(target)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise AscbenchError(f"cannot write: {exc.strerror}", file=str(exc.filename or directory)) from None
    return written
