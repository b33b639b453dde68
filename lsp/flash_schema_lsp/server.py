"""The language server: which handler answers which LSP message (the wiring, and nothing else).

Every handler of a request about a document is given the open document if the server serves
it (``documents.about_served``), converts positions with the negotiated encoding, calls a pure
function of :mod:`flash_schema_lsp.features` with the schema index and the client's
capabilities, and converts its plain result to lsprotocol types (``convert``).  A
handler that raises is logged (exception type and stack only: messages may quote the document,
which may hold secrets) and answers with an empty result.  Where pygls itself needs working
around, :mod:`flash_schema_lsp.pygls_fixes` does it.

Diagnostics are pushed on didOpen/didChange.  A client that supports pull diagnostics may
also ask for them (``textDocument/diagnostic``); once it has pulled a document, pushing for
that document stops (after clearing what was pushed), so that the editor does not show
every problem twice.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from flash_schema import __version__, startup
from flash_schema_lsp import convert, pygls_fixes, views
from flash_schema_lsp.capabilities import ClientCapabilities, client_capabilities
from flash_schema_lsp.documents import DocumentStore, OpenDocument, about_served
from flash_schema_lsp.features import selection
from flash_schema_lsp.features.diagnostics import SOURCE
from flash_schema_lsp.logs import empty, log_failure, logger, nothing, safe

if TYPE_CHECKING:
    from flash_schema.releases import Release
    from flash_schema.schema_index import SchemaIndex


class FlashLanguageServer(LanguageServer):
    """The Flash config language server's state: settings, client capabilities, open documents."""

    def __init__(self) -> None:
        super().__init__(
            "flash-schema",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
            protocol_cls=pygls_fixes.FlashProtocol,
            converter_factory=convert.json_converter,
        )
        self.settings = selection.Settings()
        self.documents = DocumentStore()
        self.caps = ClientCapabilities()
        self.generation = 0  # bumped on every settings change (part of pull result ids)
        self.default_flash_version: str | None = None  # `flash-schema lsp --flash-version`
        self.tasks: set[asyncio.Future[None]] = set()  # work the server started on its own

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's stdio server, but reading a piped stdin on the event loop (see ``pygls_fixes``)."""
        stdin = stdin or sys.stdin.buffer
        stdout = stdout or sys.stdout.buffer
        if not pygls_fixes.reads_stdin_on_the_loop(stdin, stdout):
            super().start_io(stdin, stdout)
            return
        self._stop_event = stop = threading.Event()
        try:
            pygls_fixes.serve_pipe(self.protocol, stdin, stdout, stop, self.report_server_error)
        except BrokenPipeError:
            logger.error("Connection to the client is lost! Shutting down the server.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    def index(self, doc: OpenDocument | None = None) -> SchemaIndex:
        """The schema index the features answer from (the one place that picks it): the one of
        the Flash release ``doc`` is checked for."""
        from flash_schema.schema_index import get_index

        return get_index(doc.dialect) if doc is not None else get_index()

    def release_for(self, doc: OpenDocument) -> Release:
        """The release a document is checked for: the `flashVersion` setting, else the server's
        `--flash-version`, else the pin near the file, the installed Flash or the newest."""
        from flash_schema.checker import choose_release

        chosen = self.settings.flash_version or self.default_flash_version
        return choose_release(selection.uri_to_path(doc.uri), chosen or None)

    def roots(self) -> list[str]:
        """Workspace folder paths, for globs relative to a folder."""
        out: list[str] = []
        try:
            workspace = self.workspace
        except RuntimeError:
            return out
        for folder in workspace.folders.values():
            path = selection.uri_to_path(folder.uri)
            if path:
                out.append(path)
        root = workspace.root_uri
        if root:
            path = selection.uri_to_path(root)
            if path and path not in out:
                out.append(path)
        return out

    def decide(self, doc: OpenDocument, *, sticky: bool) -> None:
        """(Re)decide whether ``doc`` is served; once served by content it stays served."""
        if not (sticky and doc.served):
            verdict = selection.select(doc.uri, doc.text, self.settings, self.roots())
            doc.served = verdict.served
            if not verdict.served and verdict.reason != doc.why:  # say why a TOML file is left alone, once
                doc.why = verdict.reason
                self.window_log_message(
                    lsp.LogMessageParams(lsp.MessageType.Info, _not_served(doc.uri, verdict.reason))
                )
        if doc.served:
            doc.set_release(self.release_for(doc))

    def lsp_diagnostics(self, doc: OpenDocument) -> list[lsp.Diagnostic]:
        """The document's diagnostics as LSP sends them (converted once per version and encoding)."""
        encoding = self.caps.encoding
        return doc.cached(
            ("diagnostics", encoding, doc.version),
            lambda: convert.diagnostics(doc.document(), doc.diagnostics(), doc.version, encoding),
        )

    def publish(self, doc: OpenDocument) -> None:
        """Push the document's diagnostics (an empty list clears what was pushed before)."""
        if doc.pulled:
            return
        if not doc.served and not doc.published:
            return  # nothing to say, and nothing to clear
        items = self.lsp_diagnostics(doc) if doc.served else []
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=doc.uri, diagnostics=items, version=doc.version)
        )
        doc.published = bool(items)

    def clear(self, doc: OpenDocument) -> None:
        if doc.published:
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[]))
            doc.published = False

    def apply_settings(self, settings: selection.Settings) -> None:
        """Use new settings and re-decide every open document."""
        if settings == self.settings:
            return
        hints_changed = settings.inlay_hints != self.settings.inlay_hints
        self.settings = settings
        self.generation += 1
        changed = False
        for doc in self.documents:
            before = (doc.served, doc.dialect)
            self.decide(doc, sticky=False)
            if (doc.served, doc.dialect) != before:
                changed = True
                if doc.pulled:
                    continue
                if doc.served:
                    self.publish(doc)
                else:
                    self.clear(doc)
        if changed and self.caps.diagnostics_refresh and any(d.pulled for d in self.documents):
            self.workspace_diagnostic_refresh(None)
        if (changed or hints_changed) and self.caps.inlay_hint_refresh:
            self.workspace_inlay_hint_refresh(None)


