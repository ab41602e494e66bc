"""What importers share: reading an official CSV strictly, and writing ascbench's data format."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ascbench.errors import AscbenchError

AREA_TYPES = {
    "counties": "county", "county": "county", "shire county": "county",
    "unitary authorities": "unitary", "unitary authority": "unitary", "unitary": "unitary",
    "metropolitan districts": "metropolitan", "metropolitan district": "metropolitan",
    "london boroughs": "london", "london borough": "london",
}


GSS_TYPES = {"E06": "unitary", "E08": "metropolitan", "E09": "london", "E10": "county", "E92": "national",
             "E12": "region", "E13": "region"}


def council_type_from_code(code: str) -> str:
    """The council type a GSS code's prefix implies (``council`` when it says nothing)."""
    return GSS_TYPES.get(str(code)[:3], "council")


@dataclass
class Imported:
    """What an importer read: frames in ascbench's own columns."""

    observations: object  # area_code, period, measure, value, status, source, note
    areas: object  # area_code, area_name, area_type, region, first_year, last_year, predecessors
    groups: object | None = None  # group_code, member_code
    roles: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    catalogue: str | None = None  # a catalogue fragment for what was imported, when the layout implies one


def read_official_csv(path: Path, required: list[str], source: str):
    """Read an official CSV as text; a missing column is a located error naming it."""
    import pandas as pd

    from ascbench.io.dataset import read_text

    text = read_text(Path(path))
    import io

    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise AscbenchError(f"cannot parse the CSV: {exc}", file=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise AscbenchError(
            f"this is not a {source} file: column '{missing[0]}' is missing", file=str(path), line=1,
            field=missing[0], expected="the columns " + ", ".join(required))
    frame["line"] = frame.index + 2
    for column in frame.columns:
        if column != "line":
            frame[column] = frame[column].str.strip()
    return frame


def read_official_files(paths, required: list[str], source: str):
    """Several files of one layout, stacked, each row knowing its ``_file`` and ``line``."""
    import pandas as pd

    frames = []
    for path in paths:
        frame = read_official_csv(path, required, source)
        frame["_file"] = str(path)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def located(frame, mask, column: str, message: str, expected: str) -> AscbenchError:
    """The error for the first row of ``frame`` where ``mask`` holds; ``{Column}`` fields in
    ``message`` are filled from that row."""
    row = frame[mask].iloc[0]
    text = message.format(**{c: row[c] for c in frame.columns if isinstance(c, str)})
    return AscbenchError(text, file=row["_file"], line=int(row["line"]), field=column, expected=expected)


def write_data_dir(imported: Imported, out: Path, source: str) -> list[Path]:
    """Write ``imported`` into ``out`` in ascbench's format (atomically, file by file).

    ``areas.csv`` and ``groups.csv`` are merged with what ``out`` already holds (an import
    adds to a data directory; the new rows win); the observations go to
    ``observations-<source>.csv``, replacing an earlier import of the same source.
    """
    import io

    import pandas as pd

    from ascbench.io.atomic import write_atomic

    out = Path(out)
    written = []

    def save(frame, name):
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        write_atomic(out / name, buffer.getvalue())
        written.append(out / name)

    areas = imported.areas
    if (out / "areas.csv").exists():
        old = pd.read_csv(out / "areas.csv", dtype=str, keep_default_na=False)
        areas = pd.concat([areas, old], ignore_index=True).drop_duplicates("area_code", keep="first")
    save(areas.sort_values("area_code"), "areas.csv")
    obs = imported.observations
    numeric = pd.to_numeric(obs["value"], errors="coerce")
    obs = obs.assign(value=[("" if pd.isna(v) else repr(float(v)).removesuffix(".0")) for v in numeric])
    save(obs, f"observations-{source}.csv")
    if imported.groups is not None and len(imported.groups):
        groups = imported.groups
        if (out / "groups.csv").exists():
            old = pd.read_csv(out / "groups.csv", dtype=str, keep_default_na=False)
            groups = pd.concat([groups, old], ignore_index=True).drop_duplicates(["group_code", "member_code"])
        save(groups, "groups.csv")
    if imported.catalogue:
        write_atomic(out / f"catalogue-{source}.yaml", imported.catalogue)
        written.append(out / f"catalogue-{source}.yaml")
    settings = out / "dataset.yaml"
    if imported.roles and not settings.exists():
        lines = ["# written by ascbench import; edit freely", "roles:"]
        lines += [f"  {k}: {v}" for k, v in imported.roles.items()]
        write_atomic(settings, "\n".join(lines) + "\n")
        written.append(settings)
    return written
