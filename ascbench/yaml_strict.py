"""A strict YAML reader for hand-edited files.

PyYAML's safe loader silently keeps the last of two equal keys and will expand any number of
aliases. This reader:

* rejects a duplicate key in a mapping, naming both lines;
* bounds what aliases add to the document (a "billion laughs" file is refused before anything
  walks it), however large the document written out is (a catalogue of 20,000 metrics is
  read);
* remembers the line of every mapping and of every key, so that later validation can say
  ``metrics.yaml:42: ASCOF_2A: polarity: ...``, and the text as written of every key and value
  YAML reads as a number or a boolean (``code: 2.10`` is ``2.10``, ``code: 010`` is ``010``,
  ``code: no`` is ``no``, not 2.1, 8 and False), so that a field that is text can be read as
  written;
* turns syntax errors into :class:`AscbenchError` with the file and line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from ascbench.errors import AscbenchError

# What aliases may add to a document: 200,000 values, or ten times the values written out
# if that is more. A catalogue's anchors (`<<: *defaults` in every metric) add a few values
# per entry; an alias bomb adds millions from a few lines.
MAX_ALIAS_VALUES = 200_000
ALIAS_RATIO = 10
_CAP = 10**15  # sizes are capped so that a deep bomb does not build huge integers


class LineDict(dict):
    """A dict that knows the line it started on and the line of each key (1-based), and the
    source text of each value YAML read as a number."""

    line: int = 0
    key_lines: dict
    texts: dict  # key -> the value's text as written, for plain scalars read as numbers or booleans
    key_texts: dict  # key -> the key's text as written, likewise

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def text_of(self, key) -> str | None:
        """The value of ``key`` as written in the file when YAML read it as a number or a
        boolean (``2.10``, ``010``, ``1e3``, ``yes``), else None."""
        return getattr(self, "texts", {}).get(key)

    def key_text(self, key) -> str:
        """``key`` as written (``010:`` is ``'010'``, not 8)."""
        return getattr(self, "key_texts", {}).get(key, str(key))


# libyaml's C parser when PyYAML was built with it (the wheels are): the same events and
# marks, several times faster than the pure-Python parser
if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:
    _Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):
    pass


class _StrictPureLoader(yaml.SafeLoader):
    """The pure-Python parser: slower, but its syntax messages name the offending character."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise AscbenchError(
                "a mapping key must be a plain value",
                file=loader.name,
                line=key_node.start_mark.line + 1,
            ) from None
        if key in seen:
            raise AscbenchError(
                f"duplicate key '{key}' (first given on line {seen[key]})",
                file=loader.name,
                line=key_node.start_mark.line + 1,
                field=str(key),
                expected="each key once per mapping",
            )
        seen[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.texts = {}
    result.key_texts = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=deep)
        result.key_lines.setdefault(key, key_node.start_mark.line + 1)
        if _read_as_other(value_node):
            result.texts.setdefault(key, value_node.value)
        if _read_as_other(key_node):
            result.key_texts.setdefault(key, key_node.value)
    return result


# plain scalars YAML reads as something other than text: 2.10 -> 2.1, 010 -> 8, yes -> True
_READ_AS_OTHER = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")


def _read_as_other(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag in _READ_AS_OTHER and not node.style


for _loader in (_StrictLoader, _StrictPureLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    # Dates stay text: a period such as 2025-03-31 is ascbench notation, not a datetime.
    _loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class RecursiveAlias(Exception):
    """An alias that contains itself (``a: &a [*a]``): the node where the cycle closes."""

    def __init__(self, node):
        super().__init__("recursive alias")
        self.node = node


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """``(expanded, written)``: the number of values after alias expansion, computed without
    expanding (a memoised walk), and the number of distinct values written out; what aliases
    add is the difference. Cycle-safe: the C composer accepts an alias inside its own anchor
    (``a: &a [*a]``), which would expand forever; it raises :class:`RecursiveAlias`."""
    memo: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the current path: meeting one again is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in memo:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            open_nodes.discard(key)
            memo[key] = min(1 + sum(memo[id(c)] for c in children), _CAP)
        else:
            open_nodes.add(key)
            stack.append((node, True))
            for c in children:
                if id(c) in open_nodes:
                    raise RecursiveAlias(c)
                if id(c) not in memo:
                    stack.append((c, False))
    return memo[id(root)], len(memo)


# an anchor (&name) where YAML allows one; without one no alias can be used, so the walk
# that sizes alias expansion is skipped ("Health & care" and "R&D" are not anchors)
_ANCHOR = re.compile(r"(?:^|[\s,\[{:-])&[^\s]", re.M)


def load_yaml(text: str, filename: str):
    """Parse one YAML document strictly; return plain Python objects (mappings as LineDict).

    The fast C parser reads the document; when it fails, the pure-Python parser reads it
    again for its more precise message."""
    try:
        return _load(text, filename, _StrictLoader)
    except AscbenchError as exc:
        if _Base is yaml.SafeLoader or not exc.message.startswith("YAML"):
            raise
    return _load(text, filename, _StrictPureLoader)


def _load(text: str, filename: str, cls):
    try:
        loader = cls(text)
    except yaml.YAMLError as exc:
        raise AscbenchError(f"YAML error: {' '.join(str(exc).split())}", file=filename) from None
    loader.name = filename
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            expanded, written = _expanded_size(node) if _ANCHOR.search(text) else (0, 0)
        except RecursiveAlias as exc:
            raise AscbenchError(
                "an alias refers to the value that contains it (a recursive alias)",
                file=filename,
                line=exc.node.start_mark.line + 1,
                expected="aliases (*name) of values defined before and outside them",
            ) from None
        if expanded - written > max(MAX_ALIAS_VALUES, ALIAS_RATIO * written):
            raise AscbenchError(
                f"aliases expand the document's {written:,} values to "
                + (f"{expanded:,}" if expanded < _CAP else "more than 10^15")
                + " (an alias bomb?)",
                file=filename,
                line=node.start_mark.line + 1,
                expected=f"aliases that add at most {MAX_ALIAS_VALUES:,} values, or {ALIAS_RATIO} times "
                "the values written out",
            )
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "not valid YAML"
        raise AscbenchError(f"YAML syntax error: {problem}", file=filename, line=line) from None
    except yaml.YAMLError as exc:
        raise AscbenchError(f"YAML error: {' '.join(str(exc).split())}", file=filename) from None
    finally:
        loader.dispose()
