"""Where a key path lives: a span in a source document, or an origin outside any file."""

from __future__ import annotations

from typing import Literal, NamedTuple, Protocol

from flash_schema.document import Document, Path, Span

Target = Literal["key", "value", "table"]


class Location(NamedTuple):
    """A span in a document (``source``: which one, ``None`` for the checked file), or an
    ``origin`` outside any file (a `--set` argument)."""

    span: Span
    source: str | None = None
    origin: str | None = None


class Locator(Protocol):
    """Maps key paths of the (merged) config data to places a user can see."""

    def locate(self, path: Path, target: Target) -> Location: ...


class DocumentLocator:
    """Locates paths in a single document."""

    def __init__(self, doc: Document, source: str | None = None) -> None:
        self.doc = doc
        self.source = source

    def locate(self, path: Path, target: Target) -> Location:
        return Location(span_for(self.doc, path, target), self.source)


def span_for(doc: Document, path: Path, target: Target) -> Span:
    """The best span for ``path`` in ``doc``: the key, the value or the table header."""
    node = doc.node(path) if path else None
    if node is None:
        if not path:
            # The whole config (a missing top-level key): the start of the file, not the line
            # that happens to be first (it is no more wrong than any other).
            return Span(0, 0) if target == "table" else file_start(doc)
        node = doc.nearest(path)
        if node is None:
            return file_start(doc)
        target = "key" if node.key else target
    if target == "value" and node.value is not None:
        return node.value
    if target == "table" and node.header is not None:
        return node.header
    for span in (node.key, node.header, node.value):
        if span is not None:
            return span
    return file_start(doc)  # pragma: no cover - every node has one span


def file_start(doc: Document) -> Span:
    """The first line of the file (what a problem about the whole config points at)."""
    end = doc.text.find("\n")
    end = len(doc.text) if end < 0 else end
    if end > 0 and doc.text[end - 1] == "\r":
        end -= 1
    return Span(0, end)
