"""Diagnostics as data: what is wrong, where, how bad, and how to fix it."""

from __future__ import annotations

import enum
from typing import NamedTuple

from flash_schema.document import Path, Span


class Severity(enum.Enum):
    """How bad a diagnostic is: an error means Flash 0.2.43 rejects the config."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Edit(NamedTuple):
    """Replace the text at ``span`` (of the diagnostic's document) with ``new_text``."""

    span: Span
    new_text: str


class Fix(NamedTuple):
    """A suggested fix: a title a user can pick and the edits it makes."""

    title: str
    edits: tuple[Edit, ...]


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
    fix: Fix | None = None
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


def format_path(path: Path) -> str:
    """``("train", "lora_rank")`` -> ``train.lora_rank``; list indices as ``[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            seg = part if _is_bare(part) else '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
            out = f"{out}.{seg}" if out else seg
    return out


def _is_bare(key: str) -> bool:
    return bool(key) and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
