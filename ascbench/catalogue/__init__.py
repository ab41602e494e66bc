"""The metric catalogue: the definition model, the strict YAML reader and the validator."""

from ascbench.catalogue.loader import load_catalogue, parse_catalogue
from ascbench.catalogue.model import Catalogue, Comparator, Metric

__all__ = ["Catalogue", "Comparator", "Metric", "load_catalogue", "parse_catalogue"]
