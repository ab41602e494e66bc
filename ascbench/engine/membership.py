"""Who is in a comparison group, and when.

A comparison group is named once per run (``--group``): ``all`` (every council), ``region``
and ``type`` (each chosen area's own region or council type), ``neighbours`` (each area's
``NN-<area>`` list of groups.csv), ``region:NAME``, ``type:TYPE``, or any ``group_code`` of
groups.csv. :func:`resolve_groups` gives each chosen area the group it is ranked in, so many
areas are ranked at once, each in its own group.

Councils have lifetimes (``valid_from``, ``valid_to`` and ``successors`` in areas.csv): a
council counts in a group, and as a member "without a value", only in the periods in which
it existed. A member that did not exist in a period is replaced by the councils that covered
its ground then: its successors after it was abolished (a nearest-neighbour list written
before 2023 that names North Yorkshire County Council, E10000023, counts North Yorkshire
Council, E06000065, from 2023-24), its predecessors before it was created. Each replacement
is kept (``replaces``) so the outputs can say so (:func:`replacement_notes`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ascbench.errors import AscbenchError
from ascbench.periods import parse_period, period_frame

SPECIAL = ("region", "type", "neighbours")


def _councils(areas):
    return areas[~areas["is_aggregate"]]


def is_neighbour_group(name: str) -> bool:
    """A council's nearest-neighbour group (``NN-<code>``, as :func:`group_name` names it)."""
    return name.startswith("NN-")


def group_name(areas, group: str, focus: str | None) -> str:
    """The group a focus area is ranked in: ``region`` -> ``region:<its region>``, ``type``
    -> ``type:<its type>``, ``neighbours`` -> ``NN-<focus>``; any other name as given."""
    if group not in SPECIAL:
        return group
    if focus is None:
        raise AscbenchError(
            f"group '{group}' needs an area",
            field="group",
            expected="the area whose region, type or neighbours to use (area)",
        )
    if group == "neighbours":
        return f"NN-{focus}"
    councils = _councils(areas)
    column = "region" if group == "region" else "area_type"
    found = councils.loc[councils["area_code"] == focus, column] if column in councils.columns else pd.Series([])
    return f"{group}:" + (str(found.iloc[0]) if len(found) else "")


def resolve_groups(areas, groups, group: str, focuses) -> pd.DataFrame:
    """``area_code, group``: the group each focus area is ranked in (:func:`group_name`)."""
    focuses = list(focuses)
    return pd.DataFrame({"area_code": focuses, "group": [group_name(areas, group, f) for f in focuses]})


