"""What the client can do, as one frozen value read once from its ``initialize`` request."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as lsp

from flash_schema_lsp.features import positions


@dataclass(frozen=True, slots=True)
class ClientCapabilities:
    """The client support the server's answers depend on (the defaults: a client that said nothing)."""

    encoding: positions.Encoding = positions.UTF16  # of `character` in positions
    snippets: bool = False  # completion items may be LSP snippets
    hover_markdown: bool = True  # hover content may be Markdown (else plain text)
    completion_markdown: bool = True  # completion documentation may be Markdown
    hierarchical_symbols: bool = False  # documentSymbol may answer a tree (else a flat list)
    configuration_requests: bool = False  # the server may ask for settings (workspace/configuration)
    diagnostics_refresh: bool = False  # the server may ask pulled diagnostics to be pulled again
    inlay_hint_refresh: bool = False  # the server may ask for inlay hints again (a setting changed)
    link_tooltips: bool = False  # document links may carry a tooltip
    folding_range_limit: int | None = None  # the most folding ranges the client wants


def negotiated_encoding(caps: lsp.ClientCapabilities) -> positions.Encoding:
    """The position encoding of the session: UTF-8 when offered, else the first offered one pygls knows.

    ``pygls_fixes.FlashProtocol`` makes pygls announce this choice in the ``initialize`` result.
    """
    offered = [str(getattr(e, "value", e)).lower() for e in (caps.general and caps.general.position_encodings) or ()]
    if "utf-8" in offered:
        return positions.UTF8
    known = [e for e in offered if e in ("utf-16", "utf-32")]
    return positions.encoding_of(known[0]) if known else positions.UTF16


def client_capabilities(params: lsp.InitializeParams) -> ClientCapabilities:
    """The capabilities an ``initialize`` request declares."""
    caps = params.capabilities
    text_document = caps.text_document
    completion_item = None
    hover_formats = None
    hierarchical = False
    link_tooltips = False
    folding_limit = None
    if text_document is not None:
        completion = text_document.completion
        completion_item = completion.completion_item if completion is not None else None
        if text_document.hover is not None:
            hover_formats = text_document.hover.content_format
        symbols = text_document.document_symbol
        hierarchical = bool(symbols and symbols.hierarchical_document_symbol_support)
        links = text_document.document_link
        link_tooltips = bool(links and links.tooltip_support)
        folding = text_document.folding_range
        folding_limit = folding.range_limit if folding is not None else None
    doc_formats = completion_item.documentation_format if completion_item is not None else None
    workspace = caps.workspace
    diagnostics = workspace.diagnostics if workspace is not None else None
    inlay_hints = workspace.inlay_hint if workspace is not None else None
    return ClientCapabilities(
        encoding=negotiated_encoding(caps),
        snippets=bool(completion_item and completion_item.snippet_support),
        hover_markdown=hover_formats is None or lsp.MarkupKind.Markdown in hover_formats,
        completion_markdown=doc_formats is None or lsp.MarkupKind.Markdown in doc_formats,
        hierarchical_symbols=hierarchical,
        configuration_requests=bool(workspace and workspace.configuration),
        diagnostics_refresh=bool(diagnostics and diagnostics.refresh_support),
        inlay_hint_refresh=bool(inlay_hints and inlay_hints.refresh_support),
        link_tooltips=link_tooltips,
        folding_range_limit=folding_limit,
    )
