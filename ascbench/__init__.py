"""ascbench: a benchmarking calculator for English adult social care.

The package is organised as the flow of one figure:

* :mod:`ascbench.catalogue` reads ``metrics.yaml`` into validated metric definitions;
* :mod:`ascbench.io` reads a data directory (observations, areas, settings);
* :mod:`ascbench.periods` parses period notation and finds like-for-like predecessors;
* :mod:`ascbench.stats` holds the statistical methods (confidence intervals, comparisons);
* :mod:`ascbench.engine` turns observations into values, comparisons, ratings and
  directions of travel (pure functions over DataFrames);
* :mod:`ascbench.render` turns the results frame into tables, CSV, JSON and Markdown;
* :mod:`ascbench.cli` is the thin command-line layer.

Importing this package is cheap: pandas and numpy are imported by the modules that need them.
"""

__version__ = "0.1.0"
