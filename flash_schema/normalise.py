"""How a Flash release normalises the values it accepts: the steps a key's `x-flash-spec` names.

Which steps a key goes through, in which order and under which release is data (the ``spec``
facet of `schema/src/keys/*.toml`, carried into each dialect's schema as ``x-flash-spec``); this
module only says what each named step does. A step may read the key's own annotations (the GPU
alias table, the teacher list, the structured-outputs grammar), so a release that changes those
needs no code here either.

Steps run on values the release has accepted (``flash-schema show`` resolves valid configs only);
the language server also runs them on half-typed documents, so a step never raises on a value of
the wrong shape: it hands it back unchanged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flash_schema import keywords as kw

__all__ = ["STEPS", "KeyContext", "coerce", "normalise"]


@dataclass(frozen=True, slots=True)
class KeyContext:
    """What a step may know about the key it normalises."""

    schema: Mapping[str, Any]  # the key's subschema
    types: tuple[str, ...]  # its TOML types ("integer" for a key that takes `16.0` as 16)
    default: Any  # the key's default under the config's algorithm
    unset: Any  # what the release's spec holds for the key when it is unset


Step = Callable[[Any, KeyContext], Any]


def _falsy_default(value: Any, key: KeyContext) -> Any:
    return value if value else key.default


def _lower(value: Any, _key: KeyContext) -> Any:
    return value.lower() if isinstance(value, str) else value


def _strip(value: Any, _key: KeyContext) -> Any:
    return value.strip() if isinstance(value, str) else value


def _blank_default(value: Any, key: KeyContext) -> Any:
    return key.default if value == "" else value


def _uuid(value: Any, _key: KeyContext) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return value


def _dedupe(value: Any, _key: KeyContext) -> Any:
    if not isinstance(value, list):
        return value
    seen: list[Any] = []
    for item in value:
        if item not in seen:
            seen.append(item)
    return seen


def _strip_items(value: Any, key: KeyContext) -> Any:
    return [_strip(v, key) for v in value] if isinstance(value, list) else value


def _lower_items(value: Any, key: KeyContext) -> Any:
    return [_lower(v, key) for v in value] if isinstance(value, list) else value


def _positive_or_unset(value: Any, key: KeyContext) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value <= 0:
        return key.unset
    return value


def _stop_sequences(value: Any, _key: KeyContext) -> Any:
    # A string is one stop sequence ("" is none); empty strings in a list are dropped.
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [v for v in value if v != ""]
    return value


def _structured_outputs(value: Any, key: KeyContext) -> Any:
    from flash_schema.keywords.structured import canonical_json

    options = key.schema.get(kw.STRUCTURED_OUTPUTS)
    strict = not isinstance(options, Mapping) or bool(options.get("strict_options", True))
    try:
        return canonical_json(value, strict=strict)
    except (ValueError, TypeError):
        return value


def _teacher(value: Any, key: KeyContext) -> Any:
    from flash_schema.keywords.identifiers import normalize_teacher

    if not isinstance(value, str):
        return value
    if not value.strip():
        return ""
    teachers = key.schema.get(kw.TEACHER)
    teachers = teachers if isinstance(teachers, Mapping) else {}
    alias = normalize_teacher(value)
    model_ids = list(teachers.get("model_ids", []))
    if model_ids:  # the spec holds the teacher's model id (`model_ids` in the order of `aliases`)
        by_alias = dict(zip(teachers.get("aliases", []), model_ids, strict=False))
        if alias in by_alias:
            return by_alias[alias]
        return value.strip() if value.strip() in model_ids else value
    return alias


def _gpu_class(value: Any, key: KeyContext) -> Any:
    from flash_schema.keywords.identifiers import canonical_gpu

    table = key.schema.get(kw.GPU_CLASS)
    aliases: Mapping[str, str] = table.get("aliases", {}) if isinstance(table, Mapping) else {}

    def one(name: Any) -> Any:
        if not isinstance(name, str):
            return name
        return (canonical_gpu(aliases, name) or name) if name.strip() else ""

    if isinstance(value, list):
        classes = _dedupe([one(v) for v in value], key)
        # Flash keeps a single pinned class as a string, a preference list as a list.
        return classes[0] if len(classes) == 1 else classes
    return one(value)


def _python_str_values(value: Any, _key: KeyContext) -> Any:
    # Flash runs str() over each value: `true` becomes "True", a table its Python repr.
    if not isinstance(value, Mapping):
        return value
    return {str(k): str(v) for k, v in value.items()}


#: Every step a key's `x-flash-spec` may name in its ``normalise`` list.
STEPS: dict[str, Step] = {
    "falsy-default": _falsy_default,
    "lower": _lower,
    "strip": _strip,
    "blank-default": _blank_default,
    "uuid": _uuid,
    "dedupe": _dedupe,
    "strip-items": _strip_items,
    "lower-items": _lower_items,
    "positive-or-unset": _positive_or_unset,
    "stop-sequences": _stop_sequences,
    "structured-outputs": _structured_outputs,
    "teacher": _teacher,
    "gpu-class": _gpu_class,
    "python-str-values": _python_str_values,
}


def coerce(value: Any, types: tuple[str, ...]) -> Any:
    """A value as its key's type holds it: a whole float as an integer key's int (``16.0`` is 16),
    an integer as a number key's float (``1`` is ``1.0``)."""
    if types == ("integer",) and isinstance(value, float) and value.is_integer():
        return int(value)
    if types == ("number",) and isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return value
    return value


def normalise(value: Any, steps: list[str], key: KeyContext) -> Any:
    """``value`` after its type coercion and each named step, in order (unknown names raise)."""
    value = coerce(value, key.types)
    for name in steps:
        value = STEPS[name](value, key)
    return value
