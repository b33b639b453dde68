"""`[train] structured_outputs`: the constraint grammar of Flash 1.3 (``schema/fields.py``
``_so_canonical`` and ``content/structured_options.py``), restated as one custom keyword.

JSON Schema cannot say it: a string form holds JSON that must itself decode to a table, aliases
fold onto one another, and one option inspects the nested schema's vocabulary.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from flash_schema.keywords.errors import FlashError

CONSTRAINTS = ("json", "regex", "choice", "json_object")
OPTIONS = ("disable_any_whitespace", "disable_additional_properties", "whitespace_pattern")
ALIASES = {"json_schema": "json", "schema": "json", "choices": "choice"}
REMOVED = ("grammar", "structural_tag")
_JSON_OPTIONS = ("disable_any_whitespace", "disable_additional_properties")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies")
_SCHEMA_VALUES = (
    "items",
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_OBJECT_KEYS = (
    "properties",
    "patternProperties",
    "additionalProperties",
    "unevaluatedProperties",
    "required",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
)
_COMPOSED = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies")


class _Invalid(Exception):
    pass


def structured_outputs(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-structured-outputs``: one diagnostic for the first problem, as Flash reports it."""
    if not value:
        return
    strict = not isinstance(value, Mapping) or bool(value.get("strict_options", True))
    try:
        _canonical(instance, strict=strict)
    except _Invalid as exc:
        yield FlashError("`{path}` " + str(exc))


def canonical_json(value: Any, *, strict: bool = True) -> str:
    """What Flash stores for an accepted value: its canonical JSON (sorted keys, no spaces), or
    ``""`` for no constraint. Raises ``ValueError`` on a value Flash rejects."""
    try:
        canonical = _canonical(value, strict=strict)
    except _Invalid as exc:
        raise ValueError(str(exc)) from None
    return "" if canonical is None else json.dumps(canonical, sort_keys=True, separators=(",", ":"))


def _canonical(value: Any, *, strict: bool = True) -> dict[str, Any] | None:
    if value is None or value is False:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or text.lower() == "none":
            return None
        if text.lower() in ("json", "json_object"):
            return {"json_object": True}
        try:
            parsed = json.loads(text)
        except ValueError:
            raise _Invalid(
                'is a string that is neither JSON (a schema or constraint object) nor the "json_object" shorthand'
            ) from None
        if not isinstance(parsed, dict):
            raise _Invalid("is a JSON string that does not decode to an object")
        return _canonical(parsed, strict=strict)
    if not isinstance(value, dict):
        raise _Invalid("must be a table, a JSON string, or false")
    removed = sorted(str(k) for k in value if k in REMOVED)
    if removed:
        raise _Invalid(f"uses {', '.join(removed)}, which Flash does not support; use one of {', '.join(CONSTRAINTS)}")
    folded: dict[str, Any] = {ALIASES.get(str(k), str(k)): v for k, v in value.items()}
    if len(folded) < len(value):
        raise _Invalid(f"sets the same constraint twice through aliases: {', '.join(sorted(map(str, value)))}")
    constraints = [k for k in CONSTRAINTS if folded.get(k) is not None]
    if not constraints:
        stray = sorted(k for k in folded if k in OPTIONS)
        if stray:
            raise _Invalid(
                f"sets option(s) {', '.join(stray)} without a constraint; options only apply alongside one of "
                + ", ".join(CONSTRAINTS)
            )
        return {"json": value}  # the whole table is a bare JSON schema
    unknown = sorted(set(folded) - set(CONSTRAINTS) - set(OPTIONS))
    if unknown:
        raise _Invalid(
            f"has unknown key(s) {', '.join(unknown)} (constraints: {', '.join(CONSTRAINTS)}; options: "
            f"{', '.join(OPTIONS)}; aliases: {', '.join(sorted(ALIASES))})"
        )
    if len(constraints) > 1:
        raise _Invalid(f"must set exactly one constraint, not {', '.join(constraints)}")
    canonical = _constraint(constraints[0], folded[constraints[0]])
    for option in OPTIONS:
        v = folded.get(option)
        if v is None:
            continue
        if option == "whitespace_pattern":
            if not isinstance(v, str) or not v:
                raise _Invalid("`whitespace_pattern` must be a non-empty string")
        elif not isinstance(v, bool):
            raise _Invalid(f"`{option}` must be a boolean")
        canonical[option] = v
    if strict:  # Flash 1.3.23 and later check the options against the constraint
        _check_options(canonical)
    return canonical


def _constraint(kind: str, val: Any) -> dict[str, Any]:
    if kind == "json":
        if isinstance(val, str):
            try:
                val = json.loads(val)
            except ValueError:
                raise _Invalid("has a `json` schema string that is not valid JSON") from None
        if not isinstance(val, dict):
            raise _Invalid("`json` must be a schema table or a JSON-object string")
        return {"json": val}
    if kind == "choice":
        if not isinstance(val, list) or not val or not all(isinstance(c, str) and c for c in val):
            raise _Invalid("`choice` must be a non-empty list of non-empty strings")
        return {"choice": list(val)}
    if kind == "json_object":
        if val is not True:
            raise _Invalid("`json_object` must be true (leave it out for unconstrained output)")
        return {"json_object": True}
    if not isinstance(val, str) or not val.strip():
        raise _Invalid("`regex` must be a non-empty string")
    return {"regex": val}


def _check_options(spec: dict[str, Any]) -> None:
    if spec.get("whitespace_pattern") is not None:
        raise _Invalid(
            "sets `whitespace_pattern`, which the managed decoding backend does not support; use "
            "`disable_any_whitespace = true` for compact JSON"
        )
    if not ("json" in spec or spec.get("json_object")) and any(spec.get(k) for k in _JSON_OPTIONS):
        raise _Invalid("sets whitespace/property options that need a JSON constraint")
    if spec.get("disable_additional_properties"):
        schema = spec.get("json", {})
        for node in _schema_nodes(schema):
            unsupported = next((k for k in _COMPOSED if k in node), None)
            if unsupported is None and _is_object_schema(node):
                unsupported = next((k for k in ("$ref", "$dynamicRef") if k in node), None)
            if unsupported is not None:
                raise _Invalid(
                    f"sets `disable_additional_properties`, which cannot rewrite a schema containing {unsupported}; "
                    "set additionalProperties in the schema itself instead"
                )


def _is_object_schema(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind) or any(k in node for k in _OBJECT_KEYS)


def _schema_nodes(schema: Any) -> Iterator[Mapping[str, Any]]:
    """Every subschema of a JSON schema, depth first, in Flash's order."""
    if not isinstance(schema, dict):
        return
    yield schema
    for child in _children(schema):
        yield from _schema_nodes(child)


def _children(schema: Mapping[str, Any]) -> Iterator[Any]:
    for key in _SCHEMA_MAPS:
        children = schema.get(key)
        if isinstance(children, dict):
            yield from children.values()
    for key in _SCHEMA_VALUES:
        child = schema.get(key)
        yield from child if isinstance(child, list) else (child,)
    for key in _SCHEMA_LISTS:
        children = schema.get(key)
        if isinstance(children, list):
            yield from children