def declared_members(areas, groups, names) -> pd.DataFrame:
    """``group, area_code``: the councils each named group lists, whatever their lifetimes:
    ``all`` every council, ``region:NAME`` / ``type:TYPE`` the councils of that region or
    type, any other name the members of that group_code of groups.csv. A group with no
    council is an error."""
    councils = _councils(areas)
    region = councils["region"] if "region" in councils.columns else pd.Series("", index=councils.index)
    known = set(groups["group_code"]) if groups is not None else set()
    parts = []
    for name in pd.unique(pd.Series(list(names), dtype=object)):
        if name == "all":
            codes = councils["area_code"]
        elif name.startswith("region:"):
            codes = councils.loc[region == name.split(":", 1)[1], "area_code"]
        elif name.startswith("type:"):
            codes = councils.loc[councils["area_type"] == name.split(":", 1)[1], "area_code"]
        elif name in known:
            codes = groups.loc[groups["group_code"] == name, "member_code"]
            codes = codes[codes.isin(councils["area_code"])]
        else:
            listed = sorted(known)
            raise AscbenchError(
                f"no group '{name}'",
                field="group",
                expected="all, region, type, neighbours, region:NAME, type:TYPE"
                + (" or one of " + ", ".join(listed[:10]) + (" ..." if len(listed) > 10 else "") if listed else ""),
            )
        if len(codes) == 0:
            raise AscbenchError(f"group '{name}' has no councils", field="group", expected="a group with members")
        parts.append(pd.DataFrame({"group": name, "area_code": codes.to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=["group", "area_code"])
    return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)


def neighbours_of(areas, groups, focus: str | None, periods) -> tuple[str, ...]:
    """The nearest neighbours of ``focus`` (its ``NN-<focus>`` group of groups.csv,
    :func:`group_name`) as they existed in ``periods`` (:func:`members_in_periods`: an
    abolished one counts as its successors, one not yet created as its predecessors), in the
    order of their codes; none without such a group. The one reading of a council's
    neighbours: ``rank``'s league, ``quadrant``, and the Report's (its neighbour group is
    resolved by the same functions)."""
    name = group_name(areas, "neighbours", focus) if focus else None
    if name is None or groups is None or name not in set(groups["group_code"]):
        return ()
    members = members_in_periods(declared_members(areas, groups, [name]), areas, periods)
    return tuple(sorted(set(members["area_code"].astype(str)) - {focus}))


def lifetimes(areas) -> pd.DataFrame:
    """``area_code, start, stop``: the first and last day of each area's existence (the
    start of ``valid_from``, the end of ``valid_to``; open where empty)."""
    frame = pd.DataFrame({"area_code": areas["area_code"].astype(str).to_numpy()})
    for column, edge, open_end in (("valid_from", "start", "1000-01-01"), ("valid_to", "end", "9999-12-31")):
        texts = areas[column].astype(str) if column in areas.columns else pd.Series("", index=areas.index)
        dates = [getattr(parse_period(t), edge) if t else None for t in texts]
        frame["start" if column == "valid_from" else "stop"] = pd.to_datetime(
            [str(d) if d else open_end for d in dates]
        ).astype("datetime64[s]")
    return frame


def _continuations(areas) -> pd.DataFrame:
    """``area_code, other``: the areas that covered an area's ground when it did not exist:
    its successors and its predecessors (the areas naming it as a successor)."""
    if "successors" not in areas.columns:
        return pd.DataFrame(columns=["area_code", "other"])
    pairs = areas[["area_code", "successors"]].astype(str)
    pairs = pairs.assign(other=pairs["successors"].str.split(";")).explode("other")
    pairs["other"] = pairs["other"].str.strip()
    pairs = pairs[pairs["other"] != ""][["area_code", "other"]]
    backwards = pairs.rename(columns={"area_code": "other", "other": "area_code"})
    return pd.concat([pairs, backwards[["area_code", "other"]]], ignore_index=True).drop_duplicates()


def members_in_periods(declared, areas, periods) -> pd.DataFrame:
    """``group, area_code, period, replaces``: each group's members that existed in each of
    ``periods`` (at its end). A declared member that did not exist then is replaced by its
    successors or predecessors that did (``replaces`` names it; empty for the member itself)."""
    periods = pd.unique(pd.Series(list(periods), dtype=object).astype(str))
    columns = ["group", "area_code", "period", "replaces"]
    if declared.empty or len(periods) == 0:
        return pd.DataFrame(columns=columns)
    ends = period_frame(pd.Series(periods)).set_index("period")["end"].astype("datetime64[s]")
    life = lifetimes(areas).drop_duplicates("area_code").set_index("area_code")
    grid = declared.merge(pd.DataFrame({"period": periods, "end": ends.reindex(periods).to_numpy()}), how="cross")

    def existed(codes, end):
        start = codes.map(life["start"]).to_numpy(dtype="datetime64[s]")
        stop = codes.map(life["stop"]).to_numpy(dtype="datetime64[s]")
        known = ~np.isnat(start)
        return ~known | ((start <= end) & (end <= stop))

    here = existed(grid["area_code"], grid["end"].to_numpy(dtype="datetime64[s]"))
    kept = grid[here].assign(replaces="")
    gone = grid[~here]
    if len(gone):
        swap = gone.merge(_continuations(areas), on="area_code")
        swap = swap[existed(swap["other"], swap["end"].to_numpy(dtype="datetime64[s]"))]
        swap = swap.assign(replaces=swap["area_code"], area_code=swap["other"])
        kept = pd.concat([kept, swap], ignore_index=True)
    kept = kept.sort_values("replaces", kind="stable").drop_duplicates(["group", "area_code", "period"])
    return kept[columns].reset_index(drop=True)


def replacement_notes(members, areas) -> list[str]:
    """One line per group and replaced member: "NN-E10000018: North Yorkshire (E10000023)
    counted as North Yorkshire (E06000065) in 2023-24, 2024-25"."""
    swapped = members[members["replaces"] != ""]
    if swapped.empty:
        return []
    names = dict(zip(areas["area_code"], areas["area_name"], strict=False))
    notes = []
    for (group, old), rows in swapped.groupby(["group", "replaces"], sort=True):
        new = ", ".join(f"{names.get(c, c)} ({c})" for c in pd.unique(rows["area_code"]))
        years = ", ".join(sorted(pd.unique(rows["period"].astype(str))))
        notes.append(f"{group}: {names.get(old, old)} ({old}) counted as {new} in {years}")
    return notes
