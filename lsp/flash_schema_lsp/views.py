"""The handlers of the features that show a config rather than check it, wired on the server.

Inlay hints (the values Flash fills in), document links, folding and selection ranges, and the
``flash-schema.show`` command: each finds the open document, calls a pure function of
:mod:`flash_schema_lsp.features` and converts its result (``convert``), as the handlers of
:mod:`flash_schema_lsp.server` do; that module imports this one, which registers them.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from flash_schema.spans import Span
from flash_schema_lsp import convert
from flash_schema_lsp.features import selection
from flash_schema_lsp.features.show import COMMAND as SHOW_COMMAND
from flash_schema_lsp.server import FlashLanguageServer, _empty, _none, safe, server

__all__ = ["document_link", "folding_range", "inlay_hint", "selection_range", "show_resolved"]


# -- inlay hints, links, folding, selection ranges ------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
@safe(_empty)
def inlay_hint(ls: FlashLanguageServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    doc = ls.documents.served(params.text_document.uri)
    if doc is None or not ls.settings.inlay_hints:
        return []
    from flash_schema_lsp.features.inlay_hints import inlay_hints

    parsed = doc.document()
    encoding = ls.caps.encoding
    wanted = Span(
        convert.offset_of(parsed, params.range.start, encoding), convert.offset_of(parsed, params.range.end, encoding)
    )
    return convert.inlay_hints(parsed, inlay_hints(parsed, ls.index(doc), wanted), encoding)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK, lsp.DocumentLinkOptions(resolve_provider=False))
@safe(_empty)
def document_link(ls: FlashLanguageServer, params: lsp.DocumentLinkParams) -> list[lsp.DocumentLink]:
    doc = ls.documents.served(params.text_document.uri)
    if doc is None:
        return []
    from flash_schema_lsp.features.links import document_links

    parsed = doc.document()
    links = document_links(parsed, doc.uri)
    return convert.document_links(parsed, links, ls.caps.encoding, tooltips=ls.caps.link_tooltips)


@server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
@safe(_empty)
def folding_range(ls: FlashLanguageServer, params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange]:
    doc = ls.documents.served(params.text_document.uri)
    if doc is None:
        return []
    from flash_schema_lsp.features.folding import folding_ranges

    return convert.folding_ranges(folding_ranges(doc.document()), ls.caps.folding_range_limit)


@server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
@safe(_empty)
def selection_range(ls: FlashLanguageServer, params: lsp.SelectionRangeParams) -> list[lsp.SelectionRange]:
    doc = ls.documents.served(params.text_document.uri)
    if doc is None:
        return []
    from flash_schema_lsp.features.selection_ranges import selection_ranges

    parsed = doc.document()
    encoding = ls.caps.encoding
    offsets = [convert.offset_of(parsed, p, encoding) for p in params.positions]
    return [convert.selection_range(parsed, chain, encoding) for chain in selection_ranges(parsed, offsets)]


# -- commands ---------------------------------------------------------------------------------------------------


@server.command(SHOW_COMMAND)
@safe(_none)
def show_resolved(ls: FlashLanguageServer, *args: Any) -> dict[str, object] | None:
    """``flash-schema.show`` with a document URI: what `flash-schema show` prints for it (``{"valid",
    "text", "language"}``), for the release the document is checked for; ``None`` for a document
    the server does not serve."""
    uri = args[0] if args and isinstance(args[0], str) else None
    doc = ls.documents.served(uri) if uri is not None else None
    if doc is None:
        return None
    from flash_schema_lsp.features.show import show_document

    path = selection.uri_to_path(doc.uri)
    name = path.rsplit("/", 1)[-1] if path else doc.uri
    return show_document(doc.document(), doc.release or ls.release_for(doc), name).to_json()
