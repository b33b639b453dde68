"""The documents the client has open: their text, and (while one is served) its parse and diagnostics.

Nothing here speaks LSP: the server converts what these hold, and may keep one conversion per
document version with ``OpenDocument.cached``.  ``about_served`` wraps the handler of a request
about one document, so that it only ever sees a document the server serves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from flash_schema_lsp.logs import log_failure, safe

if TYPE_CHECKING:
    from flash_schema.diagnostics import Diagnostic
    from flash_schema.document import Document
    from flash_schema.releases import Release

T = TypeVar("T")


class OpenDocument:
    """One open document.  The server decides and records ``served``, ``pulled`` and ``published``."""

    __slots__ = (
        "_cached",
        "_diagnostics",
        "_doc",
        "published",
        "pulled",
        "release",
        "served",
        "text",
        "uri",
        "version",
        "why",
    )

    def __init__(self, uri: str, text: str, version: int | None) -> None:
        self.uri = uri
        self.text = text
        self.version = version
        self.served = False  # the server serves it (a Flash config): diagnostics, hover, completion
        self.why = ""  # the reason it is not served, once logged
        self.pulled = False  # the client pulls diagnostics for it: do not push
        self.published = False  # the last push was not empty
        self._doc: Document | None = None
        self._diagnostics: list[Diagnostic] | None = None
        self._cached: tuple[Hashable, object] | None = None
        self.release: Release | None = None  # the Flash release it is checked for (set by the server)

    @property
    def dialect(self) -> str:
        """The dialect that checks this document (the newest until the server decides)."""
        from flash_schema.dialects import NEWEST

        return self.release.dialect if self.release is not None else NEWEST

    def set_release(self, release: Release) -> bool:
        """Check for ``release`` from now on; whether that changed anything."""
        if release == self.release:
            return False
        changed = self.release is None or release.dialect != self.release.dialect
        self.release = release
        if changed:
            self._diagnostics = None
            self._cached = None
        return changed

    def update(self, text: str, version: int | None) -> None:
        """The client's new text (a full sync) and version."""
        if text != self.text:
            self._doc = _reparse(self._doc, text) if self._doc is not None else None
            self._diagnostics = None
        self._cached = None
        self.text = text
        self.version = version

    def document(self) -> Document:
        """The parsed document, parsed once per text."""
        if self._doc is None:
            from flash_schema.document import Document

            self._doc = Document.from_text(self.text)
        return self._doc

    def diagnostics(self) -> list[Diagnostic]:
        """The core's diagnostics of the current text, computed once per text."""
        if self._diagnostics is None:
            from flash_schema.checker import check_document

            self._diagnostics = check_document(self.document(), self.dialect)
        return self._diagnostics

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made once for this version and ``key`` (say, diagnostics converted in an encoding)."""
        if self._cached is not None and self._cached[0] == key:
            return cast(T, self._cached[1])
        value = make()
        self._cached = (key, value)
        return value

    def warm(self) -> None:
        """Build what hover and completion look up (spans, lines, headers) ahead of them.

        Called after the diagnostics went out, so it costs their latency nothing, and the
        next hover or completion on this text finds everything cached; so does the next edit,
        whose re-parse (``features.reparse``) looks up the edited statement in these spans.
        """
        parsed = self.document()
        parsed.children(())  # scans the spans and indexes children
        _ = parsed.line_count
        parsed.declared_tables()  # finds the header lines, and which declare tables


def _reparse(old: Document, text: str) -> Document | None:
    """``text`` parsed from ``old`` when the edit stayed inside one value (else ``None``)."""
    from flash_schema_lsp.features.reparse import reparse

    try:
        return reparse(old, text)
    except Exception as exc:  # a bug there must not cost more than the full parse
        log_failure("reparse", exc)
        return None


class DocumentStore:
    """The open documents by URI."""

    def __init__(self) -> None:
        self._open: dict[str, OpenDocument] = {}

    def open(self, uri: str, text: str, version: int | None) -> OpenDocument:
        """A document the client opened (replacing any with that URI)."""
        doc = self._open[uri] = OpenDocument(uri, text, version)
        return doc

    def change(self, uri: str, text: str, version: int | None) -> OpenDocument:
        """A document's new text; one the server did not know of is opened with it."""
        doc = self._open.get(uri)
        if doc is None:
            return self.open(uri, text, version)
        doc.update(text, version)
        return doc

    def close(self, uri: str) -> OpenDocument | None:
        """Forget a document; the one it was, if it was open."""
        return self._open.pop(uri, None)

    def get(self, uri: str) -> OpenDocument | None:
        return self._open.get(uri)

    def served(self, uri: str) -> OpenDocument | None:
        """The open document at ``uri`` if the server serves it."""
        doc = self._open.get(uri)
        return doc if doc is not None and doc.served else None

    def __iter__(self) -> Iterator[OpenDocument]:
        return iter(list(self._open.values()))


# -- handlers of requests about one document ----------------------------------------------------------


class _Identifier(Protocol):
    @property
    def uri(self) -> str: ...


class _AboutADocument(Protocol):
    """The params of a request about one document (``textDocument/hover``, ``.../inlayHint``...)."""

    @property
    def text_document(self) -> _Identifier: ...


class _HasDocuments(Protocol):
    @property
    def documents(self) -> DocumentStore: ...


S = TypeVar("S", bound=_HasDocuments)
Params = TypeVar("Params", bound=_AboutADocument)
R = TypeVar("R")


def about_served(
    default: Callable[[], Any],
) -> Callable[[Callable[[S, OpenDocument, Params], R]], Callable[[S, Params], R]]:
    """Wrap ``handler(ls, doc, params)``: it runs with the open document the request is about
    when the server serves it; otherwise, or when it fails (``logs.safe``), the answer is ``default()``."""

    def wrap(handler: Callable[[S, OpenDocument, Params], R]) -> Callable[[S, Params], R]:
        @functools.wraps(handler)
        def run(ls: S, params: Params) -> R:
            doc = ls.documents.served(params.text_document.uri)
            if doc is None:
                result: R = default()
                return result
            return handler(ls, doc, params)

        return safe(default)(run)

    return wrap
