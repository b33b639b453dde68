"""The generators' tiny TOML document model, and the case type every corpus shares.

Values are stored as raw TOML literals, so any TOML value (``nan``, ``16.0``, ``1979-05-27``,
``[[grpo]]``) can be written exactly. The generators never decide a verdict: the oracle does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeVar

__all__ = ["Builder", "Case", "Doc", "Raw", "TomlValue", "pick", "slug", "toml_key", "toml_literal", "toml_string", "v"]


@dataclass(frozen=True)
class Case:
    """One differential-test input: base TOML text, ``--config`` overlay texts, ``--set`` args."""

    id: str
    text: str
    overlays: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()


class Raw(str):
    """A TOML literal written verbatim (``nan``, ``16.0``, ``{ a = 1 }``)."""

    __slots__ = ()


TomlValue = (
    Raw
    | str
    | bool
    | int
    | float
    | date
    | datetime
    | time
    | list["TomlValue"]
    | tuple["TomlValue", ...]
    | Mapping[str, "TomlValue"]
)

T = TypeVar("T")

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    """A TOML key: bare when possible, else a basic string."""
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON escapes are a subset of TOML's; DEL is escaped by hand)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_literal(value: TomlValue) -> str:
    """Render a Python value as one TOML value literal."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    items = ", ".join(f"{toml_key(k)} = {toml_literal(v)}" for k, v in value.items())
    return "{ " + items + " }" if items else "{}"


@dataclass
class Doc:
    """An ordered TOML document: top-level keys, then ``[table]`` sections, then raw tail text.

    Values are stored already rendered (TOML literals). Table names are dotted header paths whose
    segments are bare keys (``environment.params``).
    """

    top: dict[str, str] = field(default_factory=dict)
    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    tail: str = ""

    def copy(self) -> Doc:
        return Doc(dict(self.top), {k: dict(v) for k, v in self.tables.items()}, self.tail)

    def with_value(self, table: str, key: str, value: TomlValue) -> Doc:
        """Set ``key`` (in ``table``, or at top level when ``table`` is empty) to ``value``."""
        doc = self.copy()
        if table:
            doc.tables.setdefault(table, {})[key] = toml_literal(value)
        else:
            doc = doc.without(key)  # a scalar replaces the table and its sub-tables
            doc.top[key] = toml_literal(value)
        return doc

    def with_values(self, table: str, values: Mapping[str, TomlValue]) -> Doc:
        """Set several keys of ``table`` (``""``: top level) at once."""
        doc = self
        for key, value in values.items():
            doc = doc.with_value(table, key, value)
        return doc

    def without(self, table: str, key: str | None = None) -> Doc:
        """Drop a key, or a whole table and its sub-tables when ``key`` is None.

        ``table=""`` addresses top-level keys.
        """
        doc = self.copy()
        if not table:
            assert key is not None
            doc.top.pop(key, None)
        elif key is None:
            doc.tables = {k: v for k, v in doc.tables.items() if k != table and not k.startswith(table + ".")}
        else:
            doc.tables.get(table, {}).pop(key, None)
        return doc

    def with_table(self, table: str, values: Mapping[str, TomlValue] | None = None) -> Doc:
        """Add (or replace) a ``[table]`` section."""
        doc = self.copy()
        doc.top.pop(table, None)
        doc.tables[table] = {k: toml_literal(v) for k, v in (values or {}).items()}
        return doc

    def renamed_key(self, table: str, old: str, new: str) -> Doc:
        """Rename a key in place (a typo), keeping its position and value."""
        doc = self.copy()
        section = doc.top if not table else doc.tables[table]
        renamed = {(new if k == old else k): v for k, v in section.items()}
        if not table:
            doc.top = renamed
        else:
            doc.tables[table] = renamed
        return doc

    def renamed_table(self, old: str, new: str) -> Doc:
        doc = self.copy()
        doc.tables = {(new if k == old else k): v for k, v in doc.tables.items()}
        return doc

    def with_tail(self, text: str) -> Doc:
        doc = self.copy()
        doc.tail += text
        return doc

    def render(self) -> str:
        lines = [f"{toml_key(k)} = {v}" for k, v in self.top.items()]
        for name, values in self.tables.items():
            if lines:
                lines.append("")
            lines.append(f"[{name}]")
            lines.extend(f"{toml_key(k)} = {v}" for k, v in values.items())
        text = "\n".join(lines) + "\n"
        if self.tail:
            text += "\n" + self.tail
        return text


def v(variants: dict[str, TomlValue]) -> dict[str, TomlValue]:
    """Type a literal table of named value variants (keeps mypy from inferring ``object``)."""
    return variants


def pick(variants: Mapping[str, T], *names: str) -> dict[str, T]:
    """The named variants, in the order given (a dialect's selection from a shared table)."""
    return {name: variants[name] for name in names}


def slug(text: str) -> str:
    """A readable, id-safe rendering of an arbitrary value."""
    out = re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_")
    return out[:48] or "empty"


class Builder:
    def __init__(self) -> None:
        self.cases: list[Case] = []
        self._ids: set[str] = set()

    def add(
        self,
        case_id: str,
        doc: Doc | str,
        *,
        overlays: Iterable[Doc | str] = (),
        sets: Iterable[str] = (),
    ) -> None:
        if case_id in self._ids:
            msg = f"duplicate case id {case_id!r}"
            raise ValueError(msg)
        self._ids.add(case_id)
        text = doc if isinstance(doc, str) else doc.render()
        rendered = tuple(o if isinstance(o, str) else o.render() for o in overlays)
        self.cases.append(Case(case_id, text, rendered, tuple(sets)))

    def each(self, prefix: str, doc: Doc, table: str, key: str, variants: Mapping[str, TomlValue]) -> None:
        """One case per named value of ``table.key`` (``table=""``: top level): ``<prefix>/<name>``."""
        for name, value in variants.items():
            self.add(f"{prefix}/{name}", doc.with_value(table, key, value))

    def each_table(self, prefix: str, doc: Doc, table: str, variants: Mapping[str, Mapping[str, TomlValue]]) -> None:
        """One case per named content of ``[table]`` (replacing the doc's own): ``<prefix>/<name>``."""
        for name, values in variants.items():
            self.add(f"{prefix}/{name}", doc.with_table(table, values))
