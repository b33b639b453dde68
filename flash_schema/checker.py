"""Checking a config end to end: syntax, overlays and `--set`s, then the schema."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flash_schema import keywords as kw
from flash_schema.diagnostics import Diagnostic, Severity
from flash_schema.dialects import load_schema
from flash_schema.document import Document, Path, Span
from flash_schema.locate import DocumentLocator, Location, Locator, Target, span_for
from flash_schema.releases import Release, detect, resolve
from flash_schema.rules import registry
from flash_schema.secrets import redact
from flash_schema.validate import validate_data

if TYPE_CHECKING:
    from flash_schema.overrides import Merged, Origin

SYNTAX_CODE = "toml-syntax"


@dataclass
class CheckResult:
    """The verdict on one config file: its diagnostics and the documents they point into."""

    path: str
    document: Document
    diagnostics: list[Diagnostic]
    overlays: dict[str, Document] = field(default_factory=dict)
    release: Release = field(default_factory=lambda: resolve(None))
    #: The data Flash validates, with where each overlaid or `--set` value came from; ``None``
    #: without overlays and sets (the data is then the document's own).
    merged: Merged | None = None

    @property
    def valid(self) -> bool:
        """False iff the checked Flash release would reject the config."""
        return not any(d.is_error for d in self.diagnostics)

    def document_of(self, diagnostic: Diagnostic) -> Document | None:
        """The document ``diagnostic.span`` points into (``None`` for a `--set` origin)."""
        if diagnostic.origin is not None:
            return None
        if diagnostic.source is None:
            return self.document
        return self.overlays.get(diagnostic.source)


def syntax_diagnostics(doc: Document, source: str | None = None) -> list[Diagnostic]:
    """The document's TOML syntax problems as error diagnostics."""
    return [
        Diagnostic(SYNTAX_CODE, Severity.ERROR, (), p.span, redact(p.message), p.hint and redact(p.hint), source=source)
        for p in doc.syntax_errors
    ]


def check_document(doc: Document, dialect: str | None = None) -> list[Diagnostic]:
    """Every problem of one document, on its own (what the language server shows)."""
    schema = _schema_diagnostics(doc.data, DocumentLocator(doc), dialect or resolve(None).dialect, doc.recovered)
    return _sorted(syntax_diagnostics(doc) + schema)


def _schema_diagnostics(data: Mapping[str, Any], locator: Locator, dialect: str, recovered: bool) -> list[Diagnostic]:
    found = validate_data(data, locator, dialect)
    if recovered:
        # Content was blanked to recover: a "missing" key may just sit on a broken line.
        return [d for d in found if d.code != "missing-key"]
    return found


def check_text(text: str, flash_version: str | None = None) -> list[Diagnostic]:
    """Shorthand: diagnostics of a config given as text (for the newest release by default)."""
    return check_document(Document.from_text(text), resolve(flash_version).dialect)


class _MergedLocator:
    def __init__(self, base: Document, overlays: Sequence[tuple[str, Document]], merged: Merged) -> None:
        self.base = base
        self.overlays = overlays
        self.merged = merged

    def _origin(self, path: Path) -> Origin | None:
        return self.merged.origin_of(path)

    def locate(self, path: Path, target: Target) -> Location:
        origin = self._origin(path)
        if origin is None:
            return Location(span_for(self.base, path, target))
        if origin.kind == "overlay":
            label, doc = self.overlays[origin.index]
            return Location(span_for(doc, path, target), source=label)
        return Location(Span(0, 0), origin=origin.label)


def choose_release(path: str | None, flash_version: str | Release | None) -> Release:
    """The release a check of ``path`` speaks for: the given one, else the project's pin, the
    installed Flash or the newest known release (`flash_schema.releases.detect`)."""
    if isinstance(flash_version, Release):
        return flash_version
    if flash_version is not None:
        return resolve(flash_version)
    return detect(path if path and not path.startswith("<") else None)


def check_config(
    path: str,
    doc: Document,
    overlays: Sequence[tuple[str, Document]] = (),
    sets: Sequence[str] = (),
    *,
    flash_version: str | Release | None = None,
) -> CheckResult:
    """Check ``doc`` as a Flash release would after merging ``overlays`` and applying ``sets``.

    ``flash_version``: a release (``"1.0.1"``), a series (``"1.3"``), ``"latest"`` or a resolved
    `Release`; ``None`` detects it for ``path`` (pin files, the installed Flash, else the newest).
    """
    release = choose_release(path, flash_version)
    if not overlays and not sets:
        return CheckResult(path, doc, check_document(doc, release.dialect), release=release)
    from flash_schema.overrides import merge_all

    diags = syntax_diagnostics(doc)
    for label, odoc in overlays:
        diags += syntax_diagnostics(odoc, source=label)
    toml_lists = load_schema(release.dialect).get(kw.SET_LISTS) == "toml"
    merged, rejected = merge_all(doc.data, [(label, o.data) for label, o in overlays], sets, toml_lists=toml_lists)
    for item, exc in rejected:
        rule = registry()["invalid-set"]
        severity, where = rule.severity(release.dialect), f"--set {item}"
        diags.append(Diagnostic(rule.code, severity, (), Span(0, 0), redact(str(exc)), rule.hint, origin=where))
    recovered = doc.recovered or any(o.recovered for _, o in overlays)
    schema = _schema_diagnostics(merged.data, _MergedLocator(doc, overlays, merged), release.dialect, recovered)
    return CheckResult(path, doc, _sorted(diags + schema), dict(overlays), release=release, merged=merged)


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.origin or "", d.source or "", d.span.start, d.severity is not Severity.ERROR))
