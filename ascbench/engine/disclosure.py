"""Publication-safe outputs: statistical disclosure control of the counts, applied once to
the data a command reads, before anything is computed from them (``--publish``, or
``publish:`` in dataset.yaml).

Every number a command prints - values, intervals, ratings, ranks, group averages, funnel
plots, charts, gaps, narratives, in every format - is computed from the observations, so
protecting the observations protects all of them without a rule in any renderer: nothing
downstream ever sees a count the rule withholds. The rule (:class:`DisclosureRule`,
docs/disclosure.md):

1. **Which counts.** The numerator of every proportion, rate and count metric, the
   denominator of every proportion, and the published value of a count metric (a count
   itself). A rate's denominator, a population, is not a count of people with a
   characteristic and is left as published. Metrics listed in ``exempt`` (counts of visits,
   loans, hours: not of people) are left alone.
2. **Primary suppression.** A count from 1 to ``threshold - 1`` is suppressed (status
   ``suppressed``, no value), and so is one that rounding would show below the threshold
   (6 and 7 round to 5: under a threshold of 6 they would read as small). A zero is shown:
   it is no one.
3. **Secondary suppression.** A difference of shown counts must not give a suppressed one
   back:

   * *a part and its total*: a proportion's numerator is part of its denominator, and the
     people in the denominator but not the numerator are a count too (98 of 100: 2 people).
     Where that difference is from 1 to ``threshold - 1`` the numerator is suppressed (so
     every metric showing that count, and the proportion, are withheld);
   * *a group total and its members* (exact counts only, ``rounding: none``): an aggregate
     area (England, a region, a council type, a group with its own rows) whose members
     include exactly one hidden count, or whose hidden members add up to from 1 to
     ``threshold - 1``, is suppressed; and a suppressed total whose members are all shown
     (they add up to it) has its largest member suppressed too;
   * *nested periods* (exact counts only): two periods of one measure and area that share a
     start or an end (April-June within April-September) differ by the count of the rest;
     where that is from 1 to ``threshold - 1`` the longer period is suppressed.

   The steps repeat until nothing more is suppressed.
4. **Rounding.** Every other count is rounded to the nearest ``rounding`` (5: NHS England's
   base; status ``rounded``). A difference of rounded counts is uncertain by several
   units, so it never gives a count back exactly; this is why NHS England's method needs no
   secondary suppression of totals. A rate or percentage beside rounded counts is the
   published figure where the data have one (computed by the publisher from the true
   counts, as ASCOF publishes), else it is computed from the rounded counts
   (:mod:`ascbench.engine.values`).
5. **Withheld values.** A metric whose count is suppressed in an area and period loses its
   published value and published limits there too: a rate or percentage from a suppressed
   count is never shown. A proportion or rate published without its numerator, but with a
   denominator, is withheld where the numerator it implies is a small count.

Sources: NHS England's disclosure control for its secondary care and social care
statistics (counts of 1 to 7 suppressed, others rounded to the nearest 5, percentages from
rounded counts), and DHSC's CLD dashboard code (DataS-DHSC/ASC-CLD-LA-Dashboard,
``ASCOF_measures/ASCOF_main_script.sql``: numerators and denominators under 6 set to 0 as
suppressed): docs/disclosure.md.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ascbench.errors import AscbenchError

SUPPRESSED = "suppressed"
ROUNDED = "rounded"
ROUNDING_BASES = (0, 5)  # none, or NHS England's base (engine.values.ROUNDING reads "rounded" as the nearest 5)
LIMIT_SUFFIXES = ("lower95", "upper95", "lower998", "upper998", "moe")


@dataclass(frozen=True)
class DisclosureRule:
    """A disclosure rule: counts from 1 to ``threshold - 1`` suppressed, the rest rounded to
    the nearest ``rounding`` (0: shown exactly, with secondary suppression of totals and
    nested periods), ``exempt`` metric ids left alone."""

    name: str = "nhs-england"
    threshold: int = 8
    rounding: int = 5
    exempt: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """Counts are shown exactly (no rounding)."""
        return self.rounding == 0

    def note(self) -> str:
        """The rule in one sentence, printed on every output it protects."""
        small = f"counts from 1 to {self.threshold - 1} are suppressed"
        rest = (
            "other counts are shown exactly"
            if self.exact
            else f"other counts are rounded to the nearest {self.rounding}"
        )
        exempt = f"; not applied to {', '.join(self.exempt)}" if self.exempt else ""
        return (
            f"Disclosure control ({self.name}): {small} and {rest}; a rate or percentage whose count is "
            "suppressed is withheld, and counts that would let a suppressed one be worked out are suppressed "
            f"too{exempt}. See docs/disclosure.md."
        )


PRESETS = {
    "nhs-england": DisclosureRule("nhs-england", threshold=8, rounding=5),
    "dhsc-cld": DisclosureRule("dhsc-cld", threshold=6, rounding=0),
}
DEFAULT = "nhs-england"
SETTING_KEYS = ("rule", "threshold", "rounding", "exempt")


def rule_from(setting, file: str | None = None, line: int | None = None) -> DisclosureRule | None:
    """The rule of a ``publish:`` setting (dataset.yaml) or of ``--publish``: ``true`` or
    ``yes`` (the default, ``nhs-england``), a preset's name (``nhs-england``, ``dhsc-cld``),
    or a mapping ``{rule: NAME, threshold: N, rounding: 5 | none, exempt: [metric ids]}``;
    ``false`` or nothing: no rule. ``file`` and ``line`` locate a bad setting's error."""
    try:
        return _rule_from(setting, file)
    except AscbenchError as exc:
        if exc.location.line is None and line is not None:
            exc.location.line = line
        raise


