"""The engine: pure functions from DataFrames to DataFrames (no files, no printing, no clock).

* :mod:`~ascbench.engine.values`    observations -> metric values (recomputed from counts)
* :mod:`~ascbench.engine.select`    the current period and the previous one
* :mod:`~ascbench.engine.rules`     better / similar / worse, shared by ratings and directions
* :mod:`~ascbench.engine.compare`   comparators and ratings (RAG)
* :mod:`~ascbench.engine.direction` direction of travel
* :mod:`~ascbench.engine.pipeline`  all of it in order: :func:`build_results`
"""

from ascbench.engine.pipeline import RESULT_COLUMNS, build_results

__all__ = ["RESULT_COLUMNS", "build_results"]
