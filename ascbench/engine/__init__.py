"""The engine: pure functions from DataFrames to DataFrames (no files, no printing, no clock).

* :mod:`~ascbench.engine.values`    observations -> metric values (recomputed from counts)
* :mod:`~ascbench.engine.select`    the current period and the previous one
* :mod:`~ascbench.engine.rules`     better / similar / worse, shared by ratings and directions
* :mod:`~ascbench.engine.compare`   comparators and ratings (RAG)
* :mod:`~ascbench.engine.direction` direction of travel
* :mod:`~ascbench.engine.pipeline`  all of it in order: :func:`build_report`, the
  :class:`~ascbench.engine.report.Report` that renderers and commands read
"""

from ascbench.engine.pipeline import RESULT_COLUMNS, build_report, build_results
from ascbench.engine.report import Report

__all__ = ["RESULT_COLUMNS", "Report", "build_report", "build_results"]