def _rule_from(setting, file: str | None) -> DisclosureRule | None:
    if setting is None or setting is False or (isinstance(setting, str) and setting.lower() in ("no", "false", "")):
        return None
    if setting is True or (isinstance(setting, str) and setting.lower() in ("yes", "true")):
        return PRESETS[DEFAULT]
    if isinstance(setting, str):
        return _preset(setting, file)
    if not isinstance(setting, dict):
        raise AscbenchError(
            f"publish is {setting!r}", file=file, field="publish", expected="true, a rule name or a mapping"
        )
    unknown = [k for k in setting if k not in SETTING_KEYS]
    if unknown:
        raise AscbenchError(
            f"unknown key '{unknown[0]}' under publish", file=file, field="publish", expected=", ".join(SETTING_KEYS)
        )
    rule = _preset(str(setting.get("rule", DEFAULT)), file)
    threshold = setting.get("threshold", rule.threshold)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise AscbenchError(
            f"threshold is {threshold!r}",
            file=file,
            field="publish.threshold",
            expected="a whole number from 1 (counts below it are suppressed)",
        )
    rounding = setting.get("rounding", rule.rounding)
    rounding = 0 if rounding in (None, "none", False, 0, 1) else rounding
    if rounding not in ROUNDING_BASES:
        raise AscbenchError(
            f"rounding is {setting.get('rounding')!r}",
            file=file,
            field="publish.rounding",
            expected="5 (NHS England's base) or none",
        )
    exempt = setting.get("exempt", list(rule.exempt))
    if isinstance(exempt, str):
        exempt = [exempt]
    if not isinstance(exempt, list) or not all(isinstance(e, str) for e in exempt):
        raise AscbenchError("exempt should list metric ids", file=file, field="publish.exempt", expected="[id, ...]")
    return dataclasses.replace(rule, threshold=int(threshold), rounding=int(rounding), exempt=tuple(exempt))


def _preset(name: str, file: str | None) -> DisclosureRule:
    if name in PRESETS:
        return PRESETS[name]
    close = [p for p in sorted(PRESETS) if p.startswith(name.lower())] or difflib.get_close_matches(
        name, sorted(PRESETS), n=1
    )
    raise AscbenchError(
        f"no disclosure rule '{name}'" + (f"; did you mean '{close[0]}'?" if close else ""),
        file=file,
        field="publish",
        expected="one of " + ", ".join(sorted(PRESETS)),
    )


