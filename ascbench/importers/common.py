"""What importers share: reading an official CSV strictly, and writing ascbench's data format."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ascbench.engine.data import load as load_dataset
from ascbench.errors import AscbenchError
from ascbench.io.atomic import write_set_atomic
from ascbench.io.csv_safety import neutralise
from ascbench.io.dataset import read_csv, read_text
from ascbench.validation import validate_all

AREA_TYPES = {
    "counties": "county",
    "county": "county",
    "shire county": "county",
    "unitary authorities": "unitary",
    "unitary authority": "unitary",
    "unitary": "unitary",
    "metropolitan districts": "metropolitan",
    "metropolitan district": "metropolitan",
    "london boroughs": "london",
    "london borough": "london",
}


GSS_TYPES = {
    "E06": "unitary",
    "E08": "metropolitan",
    "E09": "london",
    "E10": "county",
    "E92": "national",
    "E12": "region",
    "E13": "region",
    "E11": "aggregate",
    "K02": "aggregate",
    "K03": "aggregate",
    "K04": "aggregate",
    "W92": "aggregate",
    "S92": "aggregate",
    "N92": "aggregate",
}


def council_type_from_code(code: str) -> str:
    """The council type a GSS code's prefix implies (``council`` when it says nothing)."""
    return GSS_TYPES.get(str(code)[:3], "council")


@dataclass
class Imported:
    """What an importer read: frames in ascbench's own columns."""

    observations: pd.DataFrame  # area_code, period, measure, value, status, source, note
    areas: pd.DataFrame  # area_code, area_name, area_type, region (+ valid_from, valid_to, successors)
    groups: pd.DataFrame | None = None  # group_code, member_code
    roles: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    catalogue: str | None = None  # a catalogue fragment for what was imported, when the layout implies one


def read_official_csv(path: Path, required: list[str], source: str):
    """Read an official CSV as text cells (stripped), with a ``line`` column, through the same
    strict reader as the data directory (:func:`ascbench.io.dataset.read_csv`): an empty file,
    a row of the wrong length, a repeated column or a missing one is a located error."""
    try:
        frame = read_csv(Path(path), tuple(required), lower=False)
    except AscbenchError as exc:
        if exc.message.startswith("missing column"):
            field = exc.location.field
            raise AscbenchError(
                f"this is not a {source} file: column '{field}' is missing",
                file=str(path),
                line=1,
                field=field,
                expected="the columns " + ", ".join(required),
            ) from None
        raise
    for column in frame.columns:
        if column != "line" and frame[column].dtype != object:
            frame[column] = frame[column].astype(object)
    return frame.fillna("")


def located(frame, mask, column: str, message: str, expected: str) -> AscbenchError:
    """The error for the first row of ``frame`` where ``mask`` holds; ``{Column}`` fields in
    ``message`` are filled from that row."""
    row = frame[mask].iloc[0]
    fields = {c: row[c] for c in frame.columns if isinstance(c, str)}
    try:
        text = message.format(**fields)
    except (KeyError, IndexError, ValueError, AttributeError):  # a cell with braces: the message as given
        text = message
    return AscbenchError(text, file=row["_file"], line=int(row["line"]), field=column, expected=expected)


def refuse_conflicts(d, obs, key) -> None:
    """Two rows of ``obs`` with one ``key`` and different values (or statuses): a located
    error naming both lines of the source ``d`` (``obs`` keeps ``d``'s row labels). Exact
    repeats are for the caller to drop (and count in its report)."""
    dup = obs[obs.duplicated(key, keep=False)]
    counts = dup.groupby(key, observed=True, sort=False)[["value", "status"]].nunique(dropna=False).max(axis=1)
    if (counts > 1).any():
        first_clash = counts.index[(counts > 1).to_numpy()][0]
        rows = dup[(dup[key] == list(first_clash)).all(axis=1)]
        a, b = d.loc[rows.index[0]], d.loc[rows.index[1]]
        o = rows.iloc[0]
        raise AscbenchError(
            f"two different values for {o['area_code']} {o['period']} {o['measure']} (the other at line "
            f"{int(a['line'])})",
            file=b["_file"],
            line=int(b["line"]),
            field="value",
            expected="one value per area, period and series",
        )


