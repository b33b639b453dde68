"""Diagnostics for the editor: exactly the core's ``check_document``, worded as the CLI words them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from flash_schema.check import check_document
from flash_schema.diagnostics import Diagnostic, Severity
from flash_schema.document import Document, Path, Span

SOURCE = "flash-schema"


@dataclass(frozen=True, slots=True)
class EditorDiagnostic:
    """One diagnostic as an editor shows it; ``fix`` is the core's suggested fix (if any)."""

    span: Span
    severity: Literal["error", "warning"]
    code: str
    message: str
    path: Path
    diagnostic: Diagnostic


def diagnose(doc: Document) -> list[Diagnostic]:
    """Every problem of the document: syntax errors, and schema problems of what still parses."""
    return check_document(doc)


def message_of(d: Diagnostic) -> str:
    """The message, with the hint on a line of its own as the CLI prints it."""
    return f"{d.message}\nhint: {d.hint}" if d.hint else d.message


def for_editor(diags: Sequence[Diagnostic]) -> list[EditorDiagnostic]:
    """The diagnostics that point into the document itself, ready to convert to LSP."""
    out = []
    for d in diags:
        if d.source is not None or d.origin is not None:
            continue  # they point into an overlay or at a `--set`: not this document
        severity: Literal["error", "warning"] = "error" if d.severity is Severity.ERROR else "warning"
        out.append(EditorDiagnostic(d.span, severity, d.code, message_of(d), d.path, d))
    return out
