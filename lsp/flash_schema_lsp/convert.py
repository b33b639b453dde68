"""The features' plain results as LSP sends them: positions, diagnostics, completions, symbols."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp
from pygls.protocol import default_converter

from flash_schema.spans import Span
from flash_schema_lsp.features import positions
from flash_schema_lsp.features.diagnostics import SOURCE, for_editor

# The core is imported when a document comes, not while the server starts (the editor waits).
if TYPE_CHECKING:
    from cattrs import Converter

    from flash_schema.diagnostics import Diagnostic, Edit, Severity
    from flash_schema.document import Document
    from flash_schema_lsp.features.completion import CompletionItem
    from flash_schema_lsp.features.folding import Fold
    from flash_schema_lsp.features.inlay_hints import InlayHint
    from flash_schema_lsp.features.links import Link
    from flash_schema_lsp.features.symbols import Symbol


class JSON(dict[str, Any]):
    """A result already in the shape LSP sends it (camelCase keys, plain values): sent as is.

    lsprotocol's converter turns attrs objects into JSON with a hook per field; for a
    completion list that costs more than computing it.  A hot handler builds this instead.
    """


def _as_is(value: JSON) -> JSON:
    return value


def json_converter() -> Converter:
    """pygls's converter, sending ``JSON`` results as they are."""
    converter: Converter = default_converter()  # type: ignore[no-untyped-call]
    converter.register_unstructure_hook(JSON, _as_is)
    return converter


# -- positions ---------------------------------------------------------------------------------------


def range_of(doc: Document, span: Span, encoding: positions.Encoding) -> lsp.Range:
    start = positions.to_position(doc, span.start, encoding)
    end = positions.to_position(doc, span.end, encoding)
    return lsp.Range(lsp.Position(*start), lsp.Position(*end))


def offset_of(doc: Document, position: lsp.Position, encoding: positions.Encoding) -> int:
    return positions.to_offset(doc, position.line, position.character, encoding)


def span_of(doc: Document, r: lsp.Range, encoding: positions.Encoding) -> Span:
    """The inverse of ``range_of``: the offsets an LSP range covers."""
    return Span(offset_of(doc, r.start, encoding), offset_of(doc, r.end, encoding))


def text_edit(doc: Document, edit: Edit, encoding: positions.Encoding) -> lsp.TextEdit:
    return lsp.TextEdit(range_of(doc, edit.span, encoding), edit.new_text)


def range_key(r: lsp.Range) -> tuple[int, int, int, int]:
    """A range as a hashable value (to match a client's diagnostic with ours)."""
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def range_json(r: lsp.Range) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


# -- diagnostics ---------------------------------------------------------------------------------------


@functools.cache
def _severities() -> dict[Severity, lsp.DiagnosticSeverity]:
    from flash_schema.diagnostics import Severity

    return {Severity.ERROR: lsp.DiagnosticSeverity.Error, Severity.WARNING: lsp.DiagnosticSeverity.Warning}


def severity(of: Severity) -> lsp.DiagnosticSeverity:
    """The LSP severity of a core severity."""
    return _severities()[of]


_TAGS = {"unnecessary": lsp.DiagnosticTag.Unnecessary, "deprecated": lsp.DiagnosticTag.Deprecated}


def diagnostics(
    doc: Document, found: Sequence[Diagnostic], version: int | None, encoding: positions.Encoding
) -> list[lsp.Diagnostic]:
    """The diagnostics of the document itself; each carries its key path and version as data
    (fixes are computed when the editor asks for code actions, not here)."""
    out = []
    for d in for_editor(found):
        data: dict[str, Any] = {"path": list(d.path), "version": version}
        tags = [t for t in (_TAGS.get(tag) for tag in d.diagnostic.tags) if t is not None]
        out.append(
            lsp.Diagnostic(
                range=range_of(doc, d.span, encoding),
                message=d.message,
                severity=severity(d.severity),
                code=d.code,
                source=SOURCE,
                data=data,
                tags=tags or None,
            )
        )
    return out


# -- completion ------------------------------------------------------------------------------------------

_COMPLETION_KINDS = {
    "key": lsp.CompletionItemKind.Property,
    "table": lsp.CompletionItemKind.Module,
    "value": lsp.CompletionItemKind.Value,
    "enum": lsp.CompletionItemKind.EnumMember,
    "boolean": lsp.CompletionItemKind.Keyword,
}
_SNIPPET, _PLAIN_TEXT = lsp.InsertTextFormat.Snippet.value, lsp.InsertTextFormat.PlainText.value