# ------------------------------------------------------------------ what is counted
def count_measures(metrics, rule: DisclosureRule) -> tuple[set, pd.DataFrame, pd.DataFrame]:
    """``(counts, parts, dependents)``: the measures that are counts of people or events
    under ``rule``; each proportion's ``part, total`` measure pair; and for each metric
    with counts, the measures that carry its value (``metric_id, measure``: its published
    value and any published limits), withheld where its counts are."""
    m = metrics[~metrics["metric_id"].isin(rule.exempt)]
    counted = m[m["statistic"].isin(["proportion", "rate", "count"])]
    counts = set(counted["numerator_measure"].dropna())
    proportions = counted[counted["statistic"] == "proportion"]
    counts |= set(proportions["denominator_measure"].dropna())
    counts |= set(counted.loc[counted["statistic"] == "count", "value_measure"].dropna())
    parts = proportions[["numerator_measure", "denominator_measure"]].dropna()
    parts = parts.rename(columns={"numerator_measure": "part", "denominator_measure": "total"}).drop_duplicates()
    rows = []
    for metric_id, measure in zip(counted["metric_id"], counted["value_measure"], strict=True):
        if isinstance(measure, str) and measure:
            stems = dict.fromkeys((measure, measure.removesuffix(".published")))
            rows.append((metric_id, measure))
            rows += [(metric_id, f"{stem}.{suffix}") for stem in stems for suffix in LIMIT_SUFFIXES]
    dependents = pd.DataFrame(rows, columns=["metric_id", "measure"]).drop_duplicates()
    return counts, parts.reset_index(drop=True), dependents


# ------------------------------------------------------------------ the transformation
def protect_observations(observations, metrics, rule: DisclosureRule, areas=None, groups=None, roles=None):
    """``(observations, suppressed)``: the observations under ``rule`` (module docstring) and
    one row per suppressed cell: ``area_code, period, measure, reason`` (``small``,
    ``difference`` of a part and its total, ``total`` of a group, ``member`` of a hidden
    total, ``period`` nesting,
    ``value`` withheld with its count, ``implied`` count of a published value)."""
    counts, parts, dependents = count_measures(metrics, rule)
    obs = observations.reset_index(drop=True)
    key = ["area_code", "period", "measure"]
    text = pd.DataFrame({k: obs[k].astype(str).to_numpy() for k in key})
    value = obs["value"].to_numpy(dtype="float64").copy()
    status = obs["status"].astype(str).replace("nan", "").to_numpy(dtype=object).copy()
    is_count = text["measure"].isin(counts).to_numpy() & ~np.isnan(value)
    hidden = np.zeros(len(obs), dtype=bool)
    reason = np.full(len(obs), "", dtype=object)
    t = rule.threshold

    def hide(mask, why):
        new = mask & ~hidden
        reason[new] = why
        hidden[new] = True
        return bool(new.any())

    # 2. primary: small counts, and counts that rounding would show as small (6 and 7 round
    # to 5: under a threshold of 6 they would read as small counts)
    shown_as = _rounded(value, rule.rounding) if not rule.exact else value
    hide(is_count & (((value > 0) & (value < t)) | ((shown_as > 0) & (shown_as < t))), "small")
    # 3a. a part and its total: the rest of the total is a count too
    if len(parts):
        cells = text.assign(value=value, row=np.arange(len(obs)))[is_count]
        both = parts.merge(cells, left_on="part", right_on="measure").merge(
            cells,
            left_on=["total", "area_code", "period"],
            right_on=["measure", "area_code", "period"],
            suffixes=("", "_t"),
        )
        rest = both["value_t"] - both["value"]
        mask = np.zeros(len(obs), dtype=bool)
        mask[both.loc[(rest > 0) & (rest < t), "row"].to_numpy()] = True
        hide(mask, "difference")
    # 3b, 3c. exact counts: totals of members, nested periods; until nothing changes
    if rule.exact:
        membership = _aggregate_members(areas, groups, roles, pd.unique(text["period"])) if areas is not None else None
        spans = _spans(text["period"])
        for _ in range(50):
            changed = False
            if membership is not None and len(membership):
                changed |= hide(_exposed_totals(text, value, is_count, hidden, status, membership, t), "total")
                changed |= hide(_given_away_totals(text, value, is_count, hidden, status, membership), "member")
            changed |= hide(_exposed_periods(text, value, is_count, hidden, status, spans, t), "period")
            if not changed:
                break
    # 5. values withheld with their counts, and values that imply a small count
    hide(_withheld_values(text, value, is_count, hidden, metrics, dependents, rule), "value")
    hide(_implied_counts(text, value, metrics, rule, hidden), "implied")

    # 4. rounding, and the new statuses
    shown = is_count & ~hidden
    if not rule.exact:
        value = np.where(shown, _rounded(value, rule.rounding), value)
        status = np.where(shown, ROUNDED, status)
    value = np.where(hidden, np.nan, value)
    status = np.where(hidden, SUPPRESSED, status)
    out = obs.copy()
    out["value"] = value
    out["status"] = pd.Categorical(status)
    suppressed = text[hidden].assign(reason=reason[hidden]).reset_index(drop=True)
    return out, suppressed


def _rounded(value, base: int):
    """To the nearest multiple of ``base``, halves away from zero (as NHS England rounds)."""
    with np.errstate(invalid="ignore"):
        return np.sign(value) * np.floor(np.abs(value) / base + 0.5) * base


def protect(dataset, metrics, rule: DisclosureRule):
    """The dataset with its observations protected by ``rule`` (:func:`protect_observations`)
    and the rule and its note in ``settings["disclosure"]``, which the results carry to every
    output (:func:`ascbench.engine.pipeline.build_report`)."""
    observations, suppressed = protect_observations(
        dataset.observations, metrics, rule, dataset.areas, dataset.groups, dataset.roles
    )
    settings = dict(dataset.settings)
    settings["disclosure"] = {"rule": rule.name, "note": rule.note(), "suppressed": len(suppressed)}
    return dataclasses.replace(dataset, observations=observations, settings=settings)


def disclosure_note(dataset) -> str:
    """The note of the rule a dataset was protected by, or ""."""
    return str((getattr(dataset, "settings", {}) or {}).get("disclosure", {}).get("note") or "")


# ------------------------------------------------------------------ the steps
def _aggregate_members(areas, groups, roles, periods) -> pd.DataFrame:
    """``group, area_code, period``: the councils each aggregate area adds up, as they
    existed in each period: the national area every council, a region its councils, a
    council type its councils (``council_type`` of areas.csv), a group with its own row in
    areas.csv its members in groups.csv."""
    from ascbench.engine.membership import members_in_periods

    councils = areas[~areas["is_aggregate"]]
    aggregates = areas[areas["is_aggregate"]]
    parts = []
    national = (roles or {}).get("national")
    if national:
        parts.append(pd.DataFrame({"group": national, "area_code": councils["area_code"].to_numpy()}))
    if "region" in areas.columns:
        for code, name in zip(aggregates["area_code"], aggregates["area_name"], strict=True):
            members = councils.loc[councils["region"].astype(str) == str(name), "area_code"]
            if len(members) and code != national:
                parts.append(pd.DataFrame({"group": code, "area_code": members.to_numpy()}))
    if "council_type" in areas.columns:
        typed = councils[councils["council_type"].astype(str).isin(set(aggregates["area_code"]))]
        parts.append(
            pd.DataFrame({"group": typed["council_type"].to_numpy(), "area_code": typed["area_code"].to_numpy()})
        )
    if groups is not None and len(groups):
        listed = groups[groups["group_code"].isin(set(aggregates["area_code"]))]
        parts.append(listed.rename(columns={"group_code": "group", "member_code": "area_code"})[["group", "area_code"]])
    if not parts:
        return pd.DataFrame(columns=["group", "area_code", "period"])
    declared = pd.concat(parts, ignore_index=True).astype(str).drop_duplicates()
    periods = [p for p in periods if _parses(p)]
    return members_in_periods(declared, areas, periods)[["group", "area_code", "period"]]


def _parses(period: str) -> bool:
    from ascbench.periods import parse_period

    try:
        parse_period(period)
    except AscbenchError:
        return False
    return True


def _exposed_totals(text, value, is_count, hidden, status, membership, t):
    """Aggregate cells, shown and exact, whose members include exactly one hidden count, or
    hidden counts that add up to from 1 to ``t - 1``."""
    mask = np.zeros(len(text), dtype=bool)
    cells = text.assign(value=value, row=np.arange(len(text)), shown=is_count & ~hidden)
    totals = cells[cells["shown"] & (status != ROUNDED)].rename(columns={"area_code": "group"})
    totals = totals[totals["group"].isin(set(membership["group"]))]
    if totals.empty:
        return mask
    members = totals[["group", "period", "measure", "row", "value"]].merge(membership, on=["group", "period"])
    members = members.merge(
        cells[["area_code", "period", "measure", "value", "shown"]],
        on=["area_code", "period", "measure"],
        how="left",
        suffixes=("", "_m"),
    )
    members["shown"] = members["shown"].fillna(False).astype(bool)
    members["seen"] = np.where(members["shown"], members["value_m"], 0.0)
    sums = members.groupby("row").agg(
        total=("value", "first"), seen=("seen", "sum"), shown=("shown", "sum"), n=("shown", "size")
    )
    hidden_members = sums["n"] - sums["shown"]
    rest = sums["total"] - sums["seen"]
    exposed = (hidden_members >= 1) & ((hidden_members == 1) | ((rest > 0) & (rest < t)))
    mask[sums.index[exposed].to_numpy()] = True
    return mask


def _given_away_totals(text, value, is_count, hidden, status, membership):
    """A hidden aggregate cell whose members are all shown exactly is their sum: the largest
    member is hidden too (the classic complementary suppression)."""
    mask = np.zeros(len(text), dtype=bool)
    cells = text.assign(value=value, row=np.arange(len(text)), shown=is_count & ~hidden & (status != ROUNDED))
    totals = cells[is_count & hidden].rename(columns={"area_code": "group"})
    totals = totals[totals["group"].isin(set(membership["group"]))]
    if totals.empty:
        return mask
    members = totals[["group", "period", "measure", "row"]].merge(membership, on=["group", "period"])
    members = members.merge(
        cells[["area_code", "period", "measure", "value", "shown", "row"]],
        on=["area_code", "period", "measure"],
        how="left",
        suffixes=("", "_m"),
    )
    members["shown"] = members["shown"].fillna(False).astype(bool)
    every = members.groupby("row")["shown"].transform("all")
    members = members[every & members["row_m"].notna()]
    if members.empty:
        return mask
    largest = members.sort_values(["row", "value", "row_m"], ascending=[True, False, True]).drop_duplicates("row")
    mask[largest["row_m"].astype(np.int64).to_numpy()] = True
    return mask


def _spans(periods) -> pd.DataFrame:
    """``period, start, end`` of each distinct period that spans time (not a snapshot)."""
    from ascbench.periods import period_frame

    distinct = [p for p in pd.unique(periods) if _parses(p)]
    if not distinct:
        return pd.DataFrame(columns=["period", "start", "end"])
    frame = period_frame(pd.Series(distinct))
    return frame.loc[~frame["is_snapshot"].astype(bool), ["period", "start", "end"]]


