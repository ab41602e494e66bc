"""Whether each claim holds: agrees, disagrees (with the figure the data give) or cannot be
checked (and why).

**Figures** are compared at the precision they are printed with, rounding the data half away
from zero as the dashboard does (:func:`ascbench.render.numbers.round_half_away`): 95.3%
agrees with 95.25-95.35, 67% with 66.5-67.5, "119.2k" with 119,150-119,250; a count with
trailing zeros is taken as rounded ("4,100" to the hundred). A published value the data
hold at fewer decimals than printed is compared at its own. "Over", "more than" and "at
least" accept the figure or anything above it; "under", "less than" below; "almost" and
"nearly" up to 10% below; "about" within 5%. Words for shares - "a quarter", "two-thirds",
"four in 10" - agree within 2.5 percentage points.

**Comparison words** use the comparator's rating tolerance from the catalogue, on the
figures as printed at the metric's decimals: "higher", "above", "lower", "below" only need
the sign; "similar", "close to", "in line with" a difference within the tolerance;
"slightly" a difference of the right sign no more than twice the tolerance; "considerably",
"well", "significantly" more than the tolerance. **Direction words** do the same with the
metric's direction tolerance against the earlier period ("little change": within it;
"unchanged": the printed figures equal; "improved": a change in the metric's good direction).

A claim disagrees only when it is tied to one metric, area and period with data, and the
data's figure is near enough to be the same quantity (within half the larger of the two, and
15 points for a percentage); otherwise it cannot be checked, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ascbench.check.claims import Claim, Figure
from ascbench.check.document import Document
from ascbench.check.facts import Facts, MetricInfo
from ascbench.check.phrases import PeriodRef, shifted
from ascbench.check.tie import Context, Lexicon, area_of, build_context, candidates, stem, tokens
from ascbench.periods import parse_period
from ascbench.render.display import own_decimals
from ascbench.render.numbers import fmt_number, round_half_away

AGREES, DISAGREES, CANNOT = "agrees", "disagrees", "cannot be checked"
FRACTION_TOLERANCE = 2.5  # percentage points either side of "a quarter", "four in 10"
SLIGHT_TIMES = 2.0  # "slightly": up to twice the tolerance


@dataclass
class Outcome:
    verdict: str
    metric_id: str = ""
    area_code: str = ""
    period: str = ""
    data: str = ""  # the data's figure, as the report would print it
    reason: str = ""
    score: float = 0.0
    role: str = ""

    @property
    def rank(self) -> int:
        return {AGREES: 0, DISAGREES: 1, CANNOT: 2}[self.verdict]


@dataclass
class Checked:
    claim: Claim
    outcome: Outcome


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


# ------------------------------------------------------------------------------ figures
def figure_agrees(printed: Figure, data: float, data_decimals: int | None = None) -> bool:
    """Whether the data's figure, printed as the report prints, is the printed figure."""
    p, d = printed.value, data
    q = printed.qualifier
    if printed.fraction:
        if q == "over":
            return d > p
        if q == "under":
            return d < p
        if q == "nearly":
            return p - 2 * FRACTION_TOLERANCE <= d <= p
        return abs(d - p) <= FRACTION_TOLERANCE + 1e-9
    scale = printed.scale or 1.0
    decimals = printed.decimals
    ps, ds = p / scale, d / scale
    if data_decimals is not None and decimals > data_decimals >= 0:
        decimals = data_decimals
        ps = round_half_away(ps, decimals)
    rounded = round_half_away(ds, decimals)
    if q == "over":
        return ds >= ps or _close(rounded, ps)
    if q == "at least":
        return ds >= ps or _close(rounded, ps)
    if q == "under":
        return ds <= ps or _close(rounded, ps)
    if q == "up to":
        return ds <= ps or _close(rounded, ps)
    if q == "nearly":
        return 0.9 * ps <= ds <= ps or _close(rounded, ps)
    if q == "about":
        return abs(ds - ps) <= max(0.05 * abs(ps), 0.5 * 10 ** (-decimals)) or _close(rounded, ps)
    return _close(rounded, ps)


def plausible(printed: Figure, data: float, change: bool = False) -> bool:
    """Whether a figure that does not agree is still near enough to be the same quantity
    (else the claim is probably about something the catalogue does not hold). A change may
    also be ten units of its printed precision off ("rose by 5%" when nothing changed)."""
    p, d = printed.value, data
    if change and abs(p - d) <= 10 * 10 ** (-max(printed.decimals, 0)) * (printed.scale or 1.0):
        return True
    if printed.unit == "%" and abs(p - d) > 15:
        return False
    big = max(abs(p), abs(d))
    return big == 0 or abs(p - d) <= 0.5 * big


def as_printed(value: float, printed: Figure, decimals: int | None = None) -> str:
    """The data's figure written as the report writes the claim's: ``95.6%``, ``119.2k``."""
    if printed.fraction:
        return fmt_number(value, 1) + "%"
    d = max(printed.decimals if decimals is None else decimals, 0)
    scale = printed.scale or 1.0
    text = fmt_number(value / scale, d)
    if printed.unit == "%":
        text += "%"
    elif scale == 1000:
        text += "k"
    elif scale == 1_000_000:
        text += "m"
    elif printed.unit == "pp":
        text += " points"
    elif printed.unit == "per":
        base = re.search(r"per\s+(\S+)", printed.text)
        text += " per " + (base.group(1) if base else "100,000")
    return text


def metric_value_text(value: float, info: MetricInfo) -> str:
    d = info.decimals
    if info.unit == "%":
        return fmt_number(value, d) + "%"
    if info.scale == "thousands":
        return fmt_number(value / 1000, d) + "k"
    if info.unit:
        return fmt_number(value, d) + " " + info.unit
    return fmt_number(value, d)


def period_label(period: str) -> str:
    try:
        return parse_period(period).label
    except Exception:  # noqa: BLE001
        return period