def completion_list(doc: Document, items: Sequence[CompletionItem], encoding: positions.Encoding) -> JSON:
    """A ``CompletionList``, as JSON; each item's documentation is left to ``completionItem/resolve``."""
    ranges: dict[Span, dict[str, Any]] = {}  # most items replace the same text
    out = []
    for item in items:
        edit_range = ranges.get(item.replace)
        if edit_range is None:
            edit_range = ranges[item.replace] = range_json(range_of(doc, item.replace, encoding))
        entry: dict[str, Any] = {
            "label": item.label,
            "kind": _COMPLETION_KINDS.get(item.kind, lsp.CompletionItemKind.Text).value,
            "insertTextFormat": _SNIPPET if item.snippet else _PLAIN_TEXT,
            "textEdit": {"range": edit_range, "newText": item.insert_text},
        }
        if item.detail is not None:
            entry["detail"] = item.detail
        if item.sort_text is not None:
            entry["sortText"] = item.sort_text
        if item.filter_text is not None:
            entry["filterText"] = item.filter_text
        # The documentation (Markdown, often longer than all the rest) comes with
        # completionItem/resolve, for the item the editor shows: what it needs is the data.
        if item.docs is not None:
            entry["data"] = item.docs.to_json()
        out.append(entry)
    return JSON(isIncomplete=False, items=out)


def markup(text: str, markdown: bool) -> lsp.MarkupContent:
    return lsp.MarkupContent(kind=lsp.MarkupKind.Markdown if markdown else lsp.MarkupKind.PlainText, value=text)


# -- document symbols ----------------------------------------------------------------------------------------

_SYMBOL_KINDS = {
    "table": lsp.SymbolKind.Object,
    "array": lsp.SymbolKind.Array,
    "string": lsp.SymbolKind.String,
    "number": lsp.SymbolKind.Number,
    "boolean": lsp.SymbolKind.Boolean,
    "datetime": lsp.SymbolKind.Constant,
    "key": lsp.SymbolKind.Property,
}


def document_symbol(doc: Document, symbol: Symbol, encoding: positions.Encoding) -> lsp.DocumentSymbol:
    """An outline entry as a tree (for clients with hierarchical document symbols)."""
    return lsp.DocumentSymbol(
        name=symbol.name,
        kind=_SYMBOL_KINDS[symbol.kind],
        range=range_of(doc, symbol.span, encoding),
        selection_range=range_of(doc, symbol.selection, encoding),
        detail=symbol.detail,
        children=[document_symbol(doc, c, encoding) for c in symbol.children] or None,
    )


def symbol_information(
    doc: Document, uri: str, symbols: Sequence[Symbol], encoding: positions.Encoding, container: str | None = None
) -> list[lsp.SymbolInformation]:
    """The outline as a flat list, each entry naming its container (for the other clients)."""
    out = []
    for symbol in symbols:
        out.append(
            lsp.SymbolInformation(
                name=symbol.name,
                kind=_SYMBOL_KINDS[symbol.kind],
                location=lsp.Location(uri=uri, range=range_of(doc, symbol.span, encoding)),
                container_name=container,
            )
        )
        name = symbol.name if container is None else f"{container}.{symbol.name}"
        out.extend(symbol_information(doc, uri, symbol.children, encoding, name))
    return out


# -- inlay hints, links, folding, selection ranges ------------------------------------------------------------


def inlay_hints(doc: Document, hints: Sequence[InlayHint], encoding: positions.Encoding) -> list[lsp.InlayHint]:
    return [
        lsp.InlayHint(
            position=lsp.Position(*positions.to_position(doc, hint.offset, encoding)),
            label=hint.label,
            tooltip=hint.tooltip,
            padding_left=True,
        )
        for hint in hints
    ]


def document_links(
    doc: Document, links: Sequence[Link], encoding: positions.Encoding, *, tooltips: bool
) -> list[lsp.DocumentLink]:
    return [
        lsp.DocumentLink(
            range=range_of(doc, link.span, encoding), target=link.target, tooltip=link.tooltip if tooltips else None
        )
        for link in links
    ]


def folding_ranges(folds: Sequence[Fold], limit: int | None) -> list[lsp.FoldingRange]:
    """Line folds (what every client can fold), the client's limit on their number respected."""
    out = [
        lsp.FoldingRange(
            start_line=f.start, end_line=f.end, kind=lsp.FoldingRangeKind.Comment if f.kind == "comment" else None
        )
        for f in folds
    ]
    return out[:limit] if limit is not None else out


def selection_range(doc: Document, chain: Sequence[Span], encoding: positions.Encoding) -> lsp.SelectionRange:
    """The innermost range of ``chain``, each range's parent the next one."""
    parent: lsp.SelectionRange | None = None
    for span in reversed(chain):
        parent = lsp.SelectionRange(range=range_of(doc, span, encoding), parent=parent)
    assert parent is not None, "a chain always holds the whole document"
    return parent
