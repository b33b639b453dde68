"""Numbers as Flash reads them: finite floats, float-exact integers, real TOML integers."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from flash_schema.keywords.errors import FlashError


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def finite(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-finite``: nan and ±inf are numbers to TOML but not to Flash; nor is an integer
    too large for a float (Flash converts float knobs with float())."""
    if not value:
        return
    if isinstance(instance, float) and not math.isfinite(instance):
        yield FlashError("`{path}` must be a finite number, not {value}")
    elif _is_int(instance):
        try:
            float(instance)
        except OverflowError:
            yield FlashError("`{path}` must be a finite number: {value} is too large for a float")


def float_exact(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-float-exact``: Flash checks integers with ``float(v) == int(v)`` (before 1.3)."""
    if not value or not _is_int(instance):
        return
    try:
        exact = float(instance) == instance
    except OverflowError:
        exact = False
    if not exact:
        yield FlashError(
            "`{path}` is too large: Flash checks integers through a float, and this one does not fit "
            "exactly (keep it at or below 2**53)"
        )


def toml_integer(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-toml-integer``: a real TOML integer (Flash rejects ``10.0`` for this key)."""
    if value and isinstance(instance, float):
        yield FlashError(
            "`{path}` must be a TOML integer, not {value}: Flash rejects a float here, even a whole one",
            args={"hint": "write it without the decimal point"},
        )
