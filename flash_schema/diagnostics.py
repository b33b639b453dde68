"""Diagnostics as data: what is wrong, where, how bad, and how to fix it."""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

from flash_schema.spans import Path, Span, format_path

__all__ = ["Diagnostic", "Edit", "Fix", "FixSpec", "Severity", "format_path"]


class Severity(enum.Enum):
    """How bad a diagnostic is: an error means the checked Flash release rejects the config."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Edit(NamedTuple):
    """Replace the text at ``span`` (of the diagnostic's document) with ``new_text``."""

    span: Span
    new_text: str


class Fix(NamedTuple):
    """A fix made concrete for one document: a title a user can pick and the edits it makes."""

    title: str
    edits: tuple[Edit, ...]


class FixSpec(NamedTuple):
    """What would fix a diagnostic, as data; `flash_schema.fixes` turns it into edits on demand.

    ``kind`` is ``rename`` (the key at ``path`` to ``value``), ``replace-value`` (the value at
    ``path`` by ``value``), ``remove`` (the statement at ``path``), ``move`` (the statement at
    ``path`` into the table ``value``) or ``add`` (``value`` is the TOML text to add to the table
    ``path``). ``certain`` fixes are the ones `check --fix` applies: they never invent a value.
    """

    kind: str
    path: Path
    value: Any = None
    certain: bool = False

    @property
    def title(self) -> str:
        if self.kind == "rename":
            return f"Rename to `{self.value}`"
        if self.kind == "replace-value":
            from flash_schema.messages import toml_value

            return f"Change to {toml_value(self.value)}"
        if self.kind == "remove":
            return f"Remove `{format_path(self.path)}`"
        if self.kind == "move":
            where = f"`[{format_path(self.value)}]`" if self.value else "the top level"
            return f"Move `{self.path[-1]}` to {where}"
        first = str(self.value).strip().splitlines()[0] if str(self.value).strip() else ""
        return f"Add `{first}`"


class Diagnostic(NamedTuple):
    """One problem in a config.

    ``span`` points into the document named by ``source`` (``None``: the checked file itself).
    ``origin`` names where a merged value came from when it is not a file (a ``--set`` argument).
    """

    code: str
    severity: Severity
    path: Path
    span: Span
    message: str
    hint: str | None = None
    fix: FixSpec | None = None
    source: str | None = None
    origin: str | None = None
    tags: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        """The dotted key path, as a user would write it."""
        return format_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR
