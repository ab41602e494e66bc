"""The results frame as JSON: a list of objects, one per row, missing values as null, and
counts (numerators, denominators, ranks, quartiles, ...: every float column holding only
whole numbers) as integers - the columns the CSV writes without ``.0``."""

from __future__ import annotations

import json
import math

from ascbench.render.csv_out import whole_number_columns


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def render(results, **_) -> str:
    whole = set(whole_number_columns(results))
    rows = [
        {
            k: (int(v) if k in whole and isinstance(v, float) and math.isfinite(v) else v)
            for k, v in ((k, _clean(v)) for k, v in row.items())
        }
        for row in results.astype(object).to_dict("records")
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