# ------------------------------------------------------------------------------- periods
def period_choices(facts: Facts, metric: str, area: str, ref: PeriodRef | None, bound: bool) -> tuple[list[str], str]:
    """The data periods a claim's period can mean, best first; or ([], why) when it names a
    period with no data."""
    have = facts.periods.get((metric, area), [])
    if ref is not None and ref.kind in ("span", "point", "year") and not ref.needs_year:
        tiers = [(t, p) for p in have if (t := ref.tier(p)) is not None]
        if tiers:
            best = min(t for t, _ in tiers)
            chosen = [p for t, p in tiers if t == best]
            return sorted(chosen, key=lambda p: parse_period(p).end, reverse=True), ""
        if bound:
            return [], f"no data for {ref.text}"
    return _default_periods(facts, metric, area), ""


def _default_periods(facts: Facts, metric: str, area: str) -> list[str]:
    """The period a claim without a period means: the metric's current period as at the
    report's date (for the report's area, the engine's choice), then the one before."""
    row = facts.row(metric, area) if area == facts.focus else None
    if row is not None:
        out = [row["period"]]
        if row.get("previous_period"):
            out.append(row["previous_period"])
        return out
    end = parse_period(facts.report_period).end
    have = [p for p in facts.periods.get((metric, area), []) if parse_period(p).end <= end]
    return list(reversed(have))[:2]


def relative_periods(facts: Facts, metric: str, area: str, base: str, which: str) -> list[str]:
    """The earlier period "last year" or "the preceding six months" means, from ``base``:
    the like-for-like one, then the engine's previous period for ``base``."""
    out = []
    try:
        out = shifted(None, parse_period(base), "preceding" if which == "preceding" else "year_earlier")  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001
        out = []
    row = facts.row(metric, area, base) if area == facts.focus else None
    if row is not None and row.get("previous_period") and row["previous_period"] not in out:
        out.append(row["previous_period"])
    return [p for p in out if (metric, area, p) in facts.observations]


