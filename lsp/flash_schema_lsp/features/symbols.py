"""Document outline: the config's tables and keys as a tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flash_schema.document import Document, Node, Path, Span

SymbolKind = Literal["table", "array", "string", "number", "boolean", "datetime", "key"]
_MAX_DETAIL = 40


@dataclass(slots=True)
class Symbol:
    """One outline entry: ``span`` covers it all, ``selection`` is its name (or header)."""

    name: str
    kind: SymbolKind
    span: Span
    selection: Span
    detail: str | None = None
    children: list[Symbol] = field(default_factory=list)


def _kind(node: Node, text: str) -> SymbolKind:
    if node.kind in ("table", "implicit", "inline-table"):
        return "table"
    if node.kind in ("array", "array-table"):
        return "array" if node.kind == "array" else "table"
    if node.value is None:
        return "key"
    first = text[node.value.start : node.value.start + 1]
    if first in ("'", '"'):
        return "string"
    source = text[node.value.start : node.value.end]
    if source in ("true", "false"):
        return "boolean"
    if (len(source) >= 10 and source[4:5] == "-" and source[7:8] == "-") or source[2:3] == ":":
        return "datetime"
    return "number"


def _detail(node: Node, text: str) -> str | None:
    if node.value is None or node.kind in ("inline-table", "array"):
        return None
    source = text[node.value.start : node.value.end].split("\n", 1)[0]
    return source if len(source) <= _MAX_DETAIL else source[: _MAX_DETAIL - 1] + "…"


def document_symbols(doc: Document) -> list[Symbol]:
    """The outline of ``doc``: tables (headers, dotted and inline) with their keys, in order."""
    text = doc.text
    symbols: dict[Path, Symbol] = {}
    roots: list[Symbol] = []
    for node in doc.nodes():
        last = node.path[-1]
        if isinstance(last, int) and node.kind != "array-table":
            continue  # elements of a `key = [...]` array: the array is enough
        selection = node.header or node.key or node.value
        if selection is None:
            continue
        name = str(last) if isinstance(last, str) else f"{node.path[-2]}[{last}]"
        end = max(s.end for s in (node.header, node.key, node.value) if s is not None)
        symbol = Symbol(name, _kind(node, text), Span(selection.start, end), selection, _detail(node, text))
        symbols[node.path] = symbol
        parent = _parent(symbols, node.path[:-1])
        (parent.children if parent is not None else roots).append(symbol)
    for symbol in roots:
        _extend(symbol)
    return roots


def _parent(symbols: dict[Path, Symbol], path: Path) -> Symbol | None:
    while path:
        found = symbols.get(path)
        if found is not None:
            return found
        path = path[:-1]
    return None


def _extend(symbol: Symbol) -> int:
    """Make every symbol's span cover its children (a table runs to its last key)."""
    end = symbol.span.end
    for child in symbol.children:
        end = max(end, _extend(child))
    if end != symbol.span.end:
        symbol.span = Span(symbol.span.start, end)
    return end
