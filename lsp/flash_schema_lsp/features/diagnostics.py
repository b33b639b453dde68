"""Diagnostics for the editor: exactly the core's ``check_document``'s, worded as the CLI words them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flash_schema.spans import Path, Span

if TYPE_CHECKING:
    from flash_schema.diagnostics import Diagnostic, Severity

SOURCE = "flash-schema"


@dataclass(frozen=True, slots=True)
class EditorDiagnostic:
    """One diagnostic as an editor shows it; ``diagnostic`` is the core's (with its suggested fix, if any)."""

    span: Span
    severity: Severity
    code: str
    message: str
    path: Path
    diagnostic: Diagnostic


def message_of(d: Diagnostic) -> str:
    """The message, with the hint on a line of its own as the CLI prints it."""
    return f"{d.message}\nhint: {d.hint}" if d.hint else d.message


def for_editor(diags: Sequence[Diagnostic]) -> list[EditorDiagnostic]:
    """The diagnostics that point into the document itself, ready to convert to LSP."""
    out = []
    for d in diags:
        if d.source is not None or d.origin is not None:
            continue  # they point into an overlay or at a `--set`: not this document
        out.append(EditorDiagnostic(d.span, d.severity, d.code, message_of(d), d.path, d))
    return out