def _exposed_periods(text, value, is_count, hidden, status, spans, t):
    """Shown exact cells whose period contains another shown exact cell's period of the same
    measure and area, sharing its start or its end, by a difference from 1 to ``t - 1``:
    the longer is suppressed."""
    mask = np.zeros(len(text), dtype=bool)
    if spans.empty:
        return mask
    cells = text.assign(value=value, row=np.arange(len(text)))[is_count & ~hidden & (status != ROUNDED)]
    cells = cells.merge(spans, on="period")
    if cells.empty:
        return mask
    pairs = cells.merge(cells, on=["area_code", "measure"], suffixes=("", "_in"))
    nested = (pairs["period"] != pairs["period_in"]) & (
        ((pairs["start"] == pairs["start_in"]) & (pairs["end"] > pairs["end_in"]))
        | ((pairs["end"] == pairs["end_in"]) & (pairs["start"] < pairs["start_in"]))
    )
    rest = pairs["value"] - pairs["value_in"]
    mask[pairs.loc[nested & (rest > 0) & (rest < t), "row"].to_numpy()] = True
    return mask


def _metric_cells(text, metrics, rule):
    """``metric_id, role, measure`` of every non-exempt metric with counts."""
    m = metrics[~metrics["metric_id"].isin(rule.exempt) & metrics["statistic"].isin(["proportion", "rate", "count"])]
    roles = m.melt(
        id_vars=["metric_id", "statistic"], value_vars=["numerator_measure", "denominator_measure"], var_name="role"
    )
    roles = roles.rename(columns={"value": "measure"}).dropna(subset=["measure"])
    # a rate's denominator is a population, not a count the rule protects
    return roles[~((roles["statistic"] == "rate") & (roles["role"] == "denominator_measure"))]


def _withheld_values(text, value, is_count, hidden, metrics, dependents, rule):
    """The published values and limits of each metric in each area and period where one of
    its counts is hidden."""
    mask = np.zeros(len(text), dtype=bool)
    if dependents.empty:
        return mask
    roles = _metric_cells(text, metrics, rule)
    cells = text.assign(row=np.arange(len(text)))
    gone = cells[hidden].merge(roles[["metric_id", "measure"]], on="measure")[["metric_id", "area_code", "period"]]
    if gone.empty:
        return mask
    carried = gone.drop_duplicates().merge(dependents, on="metric_id")
    rows = carried.merge(cells, on=["area_code", "period", "measure"])["row"].to_numpy()
    mask[rows] = True
    return mask & ~hidden & ~np.isnan(value)


def _implied_counts(text, value, metrics, rule, hidden):
    """Published values of proportions and rates that have a denominator but no numerator in
    the data, where value × denominator / multiplier (the count they imply) is from 1 to
    ``threshold - 1``, or, for a proportion, the rest of the denominator is."""
    mask = np.zeros(len(text), dtype=bool)
    m = metrics[
        ~metrics["metric_id"].isin(rule.exempt)
        & metrics["statistic"].isin(["proportion", "rate"])
        & metrics["value_measure"].notna()
        & metrics["denominator_measure"].notna()
    ]
    if m.empty:
        return mask
    cells = text.assign(value=value, row=np.arange(len(text)))[~hidden & ~np.isnan(value)]
    pub = m.merge(cells, left_on="value_measure", right_on="measure")
    den = pub.merge(
        cells,
        left_on=["denominator_measure", "area_code", "period"],
        right_on=["measure", "area_code", "period"],
        suffixes=("", "_d"),
    )
    num = den.merge(
        cells[["area_code", "period", "measure"]].rename(columns={"measure": "numerator_measure"}),
        on=["numerator_measure", "area_code", "period"],
        how="left",
        indicator=True,
    )
    num = num[num["_merge"] == "left_only"]
    implied = np.round(num["value"] * num["value_d"] / num["multiplier"].astype("float64"))
    rest = num["value_d"] - implied
    small = ((implied > 0) & (implied < rule.threshold)) | (
        (num["statistic"] == "proportion") & (rest > 0) & (rest < rule.threshold)
    )
    mask[num.loc[small, "row"].to_numpy()] = True
    return mask
