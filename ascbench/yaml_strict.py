"""A strict YAML reader for hand-edited files.

PyYAML's safe loader silently keeps the last of two equal keys and will expand any number of
aliases. This reader:

* rejects a duplicate key in a mapping, naming both lines;
* bounds the size of the document after alias expansion (a "billion laughs" file is refused
  before anything walks it);
* remembers the line of every mapping and of every key, so that later validation can say
  ``metrics.yaml:42: ASCOF_2A: polarity: ...``;
* turns syntax errors into :class:`AscbenchError` with the file and line.
"""

from __future__ import annotations

import yaml

from ascbench.errors import AscbenchError

MAX_EXPANDED_NODES = 200_000  # far above any real catalogue; a bomb is far above this


class LineDict(dict):
    """A dict that knows the line it started on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# libyaml's C parser when PyYAML was built with it (the wheels are): the same events and
# marks, several times faster than the pure-Python parser
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
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=deep)
        result.key_lines.setdefault(key, key_node.start_mark.line + 1)
    return result


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


def _expanded_size(root: yaml.Node) -> int:
    """Number of nodes after alias expansion, computed without expanding (memoised walk).
    Bounded and cycle-safe: the C composer accepts an alias inside its own anchor
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
            total = 1 + sum(memo[id(c)] for c in children)
            memo[key] = min(total, MAX_EXPANDED_NODES + 1)
        else:
            open_nodes.add(key)
            stack.append((node, True))
            for c in children:
                if id(c) in open_nodes:
                    raise RecursiveAlias(c)
                if id(c) not in memo:
                    stack.append((c, False))
    return memo[id(root)]


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
            size = _expanded_size(node)
        except RecursiveAlias as exc:
            raise AscbenchError(
                "an alias refers to the value that contains it (a recursive alias)",
                file=filename,
                line=exc.node.start_mark.line + 1,
                expected="aliases (*name) of values defined before and outside them",
            ) from None
        if size > MAX_EXPANDED_NODES:
            raise AscbenchError(
                "the document expands to too many values through aliases (an alias bomb?)",
                file=filename,
                line=node.start_mark.line + 1,
                expected=f"at most {MAX_EXPANDED_NODES:,} values after expanding aliases",
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
