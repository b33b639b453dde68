"""Quick fixes: one code action per diagnostic fix the core suggests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flash_schema.diagnostics import Diagnostic, Edit
from flash_schema.document import Document, Span
from flash_schema.fixes import resolve

#: Fix titles of the "one obvious fix" kind: renaming a misspelled key or value.
_PREFERRED_PREFIXES = ("Rename to ", "Change to ")


@dataclass(frozen=True, slots=True)
class Action:
    """A quick fix: its title, the edits it makes and the diagnostic it fixes."""

    title: str
    edits: tuple[Edit, ...]
    diagnostic: Diagnostic
    preferred: bool = False


def touches(span: Span, wanted: Span) -> bool:
    """Whether ``span`` is what ``wanted`` asks about: overlaps it, or holds it when it is a cursor."""
    if wanted.start == wanted.end:
        return span.start <= wanted.start <= span.end
    return span.start < wanted.end and wanted.start < span.end


def is_preferred(d: Diagnostic) -> bool:
    """A rename of a misspelled key or value is the one obvious fix."""
    return d.fix is not None and d.fix.title.startswith(_PREFERRED_PREFIXES)


def action_for(doc: Document, d: Diagnostic) -> Action | None:
    """The quick fix of one diagnostic, made concrete now (fixes are computed only when asked)."""
    fix = resolve(doc, d)
    if fix is None or not fix.edits:
        return None
    return Action(fix.title, fix.edits, d, preferred=is_preferred(d))


def code_actions(doc: Document, diags: Iterable[Diagnostic], span: Span | None = None) -> list[Action]:
    """Quick fixes for the diagnostics whose span touches ``span`` (all when ``None``)."""
    out = []
    for d in diags:
        if span is not None and not touches(d.span, span):
            continue
        action = action_for(doc, d)
        if action is not None:
            out.append(action)
    return out
