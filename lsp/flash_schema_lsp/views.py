"""The handlers of the features that show a config rather than check it, wired on the server.

Inlay hints (the values Flash fills in), document links, folding and selection ranges, and the
``flash-schema.show`` command: each finds the open document, calls a pure function of
:mod:`flash_schema_lsp.features` and converts its result (``convert``), as the handlers of
:mod:`flash_schema_lsp.server` do; that module registers them (``register``). What they need of
the server is the ``ViewServer`` protocol, so this module does not import the server's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from lsprotocol import types as lsp

from flash_schema_lsp import convert
from flash_schema_lsp.capabilities import ClientCapabilities
from flash_schema_lsp.documents import DocumentStore, OpenDocument, about_served
from flash_schema_lsp.features import selection
from flash_schema_lsp.features.show import COMMAND as SHOW_COMMAND
from flash_schema_lsp.logs import empty, nothing, safe

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from flash_schema.releases import Release
    from flash_schema.schema_index import SchemaIndex

__all__ = ["ViewServer", "document_link", "folding_range", "inlay_hint", "register", "selection_range", "show_resolved"]


class ViewServer(Protocol):
    """What these handlers use of the language server."""

    documents: DocumentStore
    settings: selection.Settings
    caps: ClientCapabilities

    def index(self, doc: OpenDocument | None = None) -> SchemaIndex: ...

    def release_for(self, doc: OpenDocument) -> Release: ...


def register(server: LanguageServer) -> None:
    """Wire the handlers on ``server``."""
    server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))(inlay_hint)
    server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK, lsp.DocumentLinkOptions(resolve_provider=False))(document_link)
    server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)(folding_range)
    server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)(selection_range)
    server.command(SHOW_COMMAND)(show_resolved)


# -- inlay hints, links, folding, selection ranges ------------------------------------------------------------


@about_served(empty)
def inlay_hint(ls: ViewServer, doc: OpenDocument, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    if not ls.settings.inlay_hints:
        return []
    from flash_schema_lsp.features.inlay_hints import inlay_hints

    parsed = doc.document()
    wanted = convert.span_of(parsed, params.range, ls.caps.encoding)
    return convert.inlay_hints(parsed, inlay_hints(parsed, ls.index(doc), wanted), ls.caps.encoding)


@about_served(empty)
def document_link(ls: ViewServer, doc: OpenDocument, _params: lsp.DocumentLinkParams) -> list[lsp.DocumentLink]:
    from flash_schema_lsp.features.links import document_links

    parsed = doc.document()
    links = document_links(parsed, doc.uri)
    return convert.document_links(parsed, links, ls.caps.encoding, tooltips=ls.caps.link_tooltips)


@about_served(empty)
def folding_range(ls: ViewServer, doc: OpenDocument, _params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange]:
    from flash_schema_lsp.features.folding import folding_ranges

    return convert.folding_ranges(folding_ranges(doc.document()), ls.caps.folding_range_limit)


@about_served(empty)
def selection_range(ls: ViewServer, doc: OpenDocument, params: lsp.SelectionRangeParams) -> list[lsp.SelectionRange]:
    from flash_schema_lsp.features.selection_ranges import selection_ranges

    parsed = doc.document()
    encoding = ls.caps.encoding
    offsets = [convert.offset_of(parsed, p, encoding) for p in params.positions]
    return [convert.selection_range(parsed, chain, encoding) for chain in selection_ranges(parsed, offsets)]


# -- commands ---------------------------------------------------------------------------------------------------


@safe(nothing)
def show_resolved(ls: ViewServer, *args: Any) -> dict[str, object] | None:
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