def _existing_csv(path: Path):
    """A CSV already in the output directory, as text cells, whatever its encoding (UTF-8,
    or Windows-1252 as Excel saves it); a file that cannot be read is a located error."""
    try:
        return pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AscbenchError(
            f"cannot read the existing file to merge with it: {str(exc).splitlines()[0]}",
            file=str(path),
            expected="a CSV ascbench can merge the import into",
        ) from None


def _replacing(out: Path, source: str, obs, mode: str | None, notes: list[str]):
    """The observations to write, given what ``observations-<source>.csv`` already holds.

    * no earlier import, or one whose every area, period and measure the new import has
      again: the new import replaces it (the report says how many values changed);
    * an earlier import with rows the new one lacks (last year's file, say): an error unless
      ``--append`` (keep them, the new rows win where both have a row) or ``--replace``
      (drop them) says which; either way the report counts what was kept, dropped, changed."""
    path = out / f"observations-{source}.csv"
    if not path.exists():
        return obs
    old = _existing_csv(path)
    key = ["area_code", "period", "measure"]
    if not set(key) <= set(old.columns):
        return obs
    merged = old[key].merge(obs[key].astype(str).assign(_new=True), on=key, how="left")
    only_old = merged["_new"].isna().to_numpy()
    both = old.loc[~only_old, [*key, "value"]].merge(obs[[*key, "value"]], on=key, suffixes=("_old", "_new"))
    a = pd.to_numeric(both["value_old"], errors="coerce").to_numpy(dtype="float64")
    b = both["value_new"].to_numpy(dtype="float64")
    changed = int(((a != b) & ~(np.isnan(a) & np.isnan(b))).sum())
    periods = sorted(set(old.loc[only_old, "period"]))
    if only_old.any() and mode is None:
        raise AscbenchError(
            f"{path.name} holds {int(only_old.sum()):,} rows this import does not have (periods "
            + ", ".join(periods[:6])
            + (", ..." if len(periods) > 6 else "")
            + "): importing would drop them",
            file=str(path),
            field="--append",
            expected="--append to keep them beside the new rows, or --replace to drop them",
        )
    if mode == "replace":
        notes.append(
            f"{path.name}: replaced ({int(only_old.sum()):,} earlier rows dropped"
            + (f", periods {', '.join(periods)}" if periods else "")
            + f"; {len(both):,} given again, {changed:,} with a new value; {len(obs) - len(both):,} new rows)"
        )
        return obs
    if mode == "append" and only_old.any():
        notes.append(
            f"{path.name}: kept {int(only_old.sum()):,} earlier rows (periods {', '.join(periods)}); "
            f"{len(both):,} rows given again ({changed:,} with a new value or status); "
            f"{len(obs) - len(both):,} new rows"
        )
        kept = old[only_old].copy()
        kept["value"] = pd.to_numeric(kept["value"], errors="coerce")
        return pd.concat([kept[[c for c in obs.columns if c in kept.columns]], obs], ignore_index=True)
    notes.append(
        f"{path.name}: {len(both):,} earlier rows given again ({changed:,} with a new value), "
        f"{len(obs) - len(both):,} new rows"
        + (f", {int(only_old.sum()):,} earlier rows dropped (periods {', '.join(periods)})" if only_old.any() else "")
    )
    return obs


METRIC_LINE = re.compile(r"^  - \{id: ([^,}]+)[,}]")


def _merged_fragment(old: str, new: str) -> str:
    """An appended import's catalogue fragment: the new one, plus the earlier fragment's
    metrics (one ``  - {id: ...}`` line each, as the importers write them) that it lacks, so
    that the kept rows keep their metrics."""
    ids = {m.group(1) for line in new.splitlines() if (m := METRIC_LINE.match(line))}
    extra = [line for line in old.splitlines() if (m := METRIC_LINE.match(line)) and m.group(1) not in ids]
    return new.rstrip("\n") + "\n" + "".join(line + "\n" for line in extra)


