"""Statistical methods: the public, documented numeric API of ascbench.

Usable on its own in a notebook (every example here runs as a test,
``tests/test_stats_doctests.py``)::

    >>> from ascbench import stats
    >>> stats.proportion_ci(65, 100).round(4)  # Wilson score, 95%, as a percentage
       value    lower    upper
    0   65.0  55.2544  73.6358
    >>> stats.rate_ci([3, 1045], [5000, 90000]).round(3)  # per 100,000: exact Poisson below 10 events, else Byar
          value     lower     upper
    0    60.000    12.373   175.345
    1  1161.111  1091.770  1233.701
    >>> stats.dsr([25, 60], [10000, 8000], standard=[60000, 40000]).round(3)  # Dobson limits
       total_count  total_pop  value    lower    upper
    0         85.0    18000.0  450.0  359.098  556.832
    >>> stats.quantile_groups([3.1, 7.4, 5.0, 9.9, 1.2, 6.6, 8.0, 2.5, 4.4, 7.0], 5).tolist()
    [2.0, 4.0, 3.0, 5.0, 1.0, 3.0, 5.0, 1.0, 2.0, 4.0]
    >>> stats.gap_to_target(2067, 2805, 77.1).loc[0, ["target_numerator", "needed"]].tolist()
    [2163, 96]
    >>> points, summary = stats.xmr([1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    >>> summary.loc[0, "variation_icon"], int(summary.loc[0, "special_cause_improvement"])  # Making Data Count SPC
    ('common_cause', 1)

One small function per method, arguments checked first, vectorised with numpy. The methods
follow OHID's PHEindicatormethods (the R package behind Fingertips) and are tested against
its published test values (``tests/test_stats.py``, ``tests/test_stats_methods.py``).
Formulas, sources and where conventions differ: ``docs/methods.md``.

* :mod:`.intervals`: Wilson, Byar, exact Poisson, Student's t, control limits.
* :mod:`.standardised`: directly standardised rates (Dobson), indirectly standardised
  ratios (SMR) and rates (ISR).
* :mod:`.means`: the mean of unit values with Student's t limits.
* :mod:`.funnel`: PHE funnel-plot limits around the pooled average and significance labels.
* :mod:`.groups`: quantile groups (type 7 or PHE's rank method) and bands from given bounds.
* :mod:`.comparison`: significance against a benchmark or target, as codes; Fingertips'
  range targets.
* :mod:`.spc`: statistical process control, NHS England's Making Data Count XmR charts
  (:func:`xmr`), as NHSRplotthedots.
* :mod:`.gap`: the whole change in a numerator that reaches a target value.
* :mod:`.errors`: :class:`StatsError`.

Missing or zero denominators give missing results (NaN), never an error; negative counts, a
numerator above its denominator, or a confidence level outside (0, 1) raise
:class:`StatsError`, a ``ValueError`` naming the argument at fault (``error.argument``); the
engine and the CLI turn it into their located error where a user's file is at fault.
"""

from __future__ import annotations

from ascbench.stats.comparison import LIMITS_EQUAL, compare, judge_range_target
from ascbench.stats.errors import StatsError
from ascbench.stats.funnel import funnel_limits, funnel_significance
from ascbench.stats.gap import gap_to_target
from ascbench.stats.groups import band, quantile_groups
from ascbench.stats.intervals import (
    EXACT_BELOW,
    byars_limits,
    control_limits,
    exact_poisson_limits,
    mean_ci,
    poisson_limits,
    proportion_ci,
    rate_ci,
    wilson_limits,
    z_value,
)
from ascbench.stats.means import mean
from ascbench.stats.spc import SpcResult, xmr
from ascbench.stats.standardised import ESP2013_BANDS, dsr, esp2013, isr, smr

__all__ = [
    "EXACT_BELOW",
    "ESP2013_BANDS",
    "LIMITS_EQUAL",
    "SpcResult",
    "StatsError",
    "band",
    "byars_limits",
    "compare",
    "control_limits",
    "dsr",
    "esp2013",
    "exact_poisson_limits",
    "funnel_limits",
    "funnel_significance",
    "gap_to_target",
    "isr",
    "judge_range_target",
    "mean",
    "mean_ci",
    "poisson_limits",
    "proportion_ci",
    "quantile_groups",
    "rate_ci",
    "smr",
    "xmr",
    "wilson_limits",
    "z_value",
]
