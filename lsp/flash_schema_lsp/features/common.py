"""Small shared helpers: the config's algorithm, cached key Markdown, key classification."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from flash_schema.document import Path
from flash_schema.render import doc_link, key_markdown
from flash_schema.schema_index import KeyInfo, get_index


def algorithm_of(data: Mapping[str, Any]) -> str | None:
    """The algorithm Flash would run: "sft" when unset or falsy, ``None`` when invalid.

    Flash lowercases the value but does not trim it, so ``"GRPO"`` is GRPO and ``" grpo"``
    is an error.
    """
    value = data.get("algorithm")
    if not value:
        return "sft"
    if isinstance(value, str) and value.lower() in ("sft", "grpo"):
        return value.lower()
    return None


def thinking_of(data: Mapping[str, Any]) -> bool:
    return data.get("thinking") is True


def schema_path(path: Path) -> Path:
    """The key path without trailing array indices (an element is described by its array)."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    return path


@functools.lru_cache(maxsize=512)
def markdown(path: Path, algorithm: str | None, thinking: bool) -> str | None:
    """Hover/completion documentation of a key: render.key_markdown plus a reference link."""
    index = get_index()
    info = index.info(path)
    if info is None:
        return None
    text = key_markdown(index, info, algorithm=algorithm, thinking=thinking)
    return f"{text}\n\n[Reference]({doc_link(path)})"


def ignored_by(info: KeyInfo, algorithm: str | None) -> str | None:
    """The algorithm under which the key has no effect, if it is this config's."""
    if info.applies_to is None or algorithm is None or algorithm in info.applies_to:
        return None
    return algorithm
