"""Hover: the schema's documentation of the key, table or value under the cursor.

The Markdown comes from :func:`flash_schema.render.key_markdown` (and ``value_markdown``
for enum values such as a model id), the same text the reference docs are built from.
"""

from __future__ import annotations

from dataclasses import dataclass

from flash_schema.document import Document, Span
from flash_schema.render import doc_link, value_markdown
from flash_schema.schema_index import get_index
from flash_schema_lsp.features.common import algorithm_of, markdown, schema_path, thinking_of
from flash_schema_lsp.features.cursor import target_at, value_at


@dataclass(frozen=True, slots=True)
class HoverResult:
    """Markdown to show, and the span it is about (the key, header segment or value)."""

    markdown: str
    span: Span


def hover(doc: Document, offset: int) -> HoverResult | None:
    """Documentation for what is at ``offset``, for this config's algorithm and thinking mode."""
    target = target_at(doc, offset)
    if target is None:
        return None
    path = schema_path(target.path)
    if not path:
        return None
    algorithm = algorithm_of(doc.data)
    if target.kind == "value":
        found, value = value_at(doc.data, target.path)
        if not found:
            value = _literal(doc.text[target.span.start : target.span.end])
        index = get_index()
        info = index.info(path)
        if info is not None and path == target.path:
            text = value_markdown(index, info, value)
            if text is not None:
                return HoverResult(f"{text}\n\n[Reference]({doc_link(path)})", target.span)
    text = markdown(path, algorithm, thinking_of(doc.data))
    return None if text is None else HoverResult(text, target.span)


def _literal(source: str) -> object:
    """A scalar's value from its source text, for lines the core could not parse."""
    source = source.strip()
    if len(source) >= 2 and source[0] == source[-1] and source[0] in "\"'":
        return source[1:-1]
    return source