def write_data_dir(imported: Imported, out: Path, source: str, protect=(), mode: str | None = None) -> list[Path]:
    """Write ``imported`` into ``out`` in ascbench's format, all files as one set.

    ``areas.csv`` and ``groups.csv`` are merged with what ``out`` already holds (an import
    adds to a data directory; the new rows win; an existing file may be UTF-8 or
    Windows-1252); the observations go to ``observations-<source>.csv``: an earlier import of
    the same source is replaced when the new one has all its rows again, and otherwise only
    with ``mode`` ``"append"`` (keep the earlier rows the new import lacks) or ``"replace"``
    (drop them), reported in ``imported.notes`` (:func:`_replacing`). Text cells
    are neutralised as in every CSV the tool writes. Before anything is written, the
    directory as it would be is read back in a staging folder (and checked against the
    catalogue fragment, if the import wrote one): a problem stops the import with nothing
    written. Then every file is renamed into place together, under a lock
    (:func:`ascbench.io.atomic.write_set_atomic`).
    """

    out = Path(out)
    files: dict[str, str] = {}

    def csv_text(frame):
        buffer = io.StringIO()
        neutralise(frame).to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue()

    areas = imported.areas
    if (out / "areas.csv").exists():
        old = _existing_csv(out / "areas.csv")
        areas = pd.concat([areas, old], ignore_index=True).drop_duplicates("area_code", keep="first")
    files["areas.csv"] = csv_text(areas.sort_values("area_code"))
    obs = neutralise(_replacing(out, source, imported.observations, mode, imported.notes))
    numeric = pd.to_numeric(obs["value"], errors="coerce")
    obs = obs.assign(value=[("" if pd.isna(v) else repr(float(v)).removesuffix(".0")) for v in numeric])
    buffer = io.StringIO()
    obs.to_csv(buffer, index=False, lineterminator="\n")
    files[f"observations-{source}.csv"] = buffer.getvalue()
    if imported.groups is not None and len(imported.groups):
        groups = imported.groups
        if (out / "groups.csv").exists():
            old = _existing_csv(out / "groups.csv")
            groups = pd.concat([groups, old], ignore_index=True).drop_duplicates(["group_code", "member_code"])
        files["groups.csv"] = csv_text(groups)
    if imported.catalogue:
        catalogue = imported.catalogue
        if mode == "append" and (out / f"catalogue-{source}.yaml").exists():
            catalogue = _merged_fragment(read_text(out / f"catalogue-{source}.yaml"), catalogue)
        files[f"catalogue-{source}.yaml"] = catalogue
    if imported.roles and not (out / "dataset.yaml").exists():
        lines = ["# written by ascbench import; edit freely", "roles:"]
        lines += [f"  {k}: {v}" for k, v in imported.roles.items()]
        files["dataset.yaml"] = "\n".join(lines) + "\n"
    inputs = {Path(p).resolve() for p in protect}
    for name in files:
        if (out / name).resolve() in inputs:
            raise AscbenchError(
                "the import would overwrite one of its own input files",
                file=str(out / name),
                field="--out",
                expected="a data directory other than the one the input files are in",
            )
    _check_staged(out, files, source)
    write_set_atomic({out / name: text for name, text in files.items()}, lock=out)
    return [out / name for name in files]


def _check_staged(out: Path, files: dict[str, str], source: str) -> None:
    """Read the directory as the import would leave it, in a staging copy: any problem is
    raised (and nothing is written)."""

    with tempfile.TemporaryDirectory(prefix="ascbench-import-") as tmp:
        staging = Path(tmp) / "data"
        if out.is_dir():
            shutil.copytree(out, staging, ignore=shutil.ignore_patterns(".*"))
        staging.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        try:
            load_dataset(staging)
            fragment = files.get(f"catalogue-{source}.yaml")
            if fragment:
                problems = validate_all(staging / f"catalogue-{source}.yaml", staging)
                problems.raise_first()
        except AscbenchError as exc:
            message = exc.one_line().replace(str(staging), str(out))
            raise AscbenchError(
                f"the imported directory would not be valid, so nothing was written: {message}", file=str(out)
            ) from None