def _not_served(uri: str, reason: str) -> str:
    from flash_schema.secrets import redact

    return redact(f"not a Flash config, left alone: {uri} ({reason})")


server = FlashLanguageServer()


# -- lifecycle -----------------------------------------------------------------------------------------


@server.feature(lsp.INITIALIZE)
@safe(nothing)
def initialize(ls: FlashLanguageServer, params: lsp.InitializeParams) -> None:
    ls.settings = selection.parse_settings(params.initialization_options)
    ls.caps = client_capabilities(params)


@server.feature(lsp.INITIALIZED)
async def initialized(ls: FlashLanguageServer, _params: lsp.InitializedParams) -> None:
    threading.Thread(target=_warm_up, args=(ls,), name="flash-schema-warm-up", daemon=True).start()
    await _pull_configuration(ls)


def _warm_up(ls: FlashLanguageServer) -> None:
    """Import the core and build the schema index and validator while the client is idle."""
    try:
        from flash_schema.checker import check_document
        from flash_schema.document import Document

        ls.index()
        check_document(Document.from_text('model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "org/env"\n'))
    except Exception as exc:
        log_failure("warm-up", exc)
    else:
        startup.freeze_more()  # the schema index and validator live as long as the server, too


async def _pull_configuration(ls: FlashLanguageServer) -> None:
    """Ask the client for the ``flashSchema`` settings (when it can answer)."""
    if not ls.caps.configuration_requests:
        return
    try:
        result = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=selection.SETTINGS_SECTION)])
        )
    except Exception as exc:
        log_failure("workspace/configuration", exc)
        return
    if result and selection.has_settings(result[0]):
        ls.apply_settings(selection.parse_settings(result[0], ls.settings))


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: FlashLanguageServer, params: lsp.DidChangeConfigurationParams) -> None:
    """Settings sent along take effect at once, in message order (a request after this
    notification sees them); otherwise they are pulled from the client."""
    try:
        if selection.has_settings(params.settings):
            ls.apply_settings(selection.parse_settings(params.settings, ls.settings))
            return
    except Exception as exc:
        log_failure("didChangeConfiguration", exc)
        return
    task = asyncio.ensure_future(_pull_configuration(ls))
    ls.tasks.add(task)  # kept until done (the loop holds tasks weakly)
    task.add_done_callback(ls.tasks.discard)


