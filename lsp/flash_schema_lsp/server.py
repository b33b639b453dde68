"""The language server: LSP wiring over the pure features (the only module that speaks LSP).

Every handler finds the open document, converts positions with the negotiated encoding,
calls a pure function of :mod:`flash_schema_lsp.features` and converts its plain result to
lsprotocol types.  A handler that raises is logged (exception type and stack only: messages
may quote the document, which may hold secrets) and answers with an empty result.

Diagnostics are pushed on didOpen/didChange.  A client that supports pull diagnostics may
also ask for them (``textDocument/diagnostic``); once it has pulled a document, pushing for
that document stops (after clearing what was pushed), so that the editor does not show
every problem twice.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import os
import stat
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, ParamSpec, TypeVar

from lsprotocol import types as lsp
from pygls import IS_WASM
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter, lsp_method

from flash_schema import __version__
from flash_schema_lsp.features import positions, selection

if TYPE_CHECKING:
    from cattrs import Converter

    from flash_schema.diagnostics import Diagnostic, Edit
    from flash_schema.document import Document, Span
    from flash_schema_lsp.features.symbols import Symbol

logger = logging.getLogger("flash_schema_lsp")
_ANSWERED = object()  # a request answered with an error while deserializing it

P = ParamSpec("P")
R = TypeVar("R")


# -- documents ----------------------------------------------------------------------------------


@dataclass(slots=True)
class OpenDocument:
    """One open document: its text, and (while it is served) its parse and diagnostics."""

    uri: str
    text: str
    version: int | None
    served: bool = False
    why: str = ""  # the reason it is not served, once logged
    pulled: bool = False  # the client pulls diagnostics for it: do not push
    published: bool = False  # the last push was not empty
    _doc: Document | None = None
    _diags: list[Diagnostic] | None = None
    _lsp: tuple[str, int | None, list[lsp.Diagnostic]] | None = None  # (encoding, version, converted)

    def update(self, text: str, version: int | None) -> None:
        if text != self.text:
            self._doc = _reparse(self._doc, text) if self._doc is not None else None
            self._diags = None
        self._lsp = None
        self.text = text
        self.version = version

    def document(self) -> Document:
        """The parsed document, parsed once per text."""
        if self._doc is None:
            from flash_schema.document import Document

            self._doc = Document.from_text(self.text)
        return self._doc

    def warm(self) -> None:
        """Build what hover and completion look up (spans, lines, headers) ahead of them.

        Called after the diagnostics went out, so it costs their latency nothing, and the
        next hover or completion on this text finds everything cached; so does the next edit,
        whose re-parse (``features.reparse``) looks up the edited statement in these spans.
        """
        from flash_schema_lsp.features.cursor import view

        parsed = self.document()
        parsed.children(())  # scans the spans and indexes children
        _ = parsed.line_count
        view(parsed).headers()  # finds the header lines, and which declare tables

    def diagnostics(self) -> list[Diagnostic]:
        """The core's diagnostics of the current text, computed once per text."""
        if self._diags is None:
            from flash_schema_lsp.features.diagnostics import diagnose

            self._diags = diagnose(self.document())
        return self._diags


def _reparse(old: Document, text: str) -> Document | None:
    """``text`` parsed from ``old`` when the edit stayed inside one value (else ``None``)."""
    from flash_schema_lsp.features.reparse import reparse

    try:
        return reparse(old, text)
    except Exception as exc:  # a bug there must not cost more than the full parse
        _log_failure("reparse", exc)
        return None


# -- the server ------------------------------------------------------------------------------------


class _Protocol(LanguageServerProtocol):
    """pygls's protocol, but preferring UTF-8 positions whenever the client offers them."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        # pygls raises while deserializing a request whose params do not fit, before the request
        # is dispatched, and never answers it: answer with the error (InvalidParams) here.
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                self._send_response(data["id"], None, exc.to_response_error())
                return _ANSWERED
            raise

    def handle_message(self, message: Any) -> None:
        if message is not _ANSWERED:
            super().handle_message(message)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        # pygls 2.1 files the future of a notification run by a generator handler (its own
        # didOpen/didChange/didClose) under a random id and never removes it: one Future leaked
        # per keystroke. Forget it once the notification is done.
        if callback == self._check_handler_result:
            check = callback

            def forget(future: Any) -> None:
                if not future.cancelled():  # shutdown cancels while iterating over the futures
                    self._request_futures.pop(msg_id, None)
                check(future)

            callback = forget
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, lsp.InitializeResult]:
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            offered = list(general.position_encodings)
            if lsp.PositionEncodingKind.Utf8 in offered:
                offered.remove(lsp.PositionEncodingKind.Utf8)
                general.position_encodings = [lsp.PositionEncodingKind.Utf8, *offered]
        return (yield from super().lsp_initialize(params))


class JSON(dict[str, Any]):
    """A result already in the shape LSP sends it (camelCase keys, plain values): sent as is.

    lsprotocol's converter turns attrs objects into JSON with a hook per field; for a
    completion list that costs more than computing it.  A hot handler builds this instead.
    """


def _as_is(value: JSON) -> JSON:
    return value


def _converter() -> Converter:
    converter: Converter = default_converter()  # type: ignore[no-untyped-call]
    converter.register_unstructure_hook(JSON, _as_is)
    return converter


class FlashLanguageServer(LanguageServer):
    """The Flash config language server's state: settings, client support, open documents."""

    def __init__(self) -> None:
        super().__init__(
            "flash-schema",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Full,
            protocol_cls=_Protocol,
            converter_factory=_converter,
        )
        self.settings = selection.Settings()
        self.documents: dict[str, OpenDocument] = {}
        self.encoding: positions.Encoding = positions.UTF16
        self.snippets = False
        self.hover_markdown = True
        self.completion_markdown = True
        self.hierarchical_symbols = False
        self.configuration_requests = False
        self.refresh_support = False
        self.generation = 0  # bumped on every settings change (part of pull result ids)

    # -- stdio ---------------------------------------------------------------------------------

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's stdio server, but reading a piped stdin on the event loop itself.

        pygls reads stdin in a thread pool, one hand-over per header line and body, so every
        message waits for a worker thread and then for the loop to wake up.  A pipe (what
        editors give their servers) can be watched by the loop directly: the loop wakes once
        per message, with no thread involved.  Anything else (a file, a terminal, a socket,
        Windows) keeps pygls's reader.
        """
        stdin = stdin or sys.stdin.buffer
        stdout = stdout or sys.stdout.buffer
        if IS_WASM or not _separate_pipe(stdin, stdout):
            super().start_io(stdin, stdout)
            return
        self._stop_event = stop = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout))
        try:
            asyncio.run(self._serve_pipe(stdin.fileno(), stop))
        except BrokenPipeError:
            logger.error("Connection to the client is lost! Shutting down the server.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    async def _serve_pipe(self, fd: int, stop: threading.Event) -> None:
        loop = asyncio.get_running_loop()
        stream = asyncio.StreamReader(limit=_READ_LIMIT, loop=loop)
        pipe = open(fd, "rb", buffering=0, closefd=False)  # noqa: SIM115 (the transport closes it)
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream, loop=loop), pipe)
        try:
            await run_async(
                stop_event=stop,
                reader=_PipeReader(stream),
                protocol=self.protocol,
                logger=logger,
                error_handler=self.report_server_error,
            )
        finally:
            transport.close()
            os.set_blocking(fd, True)  # the pipe's flags are shared with whoever else holds it

    # -- helpers ---------------------------------------------------------------------------

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

    def served(self, uri: str) -> OpenDocument | None:
        """The open document at ``uri`` if the server serves it."""
        doc = self.documents.get(uri)
        return doc if doc is not None and doc.served else None

    def decide(self, doc: OpenDocument, *, sticky: bool) -> None:
        """(Re)decide whether ``doc`` is served; once served by content it stays served."""
        if sticky and doc.served:
            return
        verdict = selection.select(doc.uri, doc.text, self.settings, self.roots())
        doc.served = verdict.served
        if not verdict.served and verdict.reason != doc.why:  # say why a TOML file is left alone, once
            doc.why = verdict.reason
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Info, _not_served(doc.uri, verdict.reason)))

    def range_of(self, doc: Document, span: Span) -> lsp.Range:
        start = positions.to_position(doc, span.start, self.encoding)
        end = positions.to_position(doc, span.end, self.encoding)
        return lsp.Range(lsp.Position(*start), lsp.Position(*end))

    def offset_of(self, doc: Document, position: lsp.Position) -> int:
        return positions.to_offset(doc, position.line, position.character, self.encoding)

    def text_edit(self, doc: Document, edit: Edit) -> lsp.TextEdit:
        return lsp.TextEdit(self.range_of(doc, edit.span), edit.new_text)

    # -- diagnostics ----------------------------------------------------------------------------

    def lsp_diagnostics(self, doc: OpenDocument) -> list[lsp.Diagnostic]:
        """The document's diagnostics as LSP sends them (converted once per version)."""
        cached = doc._lsp
        if cached is not None and cached[0] == self.encoding and cached[1] == doc.version:
            return cached[2]
        from flash_schema_lsp.features.actions import is_preferred
        from flash_schema_lsp.features.diagnostics import SOURCE, for_editor

        parsed = doc.document()
        out = []
        for d in for_editor(doc.diagnostics()):
            data: dict[str, Any] = {"path": list(d.path), "version": doc.version}
            fix = d.diagnostic.fix
            if fix is not None and fix.edits:
                data["fix"] = {
                    "title": fix.title,
                    "preferred": is_preferred(d.diagnostic),
                    "edits": [
                        {"range": _range_json(self.range_of(parsed, e.span)), "newText": e.new_text} for e in fix.edits
                    ],
                }
            tags = [t for t in (_TAGS.get(tag) for tag in d.diagnostic.tags) if t is not None]
            out.append(
                lsp.Diagnostic(
                    range=self.range_of(parsed, d.span),
                    message=d.message,
                    severity=lsp.DiagnosticSeverity.Error if d.severity == "error" else lsp.DiagnosticSeverity.Warning,
                    code=d.code,
                    source=SOURCE,
                    data=data,
                    tags=tags or None,
                )
            )
        doc._lsp = (self.encoding, doc.version, out)
        return out

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
        self.settings = settings
        self.generation += 1
        changed = False
        for doc in self.documents.values():
            before = doc.served
            self.decide(doc, sticky=False)
            if doc.served != before:
                changed = True
                if doc.pulled:
                    continue
                if doc.served:
                    self.publish(doc)
                else:
                    self.clear(doc)
        if changed and self.refresh_support and any(d.pulled for d in self.documents.values()):
            self.workspace_diagnostic_refresh(None)


_READ_LIMIT = 1 << 20  # bytes the reader buffers before it pauses the pipe (and longest header line)


def _not_served(uri: str, reason: str) -> str:
    from flash_schema.secrets import redact

    return redact(f"not a Flash config, left alone: {uri} ({reason})")


def _separate_pipe(stdin: BinaryIO, stdout: BinaryIO) -> bool:
    """Whether stdin is a pipe of its own (safe to make non-blocking for the event loop).

    POSIX only: Windows' event loop cannot watch the anonymous pipes editors start servers with.
    """
    if os.name != "posix":
        return False
    try:
        inp, out = os.fstat(stdin.fileno()), os.fstat(stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (e.g. tests' in-memory streams)
        return False
    return stat.S_ISFIFO(inp.st_mode) and (inp.st_dev, inp.st_ino) != (out.st_dev, out.st_ino)


class _PipeReader:
    """An ``asyncio.StreamReader`` as pygls's reader: end of input reads as ``b""``, as pygls expects."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream

    async def readline(self) -> bytes:
        try:
            return await self._stream.readline()
        except ValueError:  # a "line" longer than the limit: no client sends one
            return b""

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError:  # the client went away mid-message
            return b""


server = FlashLanguageServer()


# -- safety -------------------------------------------------------------------------------------------


def _log_failure(name: str, exc: BaseException) -> None:
    # Type and stack only: an exception's message may quote the document (and its secrets).
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s failed with %s\n%s", name, type(exc).__name__, stack)


def safe(default: Callable[[], Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a handler; if it raises, log that and return ``default()`` instead."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                _log_failure(fn.__name__, exc)
                result: R = default()
                return result

        return run

    return wrap


def _none() -> None:
    return None


def _empty() -> list[Any]:
    return []


# -- lifecycle -----------------------------------------------------------------------------------------


@server.feature(lsp.INITIALIZE)
@safe(_none)
def initialize(ls: FlashLanguageServer, params: lsp.InitializeParams) -> None:
    ls.settings = selection.parse_settings(params.initialization_options)
    ls.encoding = positions.encoding_of(ls.workspace.position_encoding)
    caps = params.capabilities
    text_document = caps.text_document
    if text_document is not None:
        completion = text_document.completion
        item = completion.completion_item if completion is not None else None
        if item is not None:
            ls.snippets = bool(item.snippet_support)
            formats = item.documentation_format
            ls.completion_markdown = formats is None or lsp.MarkupKind.Markdown in formats
        hover_caps = text_document.hover
        if hover_caps is not None and hover_caps.content_format is not None:
            ls.hover_markdown = lsp.MarkupKind.Markdown in hover_caps.content_format
        symbols = text_document.document_symbol
        ls.hierarchical_symbols = bool(symbols and symbols.hierarchical_document_symbol_support)
    workspace = caps.workspace
    if workspace is not None:
        ls.configuration_requests = bool(workspace.configuration)
        diagnostics = workspace.diagnostics
        ls.refresh_support = bool(diagnostics and diagnostics.refresh_support)


@server.feature(lsp.INITIALIZED)
async def initialized(ls: FlashLanguageServer, _params: lsp.InitializedParams) -> None:
    threading.Thread(target=_warm_up, name="flash-schema-warm-up", daemon=True).start()
    await _pull_configuration(ls)


def _warm_up() -> None:
    """Import the core and build the schema index and validator while the client is idle."""
    try:
        from flash_schema.document import Document
        from flash_schema_lsp.features.diagnostics import diagnose

        diagnose(Document.from_text('model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "org/env"\n'))
    except Exception as exc:
        _log_failure("warm-up", exc)
    else:
        if gc.get_freeze_count():  # in the server process (tune_gc froze), not in a test's
            gc.freeze()  # the schema index and validator live as long as the server, too


async def _pull_configuration(ls: FlashLanguageServer) -> None:
    """Ask the client for the ``flashSchema`` settings (when it can answer)."""
    if not ls.configuration_requests:
        return
    try:
        result = await ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section=selection.SETTINGS_SECTION)])
        )
    except Exception as exc:
        _log_failure("workspace/configuration", exc)
        return
    if result and selection.has_settings(result[0]):
        ls.apply_settings(selection.parse_settings(result[0], ls.settings))


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: FlashLanguageServer, params: lsp.DidChangeConfigurationParams) -> None:
    try:
        if selection.has_settings(params.settings):
            ls.apply_settings(selection.parse_settings(params.settings, ls.settings))
            return
    except Exception as exc:
        _log_failure("didChangeConfiguration", exc)
        return
    await _pull_configuration(ls)


# -- document sync ---------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@safe(_none)
def did_open(ls: FlashLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    doc = OpenDocument(item.uri, item.text, item.version)
    ls.documents[item.uri] = doc
    _refresh(ls, doc, sticky=False)


def _refresh(ls: FlashLanguageServer, doc: OpenDocument, *, sticky: bool) -> None:
    """Decide whether the document is served, publish its diagnostics, prepare hover/completion."""
    ls.decide(doc, sticky=sticky)
    ls.publish(doc)
    if doc.served:
        doc.warm()


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@safe(_none)
def did_change(ls: FlashLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.documents.get(uri)
    text = ls.workspace.get_text_document(uri).source
    if doc is None:
        doc = OpenDocument(uri, text, params.text_document.version)
        ls.documents[uri] = doc
    else:
        doc.update(text, params.text_document.version)
    _refresh(ls, doc, sticky=True)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@safe(_none)
def did_close(ls: FlashLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
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


# -- hover -----------------------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@safe(_none)
def hover(ls: FlashLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    doc = ls.served(params.text_document.uri)
    if doc is None:
        return None
    from flash_schema_lsp.features.hover import hover as hover_at

    parsed = doc.document()
    found = hover_at(parsed, ls.offset_of(parsed, params.position))
    if found is None:
        return None
    kind = lsp.MarkupKind.Markdown if ls.hover_markdown else lsp.MarkupKind.PlainText
    return lsp.Hover(contents=lsp.MarkupContent(kind=kind, value=found.markdown), range=ls.range_of(parsed, found.span))


# -- completion ----------------------------------------------------------------------------------------------

_COMPLETION_KINDS = {
    "key": lsp.CompletionItemKind.Property,
    "table": lsp.CompletionItemKind.Module,
    "value": lsp.CompletionItemKind.Value,
    "enum": lsp.CompletionItemKind.EnumMember,
    "boolean": lsp.CompletionItemKind.Keyword,
}


_SNIPPET, _PLAIN_TEXT = lsp.InsertTextFormat.Snippet.value, lsp.InsertTextFormat.PlainText.value


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=["[", ".", '"', "="], resolve_provider=True),
)
@safe(_none)
def completion(ls: FlashLanguageServer, params: lsp.CompletionParams) -> JSON | None:
    """A ``CompletionList``, as JSON (see ``JSON``)."""
    doc = ls.served(params.text_document.uri)
    if doc is None:
        return None
    from flash_schema_lsp.features.completion import complete

    parsed = doc.document()
    items = complete(parsed, ls.offset_of(parsed, params.position), snippets=ls.snippets)
    ranges: dict[Span, dict[str, Any]] = {}  # most items replace the same text
    out = []
    for item in items:
        edit_range = ranges.get(item.replace)
        if edit_range is None:
            edit_range = ranges[item.replace] = _range_json(ls.range_of(parsed, item.replace))
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


@server.feature(lsp.COMPLETION_ITEM_RESOLVE)
def completion_resolve(ls: FlashLanguageServer, item: lsp.CompletionItem) -> lsp.CompletionItem:
    """Fill in the documentation of a completion item (from what ``completion`` put in its data)."""
    if item.documentation is not None:
        return item
    try:
        from flash_schema_lsp.features.completion import Documentation

        docs = Documentation.from_json(item.data)
        text = docs.render() if docs is not None else None
    except Exception as exc:
        _log_failure("completionItem/resolve", exc)
        return item
    if text:
        kind = lsp.MarkupKind.Markdown if ls.completion_markdown else lsp.MarkupKind.PlainText
        item.documentation = lsp.MarkupContent(kind=kind, value=text)
    return item


# -- code actions ----------------------------------------------------------------------------------------------


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
@safe(_empty)
def code_action(ls: FlashLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    doc = ls.served(params.text_document.uri)
    if doc is None:
        return []
    only = params.context.only
    if only and not any(lsp.CodeActionKind.QuickFix.value.startswith(str(getattr(k, "value", k))) for k in only):
        return []
    from flash_schema.document import Span
    from flash_schema_lsp.features.actions import code_actions
    from flash_schema_lsp.features.diagnostics import SOURCE

    parsed = doc.document()
    start = ls.offset_of(parsed, params.range.start)
    end = ls.offset_of(parsed, params.range.end)
    published = {(d.code, _range_key(d.range)): d for d in ls.lsp_diagnostics(doc) if d.source == SOURCE}
    asked = [d for d in params.context.diagnostics if d.source == SOURCE]
    wanted = {(d.code, _range_key(d.range)) for d in asked}
    actions = []
    seen: set[tuple[Any, ...]] = set()
    for action in code_actions(doc.diagnostics()):
        diag_range = ls.range_of(parsed, action.diagnostic.span)
        key = (action.diagnostic.code, _range_key(diag_range))
        touches = _touches(action.diagnostic.span, Span(start, end))
        if key not in wanted and not touches:
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
                edit=lsp.WorkspaceEdit(changes={doc.uri: [ls.text_edit(parsed, e) for e in action.edits]}),
            )
        )
    return actions


def _touches(span: Span, wanted: Span) -> bool:
    if wanted.start == wanted.end:
        return span.start <= wanted.start <= span.end
    return span.start < wanted.end and wanted.start < span.end


def _range_key(r: lsp.Range) -> tuple[int, int, int, int]:
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def _range_json(r: lsp.Range) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


_TAGS = {"unnecessary": lsp.DiagnosticTag.Unnecessary, "deprecated": lsp.DiagnosticTag.Deprecated}


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


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@safe(_empty)
def document_symbol(
    ls: FlashLanguageServer, params: lsp.DocumentSymbolParams
) -> Sequence[lsp.DocumentSymbol] | Sequence[lsp.SymbolInformation]:
    doc = ls.served(params.text_document.uri)
    if doc is None:
        return []
    from flash_schema_lsp.features.symbols import document_symbols

    parsed = doc.document()
    symbols = document_symbols(parsed)
    if ls.hierarchical_symbols:
        return [_document_symbol(ls, parsed, s) for s in symbols]
    return _flatten(ls, parsed, doc.uri, symbols)


def _document_symbol(ls: FlashLanguageServer, doc: Document, symbol: Symbol) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(
        name=symbol.name,
        kind=_SYMBOL_KINDS[symbol.kind],
        range=ls.range_of(doc, symbol.span),
        selection_range=ls.range_of(doc, symbol.selection),
        detail=symbol.detail,
        children=[_document_symbol(ls, doc, c) for c in symbol.children] or None,
    )


def _flatten(
    ls: FlashLanguageServer, doc: Document, uri: str, symbols: Sequence[Symbol], container: str | None = None
) -> list[lsp.SymbolInformation]:
    out = []
    for symbol in symbols:
        out.append(
            lsp.SymbolInformation(
                name=symbol.name,
                kind=_SYMBOL_KINDS[symbol.kind],
                location=lsp.Location(uri=uri, range=ls.range_of(doc, symbol.span)),
                container_name=container,
            )
        )
        name = symbol.name if container is None else f"{container}.{symbol.name}"
        out.extend(_flatten(ls, doc, uri, symbol.children, name))
    return out


# -- entry point ---------------------------------------------------------------------------------------------


def start() -> None:
    """Run the server on stdio until the client says exit (``flash-schema lsp``)."""
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
    gc.freeze()
    gc.enable()
