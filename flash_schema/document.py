"""Positioned TOML document: tomllib's data, the source span of every key, table and value, and what is at an offset."""

# Why a hand-written span scanner (flash_schema/_scan.py, over the token rules of
# flash_schema/lexer.py) instead of tree-sitter-toml:
# Flash reads its configs with Python 3.11's tomllib (TOML 1.0), so tomllib alone decides
# whether a file is valid and what its values are, and we use it for exactly that.  The
# scanner only runs over text tomllib has already accepted, so it can stay small: it locates
# keys and values, it never has to judge them.  tree-sitter's TOML grammar differs from
# tomllib at the edges (it accepts TOML 1.1 bits such as multi-line inline tables, `\e`,
# times without seconds), so its tree could describe files Flash rejects; it would also be a
# compiled dependency for something a few regexes do.
#
# Layers, each importing only those before it: spans (the position types) -> lexer (token
# rules) -> _scan (the span index) -> _recovery (syntax errors) -> document.  The lexer, the
# scanner and recovery are imported on first use: checking a valid config needs no spans,
# and compiling their regexes would cost more than the check itself.

from __future__ import annotations

import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flash_schema.files import MAX_BYTES
from flash_schema.spans import (
    Hit,
    Node,
    Path,
    Span,
    SyntaxProblem,
    line_span,
    line_starts,
    value_at,
    without_indices,
)

if TYPE_CHECKING:
    from flash_schema._scan import Rec
    from flash_schema.lexer import Line

__all__ = ["Document", "Hit", "Node", "Path", "Span", "SyntaxProblem", "decode_key"]

_SpanEntry = tuple[int, int, str, Path]  # start, end, "key" | "value" | "header", node path


def decode_key(raw: str) -> str:
    """The key a raw TOML key segment (bare, "basic" or 'literal') names."""
    from flash_schema import lexer

    return lexer.decode_key(raw)


class Document:
    """A TOML text with tomllib's data, its syntax problems and a node for every key."""

    __slots__ = (
        "_children",
        "_declared",
        "_header_nodes",
        "_header_starts",
        "_line_starts",
        "_nodes",
        "_records",
        "_scanned",
        "_span_index",
        "data",
        "recovered",
        "syntax_errors",
        "text",
    )

    text: str  # the original text, unchanged (CRLF and BOM kept)
    # tomllib's result; after syntax errors, that of the text with broken lines blanked,
    # or {} when no such text parsed.
    data: dict[str, object]
    syntax_errors: list[SyntaxProblem]
    # True when there were syntax errors, so data lacks what sat on broken lines (data is
    # {} if even blanking did not give a text tomllib accepts).
    recovered: bool

    def __init__(
        self,
        text: str,
        data: dict[str, object],
        syntax_errors: list[SyntaxProblem],
        scanned: str | None,
    ) -> None:
        """Use from_text(), from_bytes() or with_value(); scanned is the text tomllib accepted, if any."""
        self.text = text
        self.data = data
        self.syntax_errors = syntax_errors
        # Any syntax problem means data is partial (blanked lines, or {} if nothing parsed).
        self.recovered = bool(syntax_errors)
        self._scanned = scanned
        self._records: dict[Path, Rec] | None = None
        self._nodes: dict[Path, Node] = {}
        self._children: dict[Path, list[Path]] | None = None
        self._line_starts: list[int] | None = None
        # Cursor lookups, built on first use (a document never changes, so they never go stale).
        self._header_starts: list[int] | None = None
        self._header_nodes: dict[int, Path] | None = None  # where each header's `[` is -> its node
        self._declared: list[tuple[int, Path]] | None = None
        self._span_index: tuple[list[int], list[_SpanEntry]] | None = None

    @classmethod
    def from_text(cls, text: str) -> Document:
        """Parse text; syntax problems are recorded (and recovered from), never raised."""
        if len(text) > MAX_BYTES:
            # Parsing and checking are linear but slow per item: bound them (the editor's path).
            message = f"file is {len(text) / 2**20:.1f} MiB, over the {MAX_BYTES // 2**20} MiB limit for a config"
            return cls(text, {}, [SyntaxProblem(message, Span(0, 0), "no Flash config comes near it")], None)
        if text.startswith("\ufeff"):
            return cls._recover(text, [])
        try:
            return cls(text, tomllib.loads(text), [], text)
        except (ValueError, RecursionError) as exc:  # TOMLDecodeError is a ValueError
            error = exc
        # Recovery starts from this failure rather than parsing the same text again: on a long
        # file, that failed parse costs about as much as a valid one (every keystroke in the editor).
        return cls._recover(text, [], error)

    @classmethod
    def from_bytes(cls, raw: bytes) -> Document:
        """Decode UTF-8 and parse; a BOM or invalid bytes become syntax problems."""
        if len(raw) > MAX_BYTES:
            return cls.from_text(raw.decode("utf-8", "replace"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            from flash_schema._recovery import decode_utf8

            return cls._recover(*decode_utf8(raw))
        return cls.from_text(text)

    @classmethod
    def _recover(
        cls, text: str, bad_bytes: list[tuple[int, int]], error: ValueError | RecursionError | None = None
    ) -> Document:
        from flash_schema._recovery import recover

        recovered = recover(text, bad_bytes, error)
        document = cls(text, recovered.data, recovered.problems, recovered.parsed)
        document._line_starts = recovered.line_starts
        return document

    def with_value(self, text: str, path: Path, value: object) -> Document:
        """This document after an edit that changed only the value at ``path`` (to ``value``), as ``text``.

        For the language server's incremental re-parse, which has checked that tomllib reads
        ``text`` as this document's data with that one value replaced (see
        ``flash_schema_lsp.features.reparse``).  Only a document that parsed can be edited so;
        the new one's spans are scanned from ``text`` on first use, as ever.
        """
        if self.syntax_errors or not self.value_at(path)[0]:
            raise ValueError("with_value() edits a value of a document that parsed")
        return Document(text, _replaced(self.data, path, value), [], text)

    def __repr__(self) -> str:
        return f"<Document {len(self.text)} chars, {len(self.syntax_errors)} syntax errors>"

    def value_at(self, path: Path) -> tuple[bool, Any]:
        """(found, value) of ``path`` in the parsed data."""
        return value_at(self.data, path)

    # -- nodes -------------------------------------------------------------------------

    @property
    def _recs(self) -> dict[Path, Rec]:
        # Scanned on first use: checking a valid file whose data passes needs no positions.
        if self._records is None:
            from flash_schema import _scan

            self._records = {} if self._scanned is None else _scan.scan(self._scanned).records
        return self._records

    def _node(self, path: Path, rec: Rec) -> Node:
        node = self._nodes.get(path)
        if node is None:
            kind, ks, ke, vs, ve, hs, he = rec
            node = Node(
                path,
                kind,
                Span(ks, ke) if ks >= 0 else None,
                Span(vs, ve) if vs >= 0 else None,
                Span(hs, he) if hs >= 0 else None,
            )
            self._nodes[path] = node
        return node

    def node(self, path: Path) -> Node | None:
        path = tuple(path)
        rec = self._recs.get(path)
        return None if rec is None else self._node(path, rec)

    def nodes(self) -> Iterable[Node]:
        """All nodes in document order."""
        return [self._node(path, rec) for path, rec in self._recs.items()]

    def nearest(self, path: Path) -> Node | None:
        """The node for the longest prefix of path that has one."""
        path = tuple(path)
        records = self._recs
        for size in range(len(path), 0, -1):
            rec = records.get(path[:size])
            if rec is not None:
                return self._node(path[:size], rec)
        return None

    def children(self, path: Path) -> list[Node]:
        """Direct child nodes of path, in document order."""
        records = self._recs
        if self._children is None:
            index: dict[Path, list[Path]] = {}
            for child in records:
                index.setdefault(child[:-1], []).append(child)
            self._children = index
        paths = self._children.get(tuple(path), [])
        return [self._node(child, records[child]) for child in paths]

    # -- positions ---------------------------------------------------------------------

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = line_starts(self.text)
        return self._line_starts

    @property
    def line_count(self) -> int:
        return len(self._starts())

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of a code-point offset; lines end at "\\n" only."""
        offset = min(max(offset, 0), len(self.text))
        starts = self._starts()
        line = bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def offset(self, line: int, column: int) -> int:
        """Inverse of position(), clamped to the document."""
        # A column past the end clamps to the line's "\n", not before a "\r": position()
        # counts that "\r" as part of the line, and this stays its exact inverse.
        starts = self._starts()
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.text)
        line_end = starts[line + 1] - 1 if line + 1 < len(starts) else len(self.text)
        return starts[line] + min(max(column, 0), line_end - starts[line])

    def line_span(self, line: int) -> Span:
        """Where a line's text is, without its "\\r\\n" / "\\n" (empty past the end)."""
        return line_span(self.text, self._starts(), line)

    def line_text(self, line: int) -> str:
        """The text of a line without its "\\r\\n" / "\\n" ("" past the end)."""
        start, end = self.line_span(line)
        return self.text[start:end]

    def line(self, line: int) -> Line:
        """A line read on its own (a header, a key line...), however half-typed it is."""
        from flash_schema.lexer import read_line

        return read_line(self.text, *self.line_span(line))

    # -- what is at an offset --------------------------------------------------------------

    def at(self, offset: int) -> Hit | None:
        """The key, header segment or value at ``offset`` (``None`` on blanks and comments).

        It works on half-typed text too: the offset's line is read on its own (see ``line``), and
        while the document has syntax errors, a line the parse had to drop still says what it is.
        """
        line = self.line(self.position(offset)[0])
        if line.comment is not None and offset > line.comment:
            return None
        if line.kind == "blank":
            return None
        if line.kind == "header":
            if self.syntax_errors or self._header_path(line) is not None:
                names: list[str] = []
                for seg in line.segments:
                    names.append(seg.name)
                    if seg.span.start <= offset <= seg.span.end:
                        return Hit("header", tuple(names), seg.span, self.node(tuple(names)))
                return None
        elif line.kind == "key":
            found = self._on_key_line(line, offset)
            if found is not None:
                return found[0]
        return self._innermost(offset)

    def enclosing_table(self, offset: int) -> tuple[Path, int, int]:
        """The table whose section holds ``offset``: (path, section start, section end).

        The top level is ``()``, from the start of the document to its first header.  A
        ``[[array]]`` table's path ends with the element's index.  While the document has
        syntax errors, a header line counts even if the parse had to drop it.
        """
        starts = self._header_lines()
        line_start, line_end = self.line_span(self.position(offset)[0])
        path: Path = ()
        section_start, section_end = 0, len(self.text)
        for bracket in reversed(starts[: bisect_left(starts, line_start)]):
            found = self._header(bracket)
            if found is not None:
                header, path = found
                section_start = header.start
                break
        for bracket in starts[bisect_right(starts, line_end) :]:
            found = self._header(bracket)
            if found is not None:
                section_end = found[0].start
                break
        return path, section_start, section_end

    def declared_tables(self) -> list[tuple[int, Path]]:
        """(line, table path) of each `[header]` line that declares a table (array indices dropped)."""
        if self._declared is None:
            self._declared = [
                (self.position(bracket)[0], tuple(s.name for s in found[0].segments))
                for bracket in self._header_lines()
                if (found := self._header(bracket)) is not None
            ]
        return self._declared

    def _header(self, bracket: int) -> tuple[Line, Path] | None:
        """The line of a candidate header (its `[` at ``bracket``) and its table, if it declares one."""
        line = self.line(self.position(bracket)[0])
        path = self._header_path(line) if line.kind == "header" else None
        return None if path is None else (line, path)

    def _header_lines(self) -> list[int]:
        """Offsets of every line that starts (after blanks) with `[`: candidate headers."""
        if self._header_starts is None:
            from flash_schema.lexer import HEADER_LINE

            self._header_starts = [m.end() - 1 for m in HEADER_LINE.finditer(self.text)]
        return self._header_starts

    def _header_path(self, line: Line) -> Path | None:
        """The table path a header line declares, if the document agrees it is a header.

        The scanner recorded where each header it read sits, so the line's `[` names the table
        (an `[[array]]` element's path ends with its index; `[a.b]` after `[[a]]` is ``a[n].b``).
        That way a `[` at the start of a line inside a multi-line string or array is no header.
        While the document does not parse, a line the parse lacks still counts, if it is
        ``[[...`` or closed (it is probably the one being typed, or one recovery had to drop).
        """
        if not line.segments:
            return None
        if self._header_nodes is None:
            self._header_nodes = {rec[5]: path for path, rec in self._recs.items() if rec[5] >= 0}
        found = self._header_nodes.get(self.text.find("[", line.start))
        if found is not None:
            return found
        if self.syntax_errors and (line.array or line.closed):
            return tuple(s.name for s in line.segments)
        return None

    def _on_key_line(self, line: Line, offset: int) -> tuple[Hit | None] | None:
        """What is at ``offset`` on a `key = value` line; ``None`` when the line is no real statement."""
        table = self.enclosing_table(offset)[0]
        path: Path = (*table, *(s.name for s in line.segments))
        node = self.node(path)
        if node is not None and node.key is not None and not line.start <= node.key.start <= line.end:
            node = None
        if node is None and not self.syntax_errors:
            return None  # e.g. a line of a multi-line string that looks like a key
        partial = table
        for seg in line.segments:
            partial = (*partial, seg.name)
            if seg.span.start <= offset <= seg.span.end:
                return (Hit("key", partial, seg.span, self.node(partial)),)
        if line.eq is None or offset <= line.eq:
            return (None,)
        if node is not None and node.value is not None:
            if not node.value.start <= offset <= node.value.end:
                return (None,) if offset < node.value.start else None
            if node.kind in ("inline-table", "array"):
                inner = self._descend(node, offset)
                if inner is not None:
                    return (inner,)
            return (Hit("value", path, node.value, node),)
        # A line recovery dropped: take the raw text after `=` as the value.
        end = line.comment if line.comment is not None else line.end
        raw = self.text[line.eq + 1 : end]
        lead = len(raw) - len(raw.lstrip())
        value = raw.strip()
        span = Span(line.eq + 1 + lead, line.eq + 1 + lead + len(value))
        if value and span.start <= offset <= span.end:
            return (Hit("value", path, span, None),)
        return (None,)

    def _descend(self, node: Node, offset: int) -> Hit | None:
        """Inside an inline table or array value: the nested key or value at ``offset``."""
        for child in self.children(node.path):
            if child.key is not None and child.key.start <= offset <= child.key.end:
                return Hit("key", child.path, child.key, child)
            if child.value is not None and child.value.start <= offset <= child.value.end:
                if child.kind in ("inline-table", "array"):
                    inner = self._descend(child, offset)
                    if inner is not None:
                        return inner
                return Hit("value", child.path, child.value, child)
        return None

    def _innermost(self, offset: int) -> Hit | None:
        """The innermost key, value or header span around ``offset``."""
        if self._span_index is None:
            spans: list[_SpanEntry] = []
            for node in self.nodes():
                if node.header is not None:
                    spans.append((node.header.start, node.header.end, "header", node.path))
                if node.key is not None and node.header is None:
                    spans.append((node.key.start, node.key.end, "key", node.path))
                if node.value is not None:
                    spans.append((node.value.start, node.value.end, "value", node.path))
            spans.sort(key=lambda s: (s[0], -s[1]))
            self._span_index = ([s[0] for s in spans], spans)
        starts, spans = self._span_index
        i = bisect_right(starts, offset) - 1
        while i >= 0:
            start, end, kind, path = spans[i]
            if start <= offset < end or (offset == end and start < end):
                found = self.node(path)
                if kind == "header":
                    return Hit("header", without_indices(path), Span(start, end), found)
                return Hit("key" if kind == "key" else "value", path, Span(start, end), found)
            i -= 1
        return None


def _replaced(data: Any, path: Path, value: object) -> Any:
    """``data`` with the value at ``path`` (which exists) replaced: copies along the path, shares the rest."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list) and isinstance(head, int):
        items = list(data)
        items[head] = _replaced(data[head], rest, value)
        return items
    table = dict(data)
    table[head] = _replaced(data[head], rest, value)
    return table