# ------------------------------------------------------------------------------ the judge
class Judge:
    def __init__(self, document: Document, facts: Facts):
        self.document = document
        self.facts = facts
        self.claims: list[Claim] = []
        self.lexicon = Lexicon(facts.metrics)
        self.ties: dict[int, Outcome] = {}  # claim index -> the outcome it got (for linked claims)
        self.contexts: dict[int, Context] = {}

    # ---------------------------------------------------------------- candidates and roles
    def allowed(self, claim: Claim) -> list[str]:
        f = claim.figure
        out = []
        for mid, m in self.facts.metrics.items():
            if claim.kind in ("change", "gap") and f is not None and f.unit == "pp":
                if m.unit == "%":
                    out.append(mid)
            elif claim.kind in ("change", "gap") and f is not None and f.unit == "%":
                out.append(mid)
            elif claim.kind in ("change", "gap"):
                if m.statistic in ("count", "rate", "score", "published") and m.unit != "%":
                    out.append(mid)
            elif claim.kind == "rank" or f is None:
                out.append(mid)
            elif f.unit == "%" or f.fraction:
                if m.unit == "%":
                    out.append(mid)
            elif f.unit == "per":
                if m.statistic == "rate" or m.unit.startswith("per"):
                    out.append(mid)
            elif f.unit == "£":
                if m.unit.startswith("£"):
                    out.append(mid)
            elif claim.kind in ("numerator", "denominator"):
                if m.statistic in ("proportion", "rate", "count"):
                    out.append(mid)
            else:
                out.append(mid)
        return out

    def roles(self, claim: Claim, m: MetricInfo) -> list[str]:
        f = claim.figure
        kind = claim.kind
        if kind in ("numerator", "denominator"):
            return [kind] if m.statistic in ("proportion", "rate") else ["value"] if kind == "numerator" else []
        if kind in ("value", "previous", "comparator") and f is not None and not f.unit and not f.fraction:
            if m.statistic == "proportion":
                return [] if kind == "comparator" else ["numerator?", "denominator?"]
            if m.statistic == "rate":
                if kind != "comparator" and self._counted(claim, m):
                    return ["numerator", "value?"]  # "50 admissions": the rate's count
                value = (
                    "value"
                    if max(f.decimals, 0) == m.decimals or re.search(r"\brate\b", claim.text + self._left(claim))
                    else "value?"
                )
                return [value, "numerator?"] if kind != "comparator" else [value]
        if kind == "comparator" and not claim.target and not claim.context.get("carried_target"):
            return ["comparator", "previous?"]  # "against 87.3%": a benchmark or an earlier value
        return [kind]

    def _counted(self, claim: Claim, m: MetricInfo) -> bool:
        """Whether the word after a plain number is what the metric counts ("50 admissions",
        "3,110 people"): a word of its title."""
        after = re.match(r"\s*([a-z][a-z'-]+)", self.document.masked[claim.end : claim.end + 30].lower())
        return after is not None and stem(after.group(1)) in tokens(m.title)

    def _left(self, claim: Claim) -> str:
        return self.document.masked[max(claim.clause[0], claim.start - 40) : claim.start].lower()

    # ---------------------------------------------------------------------------- figures
    def judge_figure(self, index: int, claim: Claim) -> Outcome:
        ctx = self.context(index, claim)
        if claim.link is not None and claim.link in self.ties and self.ties[claim.link].metric_id:
            linked = self.ties[claim.link]
            cands = [(linked.metric_id, 9.0)]
        else:
            cands = candidates(self.lexicon, ctx, self.allowed(claim))
        if not cands:
            return Outcome(CANNOT, reason="no metric of the catalogue matches the words around it")
        outcomes = []
        for mid, score in cands:
            m = self.facts.metrics[mid]
            for role in self.roles(claim, m):
                weak = role.endswith("?")
                role = role.rstrip("?")
                o = self.evaluate(claim, ctx, m, role)
                o.score, o.role = score, role
                if weak and o.verdict == DISAGREES:  # a reading the words do not make sure of
                    o.verdict = CANNOT
                    o.reason = f"not clearly the {_what(role)} of {m.code}: " + o.reason
                outcomes.append(o)
        if not outcomes:
            return Outcome(CANNOT, reason="no metric of the catalogue holds a figure of this kind here")
        agreeing = [o for o in outcomes if o.verdict == AGREES]
        if agreeing:
            return max(agreeing, key=lambda o: o.score)
        best = max(o.score for o in outcomes)
        top = [o for o in outcomes if o.score >= best - 1e-9]
        disagreeing = [o for o in top if o.verdict == DISAGREES]
        if disagreeing:
            return disagreeing[0]
        return top[0]

    def context(self, index: int, claim: Claim) -> Context:
        if id(claim) not in self.contexts:
            self.contexts[id(claim)] = build_context(self.document, claim, self.facts)
        return self.contexts[id(claim)]

    def evaluate(self, claim: Claim, ctx: Context, m: MetricInfo, role: str) -> Outcome:
        f = claim.figure
        assert f is not None
        area = area_of(claim, self.facts)
        kind = claim.kind
        ref = ctx.period
        if kind == "value" and ref is not None and ref.kind == "relative":
            kind = "previous"
            claim.context["as_previous"] = True  # "the equivalent period last year (115,795)"
        if kind == "comparator" and role == "previous":
            kind, ref = "previous", None
        if kind in ("change", "gap"):
            return self.evaluate_change(claim, ctx, m, kind)
        if kind == "comparator":
            return self.evaluate_comparator(claim, ctx, m)
        if kind == "previous" and role == "previous":
            role = "value"
        if kind == "rank":
            return self.evaluate_rank(claim, ctx, m)
        # value, previous, numerator, denominator
        if claim.link is not None and claim.link in self.ties and self.ties[claim.link].period:
            periods, why = [self.ties[claim.link].period], ""
            area = self.ties[claim.link].area_code or area
        elif kind == "previous" or (ref is not None and ref.kind == "relative"):
            periods, why = self.previous_periods(claim, ctx, m.id, area)
        else:
            periods, why = period_choices(self.facts, m.id, area, ref, ctx.bound)
        if not periods:
            return Outcome(
                CANNOT, m.id, area, reason=why or f"no data for {m.code} in {self.facts.area_names.get(area, area)}"
            )
        field = {"numerator": "numerator", "denominator": "denominator"}.get(role, "value")
        first = None
        for p in periods:
            obs = self.facts.observation(m.id, area, p)
            if obs is None or obs.get(field) is None:
                continue
            data = float(obs[field])
            dd = own_decimals(data, 0) if obs.get("value_basis") == "published" and field == "value" else None
            if figure_agrees(f, data, dd):
                return Outcome(
                    AGREES, m.id, area, p, as_printed(data, f, dd if dd is not None and dd < f.decimals else None)
                )
            if first is None:
                first = (p, data, dd)
        if first is None:
            return Outcome(CANNOT, m.id, area, periods[0], reason=f"the data hold no {field} for {m.code}")
        p, data, dd = first
        text = as_printed(data, f, dd if dd is not None and dd < f.decimals else None)
        if not plausible(f, data):
            return Outcome(
                CANNOT,
                m.id,
                area,
                p,
                text,
                reason=f"the data give {text} for {m.code}: too far off to be the same figure",
            )
        return Outcome(
            DISAGREES, m.id, area, p, text, reason=f"the data give {text} ({_what(field)}, {period_label(p)})"
        )

    def previous_periods(self, claim: Claim, ctx: Context, metric: str, area: str) -> tuple[list[str], str]:
        ref = ctx.period
        if ref is not None and ref.kind in ("span", "point", "year") and not ref.needs_year and ctx.scope == "attached":
            return period_choices(self.facts, metric, area, ref, True)  # "down from 61 in March 2025"
        if ref is None or ref.kind != "relative":  # "from 17,270" after "the preceding six months"
            ref = next((r for r in claim.context.get("periods", []) if r.kind == "relative"), None)
        base, why = self.base_period(claim, metric, area)
        if base is None:
            return [], why
        which = ref.which if ref is not None and ref.kind == "relative" else "year_earlier"
        out = relative_periods(self.facts, metric, area, base, which)
        return out, "" if out else f"no data for the period before {period_label(base)}"

    def base_period(self, claim: Claim, metric: str, area: str) -> tuple[str | None, str]:
        """The period a change or direction runs to: the latest period named in the claim's
        sentence that is not the earlier one (none when the data have none for it), else
        the metric's current period; with the reason when there is none."""
        ctx_refs = [
            r for r in claim.context.get("periods", []) if r.kind in ("span", "point", "year") and not r.needs_year
        ]
        ss, se = claim.sentence
        from ascbench.check.phrases import period_mentions

        refs = ctx_refs or [
            r
            for r in period_mentions(self.document.masked, ss, se)
            if r.kind in ("span", "point", "year") and not r.needs_year
        ]
        if claim.figure is not None and area == self.facts.focus:
            value = self._value_before(claim, metric)  # "39.6% ..., down 5.3 points on 44.9%"
            if value is not None:
                return value, ""
        ref_period = self.ref_of(claim)
        named = [r for r in refs if ref_period is None or r.start != ref_period.start]
        why = ""
        for r in sorted(named, key=lambda r: r.last or parse_period(self.facts.report_period).end, reverse=True):
            periods, why = period_choices(self.facts, metric, area, r, True)
            if periods:
                return periods[0], ""
        if named:
            return None, why
        ctx = self.contexts.get(id(claim))
        periods = _default_periods(self.facts, metric, area)
        if (
            ctx is not None
            and ctx.period is not None
            and ctx.period.kind in ("span", "point")
            and not ctx.period.needs_year
        ):
            got, _ = period_choices(self.facts, metric, area, ctx.period, False)
            periods = got or periods
        return (periods[0], "") if periods else (None, f"no data for {self.facts.metrics[metric].code}")

    def ref_of(self, claim: Claim) -> PeriodRef | None:
        """The earlier period a change or direction is against, when the clause names it: a
        relative wording ("last year"), or a period after "from", "than", "on", "since"."""
        masked = self.document.masked
        for r in claim.context.get("periods", []):
            if r.kind == "relative":
                return r
            if r.kind in ("span", "point", "year") and re.search(
                r"\b(?:from|than|on|since|compared\s+(?:to|with)|with)\s+(?:the\s+|these\s+|those\s+|its\s+|their\s+)?(?:[\d.,%]+\s+(?:\w+\s+)?in\s+)?$",
                masked[max(0, r.start - 40) : r.start].lower(),
            ):
                return r
        return None

    def evaluate_change(self, claim: Claim, ctx: Context, m: MetricInfo, kind: str) -> Outcome:
        f = claim.figure
        assert f is not None
        area = self.facts.focus if claim.area_words in ("", self.facts.focus) else area_of(claim, self.facts)
        base, why = self.base_period(claim, m.id, area)
        if base is None:
            return Outcome(CANNOT, m.id, area, reason=why)
        obs = self.facts.observation(m.id, area, base)
        if obs is None:
            return Outcome(CANNOT, m.id, area, base, reason=f"no data for {m.code} in {period_label(base)}")
        now = float(obs["value"])
        if kind == "gap":
            comp = self.comparator(m.id, area, base, claim.target or "target")
            if comp is None:
                return Outcome(
                    CANNOT,
                    m.id,
                    area,
                    base,
                    reason=f"no {claim.target or 'target'} for {m.code} in {period_label(base)}",
                )
            reference, against = comp["value"], comp["label"]
        else:
            ref = self.ref_of(claim)
            if ref is not None and ref.kind in ("span", "point", "year") and not ref.needs_year:
                earlier, _ = period_choices(self.facts, m.id, area, ref, True)
            else:
                which = ref.which if ref is not None and ref.kind == "relative" else "year_earlier"
                earlier = relative_periods(self.facts, m.id, area, base, which)
            earlier = [p for p in earlier if p != base]
            if not earlier:
                return Outcome(
                    CANNOT,
                    m.id,
                    area,
                    base,
                    reason=f"no earlier period in the data to compare {period_label(base)} with",
                )
            reference = float(self.facts.observations[(m.id, area, earlier[0])]["value"])
            against = period_label(earlier[0])
        diff = now - reference
        readings = []
        if f.unit == "pp" or (f.unit == "%" and m.unit == "%" and not re.search(r"\bpercent", claim.text.lower())):
            readings.append(("points", diff))
        if f.unit == "%":
            if reference:
                readings.append(("%", diff / reference * 100))
        elif f.unit != "pp":
            readings.append(("", diff))
        if not readings:
            return Outcome(CANNOT, m.id, area, base, reason="the reference is zero")
        results = []
        for unit, value in readings:
            sign_ok = claim.sign == 0 or (value > 0) == (claim.sign > 0) or value == 0
            size_ok = figure_agrees(f, abs(value))
            text = ("+" if value > 0 else "-" if value < 0 else "") + as_printed(abs(value), f)
            if unit == "points" and not text.endswith(" points"):
                text = text.rstrip("%") + " points"
            results.append((sign_ok and size_ok, sign_ok, value, text))
        what = "change on " + against if kind == "change" else "gap to " + against
        for ok, _, _, text in results:
            if ok:
                return Outcome(AGREES, m.id, area, base, text, reason=what)
        ok, sign_ok, value, text = results[-1] if f.unit == "%" else results[0]
        if sign_ok and not plausible(f, abs(value), change=True):
            return Outcome(
                CANNOT,
                m.id,
                area,
                base,
                text,
                reason=f"the data give {text} ({what}): too far off to be the same figure",
            )
        return Outcome(DISAGREES, m.id, area, base, text, reason=f"the data give {text} ({what})")

    def comparator(self, metric: str, area: str, base: str, target: str) -> dict | None:
        """The benchmark a claim compares with: the comparator of that area role (``national``,
        ``peer``) or type (``target``), or the deciding one; its value, label, period and
        tolerance."""
        row = self.facts.row(metric, area, base)
        comps = [c for c in (row or {}).get("comparators", []) if c.get("comparator_value") is not None]
        pick = None
        if target in self.facts.roles:
            code = self.facts.roles[target]
            pick = next(
                (c for c in comps if c.get("comparator_area") == code and c.get("comparator_type") == "area"), None
            )
            if pick is None:
                have = [
                    p
                    for p in self.facts.periods.get((metric, code), [])
                    if parse_period(p).end <= parse_period(base).end
                ]
                if not have:
                    return None
                p = have[-1]
                m = self.facts.metrics[metric]
                return {
                    "value": float(self.facts.observations[(metric, code, p)]["value"]),
                    "label": f"{self.facts.area_names.get(code, code)} {period_label(p)}",
                    "period": p,
                    "area": code,
                    "within": m.rating_within,
                    "relative": m.rating_relative,
                }
        elif target == "target":
            pick = next((c for c in comps if c.get("comparator_type") in ("target", "value", "baseline")), None)
        else:
            pick = comps[0] if comps else None
        if pick is None:
            return None
        return {
            "value": float(pick["comparator_value"]),
            "label": str(pick.get("comparator") or ""),
            "period": pick.get("comparator_period"),
            "area": pick.get("comparator_area") if pick.get("comparator_type") == "area" else area,
            "within": float(pick.get("rating_within") or 0.0),
            "relative": bool(pick.get("rating_relative")),
        }

    def evaluate_comparator(self, claim: Claim, ctx: Context, m: MetricInfo) -> Outcome:
        f = claim.figure
        assert f is not None
        focus = self.facts.focus
        target = claim.target
        if not target:
            target = self._carried_target(claim)
        bases = []
        value = self._value_before(claim)
        if value is not None and ctx.scope != "attached":  # the benchmark of the value the sentence gives
            bases = [value]
        elif ctx.period is not None and ctx.period.kind in ("span", "point", "year") and not ctx.period.needs_year:
            if target in self.facts.roles:  # the benchmark's own period, as named
                code = self.facts.roles[target]
                periods, why = period_choices(self.facts, m.id, code, ctx.period, ctx.bound)
                for p in periods:
                    data = float(self.facts.observations[(m.id, code, p)]["value"])
                    if figure_agrees(f, data, own_decimals(data, 0)):
                        return Outcome(AGREES, m.id, code, p, as_printed(data, f))
            bases, _ = period_choices(self.facts, m.id, focus, ctx.period, False)
        bases = bases or _default_periods(self.facts, m.id, focus)
        first = None
        for base in bases[:2]:
            comp = self.comparator(m.id, focus, base, target)
            if comp is None:
                continue
            data = comp["value"]
            if figure_agrees(f, data, own_decimals(data, 0)):
                return Outcome(
                    AGREES, m.id, comp["area"], comp.get("period") or base, as_printed(data, f), reason=comp["label"]
                )
            first = first or (comp, base)
        if first is None:
            return Outcome(CANNOT, m.id, focus, reason=f"no {target or 'comparator'} value for {m.code} in the data")
        comp, base = first
        text = as_printed(comp["value"], f)
        if not plausible(f, comp["value"]):
            return Outcome(
                CANNOT,
                m.id,
                comp["area"],
                comp.get("period") or base,
                text,
                reason=f"the data give {text} ({comp['label']}): too far off to be the same figure",
            )
        return Outcome(
            DISAGREES,
            m.id,
            comp["area"],
            comp.get("period") or base,
            text,
            reason=f"the data give {text} ({comp['label']})",
        )

    def _value_before(self, claim: Claim, metric: str | None = None) -> str | None:
        """The period of the value figure nearest before ``claim`` in its sentence, when tied
        (to ``metric``, when given)."""
        for j in range(len(self.claims) - 1, -1, -1):
            c = self.claims[j]
            if (
                c.sentence != claim.sentence
                or c.start >= claim.start
                or c.kind != "value"
                or c.context.get("as_previous")
            ):
                continue
            o = self.ties.get(j)
            if o is not None and o.period and o.area_code == self.facts.focus and metric in (None, o.metric_id):
                return o.period
        return None

    def _carried_target(self, claim: Claim) -> str:
        return str(claim.context.get("carried_target") or "")

    def evaluate_rank(self, claim: Claim, ctx: Context, m: MetricInfo) -> Outcome:
        f = claim.figure
        assert f is not None
        focus = self.facts.focus
        bases, why = period_choices(self.facts, m.id, focus, ctx.period, ctx.bound)
        for base in bases or [self.facts.report_period]:
            row = self.facts.row(m.id, focus, base, ranks=True) or self.facts.row(m.id, focus, ranks=True)
            if row is None or row.get("rank") is None:
                continue
            rank, of = int(row["rank"]), int(row["rank_of"])
            text = f"{rank} of {of} ({period_label(str(row.get('rank_period') or base))})"
            if rank == int(f.value) and (f.of is None or int(f.of) == of):
                return Outcome(AGREES, m.id, focus, str(row.get("rank_period") or base), text)
            return Outcome(
                DISAGREES, m.id, focus, str(row.get("rank_period") or base), text, reason=f"the data give {text}"
            )
        return Outcome(CANNOT, m.id, focus, reason=why or f"no rank for {m.code} in the data")


