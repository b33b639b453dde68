"""Our verdict on a config, the one way the differential tests ask for it.

``ours(text, overlays, sets, release)`` checks a config as ``flash train CONFIG [--config OVERLAY]...
[--set KEY=VALUE]...`` would get it, under one Flash release, and says whether Flash accepts it
(no error diagnostic) and which errors we found.
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import regress
from jsonschema import Draft7Validator, ValidationError, validators

import flash_schema
from flash_schema.checker import CheckResult
from flash_schema.export import export_schema
from flash_schema.releases import resolve

__all__ = ["check", "ours", "plain_errors"]


def check(
    text: str | bytes, overlays: Sequence[str | bytes] = (), sets: Sequence[str] = (), release: str = "0.2.43"
) -> CheckResult:
    """Our full result (``bytes`` are a file's raw content; ``str`` is already decoded), through the
    library API."""
    named = {f"overlay-{i}.toml": o for i, o in enumerate(overlays)}
    return flash_schema.check(text, flash_version=release, path="config.toml", overlays=named, sets=sets)


def ours(
    text: str | bytes, overlays: Sequence[str | bytes] = (), sets: Sequence[str] = (), release: str = "0.2.43"
) -> tuple[bool, list[str]]:
    """``(valid, ["code: message", ...] of the errors)`` under ``release`` (``"0.2.43"``, ``"1.0.1"``...)."""
    result = check(text, overlays, sets, release)
    return result.valid, [f"{d.code}: {d.message}" for d in result.diagnostics if d.is_error]


@functools.cache
def _regex(pattern: str) -> Any:
    return regress.Regex(pattern, flags="u")


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _regex(pattern).find(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _plain(dialect: str) -> Any:
    """A validator as check-jsonschema runs one on the exported schema: draft-07, our keywords
    ignored, patterns as ECMA-262 in unicode mode (its default ``regress`` engine)."""
    cls = validators.extend(Draft7Validator, {"pattern": _ecma_pattern})  # type: ignore[no-untyped-call]
    return cls(json.loads(export_schema("draft-07", dialect)))


def plain_errors(text: str | bytes, release: str) -> list[str] | None:
    """What plain draft-07 validation of the file alone against the release's exported schema
    finds (``None`` when the file is not TOML to Python's ``tomllib``)."""
    try:
        data = tomllib.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _plain(resolve(release).dialect).iter_errors(data)
    ]
