"""Helpers the schema builder's parts share, and the attributes its mixins rely on."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from flash_schema.messages import join
from flash_schema.schemagen.source import Entry, Source
from flash_schema.schemagen.timeline import Timeline

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

__all__ = ["DRAFT_07", "BuilderBase", "Entry", "fill", "fill_all", "join", "json_class", "text_or_falsy"]


def text_or_falsy(pattern: str) -> list[dict[str, Any]]:
    """``algorithm`` as Flash reads it (``value or default``): a string matching ``pattern``, or a
    falsy value of another type (which Flash reads as the default)."""
    return [
        {"type": "string", "pattern": pattern},
        {"const": False},
        {"const": 0},
        {"type": "array", "maxItems": 0},
        {"type": "object", "maxProperties": 0},
    ]


class _Words(dict[str, str]):
    """format_map() that leaves unknown placeholders as they are (messages fill them later)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, words: Mapping[str, str]) -> str:
    """``text`` with the dialect's words filled in ({release}, {defaults}...)."""
    try:
        return string.Formatter().vformat(text, (), _Words(words))
    except (ValueError, IndexError):
        return text


def fill_all(value: Any, words: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return fill(value, words)
    if isinstance(value, list):
        return [fill_all(v, words) for v in value]
    if isinstance(value, dict):
        return {k: fill_all(v, words) for k, v in value.items()}
    return value


def json_class(ch: str) -> str:
    """One character inside a regex character class, spelt for JSON readers."""
    return {"\x00": "\\u0000", "\t": "\\t", "\n": "\\n", "\r": "\\r", " ": " "}.get(ch, re.escape(ch))


class BuilderBase:
    """What the builder's mixins may use: the dialect's source, resolved."""

    src: Source
    name: str
    d: Entry
    release: str
    algorithms: list[str]
    catalog: Entry
    models: list[Entry]
    timeline: Timeline
    tables: dict[str, dict[str, Entry]]
    words: dict[str, str]

    def _fragment(self, source: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError
