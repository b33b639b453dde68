"""Fixes made concrete: a diagnostic's `FixSpec` turned into text edits on one document.

Edits are computed only when asked for (an editor's code action, `check --fix`), never for
every diagnostic. A fix is offered only when the edited text is still TOML that Flash can read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from flash_schema.diagnostics import Diagnostic, Edit, Fix, FixSpec, format_path
from flash_schema.document import Document, Node, Path, Span
from flash_schema.spans import lines as toml_lines
from flash_schema.toml_text import toml_key, toml_value


def resolve(doc: Document, diagnostic: Diagnostic) -> Fix | None:
    """The edits that fix ``diagnostic`` in ``doc``, or ``None`` when there is no safe fix."""
    spec = diagnostic.fix
    if spec is None or diagnostic.source is not None or diagnostic.origin is not None:
        return None
    edits = _edits(doc, spec)
    if not edits or not _still_toml(doc, edits):
        return None
    return Fix(spec.title, edits)


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (non-overlapping; any order)."""
    for edit in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        text = text[: edit.span.start] + edit.new_text + text[edit.span.end :]
    return text


class Applied(NamedTuple):
    """What `fix_text` did: the new text and the fixes it applied (by title)."""

    text: str
    applied: tuple[str, ...]


def fix_text(doc: Document, diagnostics: Sequence[Diagnostic]) -> Applied:
    """Apply every certain fix whose edits do not overlap an earlier one's (one pass)."""
    newline = "\r\n" if "\r\n" in doc.text else "\n"
    chosen: list[Edit] = []
    titles: list[str] = []
    taken: list[Span] = []
    for d in diagnostics:
        if d.fix is None or not d.fix.certain:
            continue
        fix = resolve(doc, d)
        if fix is None:
            continue
        if newline != "\n":  # a new line keeps the file's line endings
            fix = fix._replace(edits=tuple(e._replace(new_text=e.new_text.replace("\n", newline)) for e in fix.edits))
        spans = [e.span for e in fix.edits]
        if any(_overlap(a, b) for a in spans for b in taken):
            continue
        candidate = [*chosen, *fix.edits]
        if not _still_toml(doc, candidate):
            continue
        chosen = candidate
        taken += spans
        titles.append(fix.title)
    return Applied(apply(doc.text, chosen), tuple(titles))


def _overlap(a: Span, b: Span) -> bool:
    if a.start == a.end or b.start == b.end:
        return a.start == b.start or (b.start < a.start < b.end) or (a.start < b.start < a.end)
    return a.start < b.end and b.start < a.end


def _still_toml(doc: Document, edits: Sequence[Edit]) -> bool:
    """Whether the edited text is TOML Flash can read; for a text that already has a syntax
    error (half-typed in an editor), whether the edits add none."""
    edited = apply(doc.text, edits)
    try:
        tomllib.loads(edited)
    except tomllib.TOMLDecodeError:
        if not doc.syntax_errors:
            return False
        return len(Document.from_text(edited).syntax_errors) <= len(doc.syntax_errors)
    return True


def _edits(doc: Document, spec: FixSpec) -> tuple[Edit, ...]:
    if spec.kind == "add":
        return _add(doc, spec.path, str(spec.value))
    node = doc.node(spec.path)
    if node is None:
        return ()
    if spec.kind == "rename":
        return (Edit(node.key, toml_key(str(spec.value))),) if node.key is not None else ()
    if spec.kind == "replace-value":
        return (Edit(node.value, toml_value(spec.value)),) if node.value is not None else ()
    if spec.kind == "remove":
        span = statement_lines(doc, node)
        return (Edit(span, ""),) if span is not None else ()
    if spec.kind == "move":
        return _move(doc, node, spec.path, tuple(spec.value or ()))
    return ()


def statement_lines(doc: Document, node: Node) -> Span | None:
    """Whole lines of a ``key = value`` statement, when it stands on lines of its own."""
    if node.key is None or node.value is None:
        return None
    start = doc.text.rfind("\n", 0, node.key.start) + 1
    if doc.text[start : node.key.start].strip():
        return None
    line_end = doc.text.find("\n", node.value.end)
    end = len(doc.text) if line_end < 0 else line_end + 1
    rest = doc.text[node.value.end : end].strip()
    if rest and not rest.startswith("#"):
        return None
    return Span(start, end)


