"""The documentation the editor shows for a key or a value, for this config's algorithm and thinking mode.

The Markdown is :mod:`flash_schema.keydocs`'s (the text the reference docs are built from) plus a
link to the key's section of the reference.  Hover shows it at once; completion sends a
``Documentation`` reference with each item and renders it only when the editor asks
(``completionItem/resolve``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flash_schema import keywords as kw
from flash_schema.document import Path
from flash_schema.keydocs import doc_link, key_markdown, value_markdown
from flash_schema.normalise import KeyContext, normalise
from flash_schema.schema_index import SchemaIndex


def algorithm_of(data: Mapping[str, Any], index: SchemaIndex) -> str | None:
    """The algorithm Flash would run, as ``index``'s release normalises `algorithm` (its spec:
    unset or falsy is the default, ``"GRPO"`` is GRPO, ``" grpo"`` stays an error); ``None`` when
    that is none of the release's algorithms."""
    info = index.info(("algorithm",))
    if info is None:
        return None
    spec = info.schema.get(kw.SPEC) or {}
    context = KeyContext(info.schema, info.types, info.default, spec.get("unset"))
    value = normalise(data.get("algorithm"), list(spec.get("normalise", ())), context)
    return value if isinstance(value, str) and value in index.algorithms else None


def thinking_of(data: Mapping[str, Any]) -> bool:
    """Whether the config turns thinking mode on (it changes some defaults)."""
    return data.get("thinking") is True


def _with_link(index: SchemaIndex, text: str, path: Path) -> str:
    return f"{text}\n\n[Reference]({doc_link(path, index.dialect)})"


@functools.lru_cache(maxsize=512)
def key_documentation(index: SchemaIndex, path: Path, algorithm: str | None, thinking: bool) -> str | None:
    """A key's or table's Markdown (``keydocs.key_markdown``) with a reference link; ``None`` if unknown."""
    info = index.info(path)
    if info is None:
        return None
    return _with_link(index, key_markdown(index, info, algorithm=algorithm, thinking=thinking), path)


def value_documentation(index: SchemaIndex, path: Path, value: object, *, link: bool = False) -> str | None:
    """The Markdown of one allowed value of the key at ``path`` (a model id, an algorithm...), if any."""
    info = index.info(path)
    text = value_markdown(index, info, value) if info is not None else None
    return _with_link(index, text, path) if text is not None and link else text


@dataclass(frozen=True, slots=True)
class Documentation:
    """What a completion's documentation describes, to render it only when it is shown.

    A key or table (``path``, under ``algorithm`` and ``thinking``), or with ``is_value`` one
    of the allowed values of the key at ``path``.  It travels to the editor and back as JSON
    (``completionItem/resolve``): editors ask for the documentation of the item they show.
    """

    path: Path
    algorithm: str | None = None
    thinking: bool = False
    value: Any = None
    is_value: bool = False

    def render(self, index: SchemaIndex) -> str | None:
        """The Markdown documentation (``None`` when the schema has none)."""
        if not self.is_value:
            return key_documentation(index, self.path, self.algorithm, self.thinking)
        return value_documentation(index, self.path, self.value)

    def to_json(self) -> dict[str, Any]:
        if self.is_value:
            return {"path": list(self.path), "value": self.value}
        return {"path": list(self.path), "algorithm": self.algorithm, "thinking": self.thinking}

    @classmethod
    def from_json(cls, data: object) -> Documentation | None:
        """The inverse of ``to_json``; ``None`` for anything it did not make."""
        if not isinstance(data, dict):
            return None
        path = data.get("path")
        if not isinstance(path, list) or not all(isinstance(p, str | int) and not isinstance(p, bool) for p in path):
            return None
        if "value" in data:
            return cls(tuple(path), value=data["value"], is_value=True)
        algorithm, thinking = data.get("algorithm"), data.get("thinking")
        if not (algorithm is None or isinstance(algorithm, str)) or not isinstance(thinking, bool):
            return None
        return cls(tuple(path), algorithm, thinking)
