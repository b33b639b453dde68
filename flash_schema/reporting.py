"""Reporters: render check results as text, JSON or GitHub annotations (strings only, no I/O)."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from flash_schema.checker import CheckResult
from flash_schema.diagnostics import Diagnostic, Severity
from flash_schema.document import Document
from flash_schema.releases import DEFAULT, INSTALLED, OPTION
from flash_schema.secrets import redact, redact_mapped

_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "hint": "\x1b[36m", "dim": "\x1b[2m", "bold": "\x1b[1m"}
_RESET = "\x1b[0m"


class Position(NamedTuple):
    """A 1-based line:column range, columns in characters, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def position(doc: Document | None, diagnostic: Diagnostic) -> Position:
    """Where ``diagnostic`` is, in 1-based line:column terms."""
    if doc is None:
        return Position(1, 1, 1, 1)
    line, col = doc.position(diagnostic.span.start)
    end_line, end_col = doc.position(diagnostic.span.end)
    return Position(line + 1, col + 1, end_line + 1, end_col + 1)


def _shown(result: CheckResult, quiet: bool) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.is_error or not quiet]


def _label(result: CheckResult, d: Diagnostic) -> str:
    return d.source if d.source is not None else result.path


def summary(results: Sequence[CheckResult]) -> dict[str, int]:
    errors = sum(1 for r in results for d in r.diagnostics if d.is_error)
    warnings = sum(1 for r in results for d in r.diagnostics if not d.is_error)
    return {
        "files": len(results),
        "valid": sum(1 for r in results if r.valid),
        "invalid": sum(1 for r in results if not r.valid),
        "errors": errors,
        "warnings": warnings,
    }


def render_text(
    results: Sequence[CheckResult], *, color: bool = False, quiet: bool = False, strict: bool = False
) -> str:
    """Human output: one headline per problem, the source line with a caret, and the hint."""

    def c(kind: str, text: str) -> str:
        return f"{_COLORS[kind]}{text}{_RESET}" if color else text

    lines: list[str] = []
    for result in results:
        for d in _shown(result, quiet):
            doc = result.document_of(d)
            pos = position(doc, d)
            sev = c(d.severity.value, f"{d.severity.value}[{d.code}]")
            if doc is None:
                lines.append(f"{result.path}: {sev}: {c('bold', d.message)} (from `{redact(d.origin or '')}`)")
            else:
                lines.append(f"{_label(result, d)}:{pos.line}:{pos.column}: {sev}: {c('bold', d.message)}")
                lines.extend(_snippet(doc, pos, c))
            if d.hint:
                lines.append(f"   = {c('hint', 'hint')}: {d.hint}")
    for note in _notes(results):
        lines.append(f"{c('hint', 'note')}: {note}")
    lines.extend(_summary_line(results, quiet=quiet, strict=strict))
    return "\n".join(lines) + ("\n" if lines else "")


def source_words(source: str) -> str:
    """Why a release was chosen, in a few words."""
    if source == OPTION:
        return "from --flash-version"
    if source == INSTALLED:
        return "the installed freesolo-flash"
    if source == DEFAULT:
        return "the newest release flash-schema knows"
    return f"pinned in {_relative(source)}"


