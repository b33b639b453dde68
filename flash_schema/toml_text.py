"""Writing TOML values and keys exactly, as tomllib reads them back (for `flash-schema show`).

Why not tomli-w (which the tests use): `show` lays out its own lines (trailing provenance comments,
aligned, tables in schema order) and needs single values, keys and inline tables; tomli-w only
writes whole documents. tomlkit could, but it is a large dependency for a few dozen lines whose
round trip through tomllib is property-tested (tests/test_show.py).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["toml_key", "toml_short", "toml_value"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}" if ord(ch) < 0xD800 else "\\uFFFD")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    """A key segment: bare when it can be, else a basic string."""
    return key if _BARE.fullmatch(key) else _string(key)


def toml_value(value: Any) -> str:
    """One value as TOML source (inline tables and arrays on one line)."""
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
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    return _string(str(value))


def toml_short(value: Any) -> str:
    """``toml_value``, a small float in short exponent form (``1e-4``, ``2.5e-5``), as prose writes
    defaults; exact, like ``repr``."""
    if isinstance(value, float) and math.isfinite(value) and value != 0 and abs(value) < 1e-3:
        return f"{Decimal(repr(value)):e}"
    return toml_value(value)