def _what(field: str) -> str:
    return {"value": "value", "numerator": "count", "denominator": "base count"}.get(field, field)


# ------------------------------------------------------------------------------- words
class WordJudge(Judge):
    """Figures, then the words that compare or move, then the sums."""

    def run(self, claims: list[Claim]) -> list[Checked]:
        self.claims = claims
        self._carry_targets(claims)
        results: dict[int, list[Outcome]] = {}
        for i, c in enumerate(claims):
            if c.figure is not None and not c.context.get("computed"):
                o = self.judge_figure(i, c)
                self.ties[i] = o
                results[i] = [o]
        for i, c in enumerate(claims):
            if c.kind == "arithmetic":
                results[i] = [self.judge_arithmetic(c, claims)]
            elif c.kind in ("comparison", "direction", "quartile"):
                got = self.judge_words(i, c)
                if got:
                    results[i] = got
        return [
            Checked(c, o)
            for i, c in enumerate(claims)
            for o in results.get(i, [])
            if not (c.figure is not None and c.figure.word and o.verdict == CANNOT)  # "two metrics": not a statistic
        ]

    def _carry_targets(self, claims: list[Claim]) -> None:
        """A comparator or comparison that does not name its benchmark takes the one named
        last before it in the sentence or paragraph ("slightly lower than the peer group
        average (1,573 compared to 1,615) and for those aged 65 or over, slightly higher
        (14,185 compared to 11,163)")."""
        last: dict[int, str] = {}
        for c in claims:
            named = (
                c.target if c.kind in ("comparator", "comparison", "gap") else c.area_words if c.kind == "value" else ""
            )
            if named in ("national", "peer", "region", "target") or (named and named != self.facts.focus):
                if c.kind != "value" or named in ("peer", "national", "region"):
                    last[c.block] = named
            if c.kind in ("comparator", "comparison") and not c.target and c.block in last:
                c.context["carried_target"] = last[c.block]
                if c.kind == "comparison":
                    c.target = last[c.block]

    # ----------------------------------------------------------------- which metrics
    def word_metrics(self, index: int, claim: Claim) -> list[tuple[str, str, int, str]]:
        """(metric, period, claim index) of the figures a word claim is about: those tied in
        its clause, else its sentence, else its table row, else (all of them, for "these
        rates", "both") the sentence before."""
        tied = [
            (j, c, self.ties[j])
            for j, c in enumerate(self.claims)
            if j in self.ties
            and self.ties[j].metric_id
            and c.block == claim.block
            and c.kind in ("value", "previous", "comparator", "numerator", "change", "gap")
        ]
        for scope in ("clause", "sentence"):
            near = [(j, c, o) for j, c, o in tied if getattr(c, scope) == getattr(claim, scope)]
            if scope == "sentence" and not any(c.clause == claim.clause for _, c, _ in near):
                named = self._named_in_clause(claim)  # "..., and ASCOF 2D was up on the year before"
                if named:
                    return [(named, "", -1, self.facts.focus)]
            if near:
                near.sort(key=lambda t: (t[1].kind not in ("value",), abs(t[1].start - claim.start)))
                return self._distinct(near, claim, many=claim.kind == "comparison")
        if any(c.figure is not None and c.sentence == claim.sentence and not c.figure.word for c in self.claims):
            return []  # the sentence's own figures are tied to no metric: neither are its words
        block = self.document.blocks[claim.block]
        if block.kind == "row":
            rows = [t for t in tied if t[1].kind == "value" and t[2].area_code == self.facts.focus]
            rows.sort(
                key=lambda t: (
                    parse_period(t[2].period).end if t[2].period else parse_period(self.facts.report_period).end
                ),
                reverse=True,
            )
            return self._distinct(rows or tied, claim, many=False)
        before = [(j, c, o) for j, c, o in tied if c.sentence[1] <= claim.sentence[0]]
        if before:
            last = max(c.sentence for _, c, _ in before)
            if claim.plural:
                chosen = [t for t in before if t[1].sentence[0] >= _two_back(before, last)]
            else:
                chosen = [t for t in before if t[1].sentence == last]
            chosen.sort(key=lambda t: (t[1].kind not in ("value",), -t[1].start))
            return [
                (m, "", j, a)
                for m, _, j, a in self._distinct(chosen, claim, many=claim.plural or claim.kind == "comparison")
            ]
        ctx = self.context(index, claim)
        cands = candidates(self.lexicon, ctx, list(self.facts.metrics))
        if len(cands) == 1:
            return [(cands[0][0], "", -1, self.facts.focus)]
        return []

    def _named_in_clause(self, claim: Claim) -> str | None:
        """The one metric the claim's own clause names by code or by title or synonym."""
        cs, ce = claim.clause
        window = [(self.document.masked[cs:ce], 1.0)]
        scored = [(mid, self.lexicon.score(window, mid)) for mid in self.facts.metrics]
        strong = [mid for mid, score in scored if score >= 1.0]
        return strong[0] if len(strong) == 1 else None

    def _distinct(self, tied, claim: Claim, many: bool):
        out: list[tuple[str, str, int, str]] = []
        seen = set()
        for j, c, o in tied:
            if o.metric_id in seen:
                continue
            seen.add(o.metric_id)
            area = o.area_code if c.kind == "value" and o.area_code else self.facts.focus
            out.append((o.metric_id, o.period if c.kind == "value" else "", j, area))
        if not many:
            out = out[:1]
        return out

    def judge_words(self, index: int, claim: Claim) -> list[Outcome]:
        metrics = self.word_metrics(index, claim)
        if not metrics:
            ss, se = claim.sentence
            if not any(c.figure is not None and c.sentence == claim.sentence for c in self.claims):
                return []  # words in a sentence without figures: not a numeric claim
            return [Outcome(CANNOT, reason="no metric of the catalogue matches the words around it")]
        out = []
        for metric, period, _, area in metrics:
            if claim.kind == "direction" and _in_title(claim.words, self.facts.metrics[metric]):
                continue  # "the risk being reduced or removed": the metric's own words
            if claim.kind == "comparison":
                out.append(self.evaluate_comparison(claim, metric, period))
            elif claim.kind == "direction":
                out.append(self.evaluate_direction(claim, metric, period, area))
            else:
                out.append(self.evaluate_quartile(claim, metric, period))
        return out

    def _base(self, claim: Claim, metric: str, period: str, area: str | None = None) -> str | None:
        if period:
            return period
        return self.base_period(claim, metric, area or self.facts.focus)[0]

    def evaluate_comparison(self, claim: Claim, metric: str, period: str) -> Outcome:
        focus = self.facts.focus
        m = self.facts.metrics[metric]
        base = self._base(claim, metric, period)
        if base is None:
            return Outcome(CANNOT, metric, focus, reason=f"no data for {m.code}")
        obs = self.facts.observation(metric, focus, base)
        comp = self.comparator(metric, focus, base, claim.target)
        if obs is None or comp is None:
            return Outcome(
                CANNOT,
                metric,
                focus,
                base,
                reason=f"no {claim.target or 'comparator'} to compare {m.code} with in {period_label(base)}",
            )
        v, c = float(obs["value"]), comp["value"]  # noqa: F841
        d = m.decimals
        shown_v = round_half_away(v, d)
        shown_c = round_half_away(c, max(d, own_decimals(c, d)))
        diff = shown_v - shown_c
        tol = abs(c) * comp["within"] / 100 if comp["relative"] else comp["within"]
        unit = "%" if comp["relative"] else (" points" if m.unit == "%" else (" " + m.unit if m.unit else ""))
        gap = (fmt_number(abs(diff / c * 100), 1) + "%") if comp["relative"] and c else fmt_number(abs(diff), d) + unit
        side = "above" if diff > 0 else "below" if diff < 0 else "level with"
        text = f"{metric_value_text(v, m)} against {metric_value_text(c, m)} ({comp['label']}): {gap} {side}".replace(
            ": 0 level with", ": level with"
        )
        tol_text = (
            (
                f"{fmt_number(comp['within'], 1)}%"
                if comp["relative"]
                else fmt_number(comp["within"], 2).rstrip("0").rstrip(".") + unit
            )
            if comp["within"]
            else "none"
        )
        verdict, why = self._grade_check(claim, diff, tol, m.polarity, "the rating tolerance", tol_text)
        if (
            verdict == DISAGREES
            and claim.grade == "similar"
            and claim.target == "target"
            and m.polarity in ("high", "low")
        ):
            if (diff > 0) == (m.polarity == "high"):  # "in line with the milestone": met it, or close
                verdict, why = AGREES, "the target is met"
        return Outcome(verdict, metric, focus, base, text, reason=why)

    def _grade_check(
        self, claim: Claim, diff: float, tol: float, polarity: str, what: str, tol_text: str
    ) -> tuple[str, str]:
        grade = claim.grade
        performance = bool(claim.context.get("performance"))
        if claim.kind == "direction":
            direction = claim.context.get("direction", "")
            if direction in ("better", "worse"):
                performance = True
            sign = {"up": 1, "down": -1, "better": 1, "worse": -1}.get(direction, 0)
            if direction in ("same", "similar"):
                grade = direction
        else:
            sign = claim.sign
        if performance and grade not in ("same", "similar"):
            if polarity not in ("high", "low"):
                return CANNOT, f"the metric's polarity is '{polarity}', so better or worse is not a matter of sign"
            sign = sign if polarity == "high" else -sign
        if grade == "same":
            return (AGREES, "") if diff == 0 else (DISAGREES, "the figures differ as printed")
        if grade == "similar":
            if not tol:
                return CANNOT, f"the catalogue gives no tolerance for {what}"
            return (
                (AGREES, f"within {what} ({tol_text})")
                if abs(diff) <= tol + 1e-9
                else (DISAGREES, f"beyond {what} ({tol_text})")
            )
        if diff == 0:
            return DISAGREES, "the figures are equal as printed"
        if (diff > 0) != (sign > 0):
            return DISAGREES, "the other way round"
        if grade == "slight":
            if not tol:
                return AGREES, "no tolerance in the catalogue to judge 'slightly'; the direction agrees"
            if abs(diff) <= SLIGHT_TIMES * tol + 1e-9:
                return AGREES, f"within twice {what} ({tol_text})"
            return DISAGREES, f"more than twice {what} ({tol_text}): not slight"
        if grade == "large":
            if not tol:
                return AGREES, "no tolerance in the catalogue to judge the size; the direction agrees"
            return (
                (AGREES, f"beyond {what} ({tol_text})")
                if abs(diff) > tol + 1e-9
                else (DISAGREES, f"within {what} ({tol_text}): not a large difference")
            )
        return AGREES, ""

    def evaluate_direction(self, claim: Claim, metric: str, period: str, area: str) -> Outcome:
        focus = area
        m = self.facts.metrics[metric]
        base, why = (period, "") if period else self.base_period(claim, metric, focus)
        if base is None:
            return Outcome(CANNOT, metric, focus, reason=why)
        ctx = self.context(-1, claim)
        if (
            ctx.bound
            and ctx.period is not None
            and ctx.period.kind in ("span", "point")
            and not ctx.period.needs_year
            and not period
        ):
            named, why = period_choices(self.facts, metric, focus, ctx.period, True)
            if not named:
                return Outcome(CANNOT, metric, focus, reason=why)
        obs = self.facts.observation(metric, focus, base)
        if obs is None:
            return Outcome(CANNOT, metric, focus, base, reason=f"no data for {m.code} in {period_label(base)}")
        ref = self.ref_of(claim)
        earlier: list[str] = []
        if ref is not None and ref.kind in ("span", "point", "year") and not ref.needs_year:
            earlier, _ = period_choices(self.facts, metric, focus, ref, True)
        else:
            row_periods = self._row_periods(claim, metric)
            earlier = [p for p in row_periods if p != base]
            if not earlier:
                which = ref.which if ref is not None and ref.kind == "relative" else "year_earlier"
                earlier = relative_periods(self.facts, metric, focus, base, which)
        earlier = [p for p in earlier if p != base and parse_period(p).end < parse_period(base).end]
        if not earlier:
            return Outcome(
                CANNOT,
                metric,
                focus,
                base,
                reason=f"no earlier period in the data to compare {period_label(base)} with",
            )
        prev = earlier[0]
        v, w = float(obs["value"]), float(self.facts.observations[(metric, focus, prev)]["value"])
        d = m.decimals
        diff = (
            round_half_away(v, d) - round_half_away(w, d)
            if claim.grade == "same" or claim.context.get("direction") == "same"
            else v - w
        )
        tol = abs(w) * m.dot_within / 100 if m.dot_relative else m.dot_within
        unit = "%" if m.dot_relative else (" points" if m.unit == "%" else (" " + m.unit if m.unit else ""))
        tol_text = (
            (
                f"{fmt_number(m.dot_within, 1)}%"
                if m.dot_relative
                else fmt_number(m.dot_within, 2).rstrip("0").rstrip(".") + unit
            )
            if m.dot_within
            else "none"
        )
        text = f"{metric_value_text(w, m)} ({period_label(prev)}) to {metric_value_text(v, m)} ({period_label(base)})"
        verdict, why = self._grade_check(claim, diff, tol, m.dot_polarity, "the direction tolerance", tol_text)
        if m.dot_polarity == "range" and verdict == CANNOT:  # the band decides: the engine's direction of travel
            row = self.facts.row(metric, focus, base)
            said = claim.context.get("direction", "")
            if (
                row is not None
                and row.get("previous_period") == prev
                and row.get("dot") in ("improved", "worse", "similar")
            ):
                dot = row["dot"]
                agree = {"better": "improved", "worse": "worse"}.get(said) == dot
                verdict, why = (AGREES if agree else DISAGREES), f"the direction of travel by the band is '{dot}'"
        return Outcome(verdict, metric, focus, base, text, reason=why)

    def _row_periods(self, claim: Claim, metric: str) -> list[str]:
        """In a table row, the periods of the row's other values (the previous year's column)."""
        if self.document.blocks[claim.block].kind != "row":
            return []
        out = []
        for j, c in enumerate(self.claims):
            o = self.ties.get(j)
            if (
                o
                and c.block == claim.block
                and o.metric_id == metric
                and c.kind == "value"
                and o.area_code == self.facts.focus
                and o.period
            ):
                out.append(o.period)
        return sorted(set(out), key=lambda p: parse_period(p).end, reverse=True)

    def evaluate_quartile(self, claim: Claim, metric: str, period: str) -> Outcome:
        focus = self.facts.focus
        m = self.facts.metrics[metric]
        base = self._base(claim, metric, period)
        row = (self.facts.row(metric, focus, base, ranks=True) if base else None) or self.facts.row(
            metric, focus, ranks=True
        )
        if row is None or row.get("value_quartile") is None:
            return Outcome(CANNOT, metric, focus, base or "", reason=f"no quartile for {m.code} in the data")
        q, band = int(row["value_quartile"]), str(row.get("band") or "")  # q: by value, 1 = lowest
        words = claim.words
        accept: set[str] = set()
        if re.search(r"\b(?:top|upper|best|first|1st)\b", words):
            accept |= (
                {"band A"}
                | ({"q4"} if m.polarity in ("none", "high") else set())
                | ({"q1"} if "first" in words or "1st" in words else set())
            )
        if re.search(r"\b(?:bottom|worst|fourth|4th)\b", words):
            accept |= {"band D"} | ({"q4"} if "fourth" in words or "4th" in words else set())
        if re.search(r"\b(?:lowest|lower)\b", words):
            accept |= {"q1"} | ({"band D"} if m.polarity == "high" else {"band A"} if m.polarity == "low" else set())
        if re.search(r"\b(?:highest|higher)\b", words):
            accept |= {"q4"} | ({"band A"} if m.polarity == "high" else {"band D"} if m.polarity == "low" else set())
        if re.search(r"\bsecond|2nd\b", words):
            accept |= {"q2", "band B"}
        if re.search(r"\bthird|3rd\b", words):
            accept |= {"q3", "band C"}
        if "middle" in words:
            accept |= {"q2", "q3"}
        have = {f"q{q}", f"band {band}"}
        text = (
            f"value quartile {q} of 4 (1 = lowest)"
            + (f", performance band {band} (A = best)" if band else "")
            + f" of {row.get('rank_of') and int(row['rank_of'])} councils ({period_label(str(row.get('rank_period') or base))})"
        )
        if not accept:
            return Outcome(CANNOT, metric, focus, base or "", text, reason="the words do not say which quartile")
        verdict = AGREES if have & accept else DISAGREES
        return Outcome(
            verdict,
            metric,
            focus,
            str(row.get("rank_period") or base),
            text,
            reason="" if verdict == AGREES else f"the data give {text}",
        )

    def judge_equation(self, claim: Claim) -> Outcome:
        """A sum or ratio written with its result ("5 + 7 + 9 = 21", "176/486 = 36.21%")."""
        figures = claim.context["equation"]
        terms, result = [f.value for f in figures[:-1]], figures[-1]
        op = claim.words
        if op == "+":
            value = sum(terms)
        elif op in ("-", "−", "–"):
            value = terms[0] - sum(terms[1:])
        elif op in ("×", "x", "*"):
            value = 1.0
            for t in terms:
                value *= t
        else:
            value = terms[0]
            for t in terms[1:]:
                if t == 0:
                    return Outcome(CANNOT, reason="a division by zero")
                value /= t
            if result.unit == "%":
                value *= 100
        text = as_printed(value, result)
        verdict = AGREES if figure_agrees(result, value) else DISAGREES
        return Outcome(verdict, data=text, reason=f"{claim.text.split('=')[0].strip()} is {text}")

    def judge_arithmetic(self, claim: Claim, claims: list[Claim]) -> Outcome:
        if "equation" in claim.context:
            return self.judge_equation(claim)
        share, num, den = (claims[i] for i in claim.parts)
        f = share.figure
        assert f is not None and num.figure is not None and den.figure is not None
        if den.figure.value == 0:
            return Outcome(CANNOT, reason="a count out of zero")
        value = num.figure.value / den.figure.value * 100
        text = as_printed(value, f)
        tie = self.ties.get(claim.parts[0]) or self.ties.get(claim.parts[1])
        metric = tie.metric_id if tie else ""
        reason = f"{num.figure.text} out of {den.figure.text} is {text}"
        if figure_agrees(f, value):
            return Outcome(AGREES, metric, tie.area_code if tie else "", tie.period if tie else "", text, reason=reason)
        obs = self.facts.observation(metric, tie.area_code, tie.period) if tie and tie.period else None
        if (
            tie is not None
            and obs is not None
            and obs.get("rounded_low") is not None
            and obs.get("numerator") == num.figure.value
            and obs.get("denominator") == den.figure.value
        ):  # the data say these counts are published rounded: the share they allow
            d = max(f.decimals, 0)
            low, high = round_half_away(obs["rounded_low"], d), round_half_away(obs["rounded_high"], d)
            allowed = f"{fmt_number(low, d)}-{fmt_number(high, d)}%"
            reason += f", but the data hold these counts rounded: they allow {allowed}"
            verdict = AGREES if low - 1e-9 <= f.value <= high + 1e-9 else DISAGREES
            return Outcome(verdict, metric, tie.area_code, tie.period, text, reason=reason)
        return Outcome(DISAGREES, metric, tie.area_code if tie else "", tie.period if tie else "", text, reason=reason)


def _in_title(words: str, m: MetricInfo) -> bool:
    title = " ".join([m.title, *m.synonyms]).lower()
    return all(re.search(r"\b" + re.escape(w) + r"\b", title) for w in words.lower().split())


def _two_back(before, last) -> int:
    starts = sorted({c.sentence for _, c, _ in before}, reverse=True)
    return starts[1][0] if len(starts) > 1 else last[0]


def judge(document: Document, claims: list[Claim], facts: Facts) -> list[Checked]:
    """Every claim with its outcome (a word claim about several metrics, one per metric)."""
    return WordJudge(document, facts).run(claims)