def _relative(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith(".." + os.sep + "..") else rel


def release_words(results: Sequence[CheckResult]) -> str:
    """`Flash 1.3.28 (the newest release flash-schema knows)`, or one clause per release."""
    groups: dict[tuple[str, str], int] = {}
    for r in results:
        key = (r.release.version, r.release.source)
        groups[key] = groups.get(key, 0) + 1
    if not groups:
        return "Flash"
    if len(groups) == 1:
        ((version, source),) = groups
        return f"Flash {version} ({source_words(source)})"
    clauses = [
        f"Flash {v} ({source_words(s)}): {n} file{'s' if n != 1 else ''}" for (v, s), n in sorted(groups.items())
    ]
    return "Flash (" + "; ".join(clauses) + ")"


def _notes(results: Sequence[CheckResult]) -> list[str]:
    seen: list[str] = []
    for r in results:
        if r.release.note and r.release.note not in seen:
            seen.append(r.release.note)
    return seen


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _summary_line(results: Sequence[CheckResult], *, quiet: bool, strict: bool) -> list[str]:
    """The last line: counts, and what they mean for the exit code (Flash's verdict, --strict's)."""
    s = summary(results)
    release = release_words(results)
    if not (s["errors"] or s["warnings"]):
        return [] if quiet or not s["files"] else [f"{_plural(s['files'], 'file')} valid for {release}"]
    failed = sum(1 for r in results if not r.valid or r.diagnostics) if strict else s["invalid"]
    parts = [_plural(s["errors"], "error")]
    if not quiet:
        parts.append(_plural(s["warnings"], "warning"))
    elif strict and s["warnings"]:
        parts.append(f"{_plural(s['warnings'], 'warning')} (not shown: -q)")
    counts = ", ".join(parts)
    if s["errors"]:
        verdict = f"{s['invalid']} of {_plural(s['files'], 'file')} rejected by {release}"
    elif failed:  # only under --strict: its warnings fail the run
        verdict = f"{release} accepts all files"
    else:
        verdict = f"all files valid for {release}"
    if failed > s["invalid"]:
        verdict += f"; {failed} of {_plural(s['files'], 'file')} {'fails' if failed == 1 else 'fail'} --strict"
        verdict += " (warnings count)"
    return [f"{counts}; {verdict}"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: 2 for East Asian wide and fullwidth characters (CJK,
    most emoji), 0 for combining marks and format characters (accents, ZWJ, variation selectors).

    The standard library's Unicode tables, rather than wcwidth: this is all a caret needs, and
    the CLI stays at three dependencies.
    """
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _snippet(doc: Document, pos: Position, c: Any) -> list[str]:
    if pos.line > doc.line_count:
        return []
    text = doc.line_text(pos.line - 1)
    if len(text) > 200:
        return []
    # Secrets masked; the caret follows the masked text, counted in display columns.
    shown, where = redact_mapped(text.replace("\t", " "))
    start = where(pos.column - 1)
    end = where(pos.end_column - 1) if pos.end_line == pos.line else len(shown) + 1
    width = display_width(shown[start:end]) + (1 if end > len(shown) else 0)
    gutter = " " * 4
    return [
        f"{c('dim', f'{pos.line:>4} |')} {shown}",
        f"{c('dim', gutter + ' |')} {' ' * display_width(shown[:start])}{c('error', '^' * max(1, width))}",
    ]


def render_json(results: Sequence[CheckResult], *, quiet: bool = False) -> str:
    """Machine output: ``{"files": [...], "summary": {...}}``, 1-based lines and columns."""
    files = []
    for result in results:
        diags = []
        for d in _shown(result, quiet):
            pos = position(result.document_of(d), d)
            diags.append(
                {
                    "severity": d.severity.value,
                    "code": d.code,
                    "message": d.message,
                    "key": redact(d.key),
                    "line": pos.line,
                    "column": pos.column,
                    "end_line": pos.end_line,
                    "end_column": pos.end_column,
                    "hint": d.hint,
                    "file": _label(result, d),
                    "origin": redact(d.origin) if d.origin else None,
                }
            )
        release = result.release
        flash_version: dict[str, Any] = {
            "version": release.version,
            "source": release.source,
            "dialect": release.dialect,
        }
        if release.note:
            flash_version["note"] = release.note
        files.append({"path": result.path, "valid": result.valid, "flash_version": flash_version, "diagnostics": diags})
    return json.dumps({"files": files, "summary": summary(results)}, indent=2, ensure_ascii=False) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(results: Sequence[CheckResult], *, quiet: bool = False) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…::message``)."""
    lines = []
    for result in results:
        for d in _shown(result, quiet):
            pos = position(result.document_of(d), d)
            level = "error" if d.severity is Severity.ERROR else "warning"
            message = d.message + (f" (hint: {d.hint})" if d.hint else "")
            if d.origin:
                message += f" (from `{redact(d.origin)}`)"
            props = (
                f"file={_gh_escape(_label(result, d), prop=True)},line={pos.line},col={pos.column},"
                f"endLine={pos.end_line},endColumn={pos.end_column},"
                f"title={_gh_escape('flash-schema ' + d.code, prop=True)}"
            )
            lines.append(f"::{level} {props}::{_gh_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