# -- document sync ---------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@safe(nothing)
def did_open(ls: FlashLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    _refresh(ls, ls.documents.open(item.uri, item.text, item.version), sticky=False)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@safe(nothing)
def did_change(ls: FlashLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    text = ls.workspace.get_text_document(uri).source
    _refresh(ls, ls.documents.change(uri, text, params.text_document.version), sticky=True)


def _refresh(ls: FlashLanguageServer, doc: OpenDocument, *, sticky: bool) -> None:
    """Decide whether the document is served, publish its diagnostics, prepare hover/completion."""
    ls.decide(doc, sticky=sticky)
    ls.publish(doc)
    if doc.served:
        doc.warm()


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@safe(nothing)
def did_close(ls: FlashLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.close(params.text_document.uri)
    if doc is not None and not doc.pulled:
        ls.clear(doc)


# -- pull diagnostics ---------------------------------------------------------------------------------------


def _empty_report() -> lsp.RelatedFullDocumentDiagnosticReport:
    return lsp.RelatedFullDocumentDiagnosticReport(items=[])


@server.feature(
    lsp.TEXT_DOCUMENT_DIAGNOSTIC,
    lsp.DiagnosticOptions(identifier="flash-schema", inter_file_dependencies=False, workspace_diagnostics=False),
)
@safe(_empty_report)
def document_diagnostic(
    ls: FlashLanguageServer, params: lsp.DocumentDiagnosticParams
) -> lsp.RelatedFullDocumentDiagnosticReport | lsp.RelatedUnchangedDocumentDiagnosticReport:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return _empty_report()
    if not doc.pulled:
        ls.clear(doc)  # from now on the client pulls: drop what was pushed
        doc.pulled = True
    result_id = f"{doc.version}:{int(doc.served)}:{ls.generation}"
    if params.previous_result_id == result_id:
        return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    items = ls.lsp_diagnostics(doc) if doc.served else []
    return lsp.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


# -- hover and completion -------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@about_served(nothing)
def hover(ls: FlashLanguageServer, doc: OpenDocument, params: lsp.HoverParams) -> lsp.Hover | None:
    from flash_schema_lsp.features.hover import hover as hover_at

    parsed = doc.document()
    found = hover_at(parsed, ls.index(doc), convert.offset_of(parsed, params.position, ls.caps.encoding))
    if found is None:
        return None
    return lsp.Hover(
        contents=convert.markup(found.markdown, ls.caps.hover_markdown),
        range=convert.range_of(parsed, found.span, ls.caps.encoding),
    )


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=["[", ".", '"', "="], resolve_provider=True),
)
@about_served(nothing)
def completion(ls: FlashLanguageServer, doc: OpenDocument, params: lsp.CompletionParams) -> convert.JSON | None:
    """A ``CompletionList``, as JSON (see ``convert.JSON``)."""
    from flash_schema_lsp.features.completion import complete

    parsed = doc.document()
    offset = convert.offset_of(parsed, params.position, ls.caps.encoding)
    items = complete(parsed, ls.index(doc), offset, snippets=ls.caps.snippets)
    result = convert.completion_list(parsed, items, ls.caps.encoding)
    for item in result.get("items", []):
        if isinstance(item.get("data"), dict):
            item["data"]["dialect"] = doc.dialect  # resolve renders with the same release
    return result


@server.feature(lsp.COMPLETION_ITEM_RESOLVE)
def completion_resolve(ls: FlashLanguageServer, item: lsp.CompletionItem) -> lsp.CompletionItem:
    """Fill in the documentation of a completion item (from what ``completion`` put in its data)."""
    if item.documentation is not None:
        return item
    try:
        from flash_schema.dialects import DIALECTS
        from flash_schema.schema_index import get_index
        from flash_schema_lsp.features.documentation import Documentation

        docs = Documentation.from_json(item.data)
        dialect = item.data.get("dialect") if isinstance(item.data, dict) else None
        index = get_index(dialect) if dialect in DIALECTS else ls.index()
        text = docs.render(index) if docs is not None else None
    except Exception as exc:
        log_failure("completionItem/resolve", exc)
        return item
    if text:
        item.documentation = convert.markup(text, ls.caps.completion_markdown)
    return item


# -- code actions and symbols ----------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
@about_served(empty)
def code_action(ls: FlashLanguageServer, doc: OpenDocument, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    only = params.context.only
    if only and not any(lsp.CodeActionKind.QuickFix.value.startswith(str(getattr(k, "value", k))) for k in only):
        return []
    from flash_schema_lsp.features.actions import action_for, touches

    parsed = doc.document()
    encoding = ls.caps.encoding
    at = convert.span_of(parsed, params.range, encoding)
    published = {(d.code, convert.range_key(d.range)): d for d in ls.lsp_diagnostics(doc) if d.source == SOURCE}
    wanted = {(d.code, convert.range_key(d.range)) for d in params.context.diagnostics if d.source == SOURCE}
    actions = []
    seen: set[tuple[Any, ...]] = set()
    for d in doc.diagnostics():
        key = (d.code, convert.range_key(convert.range_of(parsed, d.span, encoding)))
        if key not in wanted and not touches(d.span, at):
            continue  # making a fix re-parses the fixed text: only for the diagnostics asked about
        action = action_for(parsed, d)
        if action is None:
            continue
        ident = (action.title, key)
        if ident in seen:
            continue
        seen.add(ident)
        diagnostic = published.get(key)
        actions.append(
            lsp.CodeAction(
                title=action.title,
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[diagnostic] if diagnostic is not None else None,
                is_preferred=action.preferred or None,
                edit=lsp.WorkspaceEdit(
                    changes={doc.uri: [convert.text_edit(parsed, e, encoding) for e in action.edits]}
                ),
            )
        )
    return actions


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@about_served(empty)
def document_symbol(
    ls: FlashLanguageServer, doc: OpenDocument, _params: lsp.DocumentSymbolParams
) -> Sequence[lsp.DocumentSymbol] | Sequence[lsp.SymbolInformation]:
    from flash_schema_lsp.features.symbols import document_symbols

    parsed = doc.document()
    symbols = document_symbols(parsed)
    if ls.caps.hierarchical_symbols:
        return [convert.document_symbol(parsed, s, ls.caps.encoding) for s in symbols]
    return convert.symbol_information(parsed, doc.uri, symbols, ls.caps.encoding)


# The handlers of what shows the config rather than checks it (inlay hints, links, folding, selection
# ranges, the show command) live in `views`.
views.register(server)

# -- entry point ---------------------------------------------------------------------------------------------


def start(flash_version: str | None = None) -> None:
    """Run the server on stdio until the client says exit (``flash-schema lsp``).

    ``flash_version``: the release to check for when the client's `flashVersion` setting names
    none (``None``: detect it per file)."""
    server.default_flash_version = flash_version
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="flash-schema lsp: %(levelname)s %(message)s")
    tune_gc()
    server.start_io()


def tune_gc() -> None:
    """Turn the cycle collector back on (``flash-schema lsp`` turns it off while importing).

    What exists by now (modules, classes, lsprotocol's converters) lives as long as the
    process: frozen, no collection walks it again.  Unfrozen, each full collection (which the
    allocations of a few big edits trigger) would take some 50 ms to find nothing there.  The
    cycles the imports left behind (a few MB) are frozen too: collecting them would cost
    start-up time, for memory that is small and never grows.
    """
    startup.loaded()
