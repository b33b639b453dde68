"""Hover: the schema's documentation of the key, table or value under the cursor.

The Markdown comes from :mod:`flash_schema_lsp.features.documentation` (the same text the
reference docs are built from); what is under the cursor is ``Document.at``'s answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from flash_schema.document import Document, Span
from flash_schema.schema_index import SchemaIndex
from flash_schema.spans import without_indices
from flash_schema_lsp.features.documentation import (
    algorithm_of,
    key_documentation,
    thinking_of,
    value_documentation,
)


@dataclass(frozen=True, slots=True)
class HoverResult:
    """Markdown to show, and the span it is about (the key, header segment or value)."""

    markdown: str
    span: Span


def hover(doc: Document, index: SchemaIndex, offset: int) -> HoverResult | None:
    """Documentation for what is at ``offset``, for this config's algorithm and thinking mode."""
    target = doc.at(offset)
    if target is None:
        return None
    path = without_indices(target.path)
    if not path:
        return None
    if target.kind == "value" and path == target.path:
        found, value = doc.value_at(target.path)
        if not found:
            value = _literal(doc.text[target.span.start : target.span.end])
        text = value_documentation(index, path, value, link=True)
        if text is not None:
            return HoverResult(text, target.span)
    text = key_documentation(index, path, algorithm_of(doc.data, index), thinking_of(doc.data))
    return None if text is None else HoverResult(text, target.span)


def _literal(source: str) -> object:
    """A scalar's value from its source text, for lines the core could not parse."""
    source = source.strip()
    if len(source) >= 2 and source[0] == source[-1] and source[0] in "\"'":
        return source[1:-1]
    return source