def _move(doc: Document, node: Node, path: Path, dest: Path) -> tuple[Edit, ...]:
    if node.value is None or node.key is None:
        return ()
    if doc.node((*dest, path[-1])) is not None:
        return ()  # the target already has this key: moving would make a duplicate
    span = statement_lines(doc, node)
    if span is None:
        return ()
    line = f"{toml_key(str(path[-1]))} = {doc.text[node.value.start : node.value.end]}"
    insert = _insertion_point(doc, dest, line)
    if insert is None:
        return ()
    return tuple(sorted((Edit(span, ""), insert), key=lambda e: -e.span.start))


def _insertion_point(doc: Document, table: Path, line: str) -> Edit | None:
    """Where a new ``key = value`` line for ``table`` goes: after its last statement, or appended."""
    if not table:
        at = top_level_end(doc)
        return Edit(Span(at, at), line + "\n")
    node = doc.node(table)
    if node is None:
        return _append(doc, f"[{format_path(table)}]\n{line}\n")
    if node.header is None:
        return None  # an inline or dotted table: leave it to the user
    last = node.header.end
    for child in doc.children(table):
        for span in (child.value, child.key):
            if span is not None:
                last = max(last, span.end)
    line_end = doc.text.find("\n", last)
    if line_end < 0:
        return Edit(Span(len(doc.text), len(doc.text)), "\n" + line + "\n")
    return Edit(Span(line_end + 1, line_end + 1), line + "\n")


def top_level_end(doc: Document) -> int:
    """Where a new top-level key goes: after the last top-level statement, before any table."""
    first_table = min(
        (n.header.start for n in doc.nodes() if n.header is not None and len(n.path) >= 1),
        default=None,
    )
    if first_table is None:
        return len(doc.text)
    start = doc.text.rfind("\n", 0, first_table) + 1
    # keep the comments and blank lines that introduce the table with it
    lines = toml_lines(doc.text[:start])
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        start -= len(lines.pop())
    return max(start, after_leading_comments(doc))


def _add(doc: Document, table: Path, text: str) -> tuple[Edit, ...]:
    if text.startswith("["):
        return (_append(doc, text),)
    if not table:  # a missing required top-level key (`model`, `project`): at the top of the file
        at = after_leading_comments(doc)
        return (Edit(Span(at, at), text + "\n"),)
    edit = _insertion_point(doc, table, text)
    return (edit,) if edit is not None else ()


def after_leading_comments(doc: Document) -> int:
    """The offset after the file's leading comments and blank lines (a `#:schema` stays on top)."""
    pos = 0
    for line in toml_lines(doc.text):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        pos += len(line)
    return pos


def _append(doc: Document, text: str) -> Edit:
    end = len(doc.text)
    sep = "" if not doc.text or doc.text.endswith("\n") else "\n"
    blank = "\n" if doc.text.strip() else ""
    return Edit(Span(end, end), sep + blank + text)


class Fixed(NamedTuple):
    """A config after `check --fix`: its new document and the fixes applied, in order."""

    document: Document
    applied: tuple[str, ...]


def fix_config(
    path: str,
    doc: Document,
    overlays: Sequence[tuple[str, Document]] = (),
    sets: Sequence[str] = (),
    release: Any = None,
    rounds: int = 5,
) -> Fixed:
    """Apply the certain fixes to ``doc`` until none is left (a fix can make another one certain).

    Only the checked file is edited (never an overlay); a file with a TOML syntax error is left
    alone, since its edits could land on text the parser never read.
    """
    from flash_schema.checker import check_config

    applied: list[str] = []
    for _ in range(rounds):
        if doc.syntax_errors:
            break
        result = check_config(path, doc, overlays, sets, flash_version=release)
        step = fix_text(doc, result.diagnostics)
        if not step.applied:
            break
        applied += step.applied
        doc = Document.from_text(step.text)
    return Fixed(doc, tuple(applied))
