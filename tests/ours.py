"""Our verdict on a config, the one way the differential tests ask for it.

``ours(text, overlays, sets, release)`` checks a config as ``flash train CONFIG [--config OVERLAY]...
[--set KEY=VALUE]...`` would get it, under one Flash release, and says whether Flash accepts it
(no error diagnostic) and which errors we found.
"""

from __future__ import annotations

from collections.abc import Sequence

from flash_schema.check import CheckResult, check_config
from flash_schema.document import Document

__all__ = ["check", "ours"]


def _document(content: str | bytes) -> Document:
    return Document.from_bytes(content) if isinstance(content, bytes) else Document.from_text(content)


def check(
    text: str | bytes, overlays: Sequence[str | bytes] = (), sets: Sequence[str] = (), release: str = "0.2.43"
) -> CheckResult:
    """Our full result (``bytes`` are a file's raw content; ``str`` is already decoded)."""
    docs = [(f"overlay-{i}.toml", _document(o)) for i, o in enumerate(overlays)]
    return check_config("config.toml", _document(text), docs, tuple(sets), flash_version=release)


def ours(
    text: str | bytes, overlays: Sequence[str | bytes] = (), sets: Sequence[str] = (), release: str = "0.2.43"
) -> tuple[bool, list[str]]:
    """``(valid, ["code: message", ...] of the errors)`` under ``release`` (``"0.2.43"``, ``"1.0.1"``...)."""
    result = check(text, overlays, sets, release)
    return result.valid, [f"{d.code}: {d.message}" for d in result.diagnostics if d.is_error]
