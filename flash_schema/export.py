"""Schema exports: a dialect's draft-07 file as shipped, and a derived 2020-12 variant."""

from __future__ import annotations

import json
from typing import Any

from flash_schema.dialects import NEWEST, schema_text

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
DIALECTS = ("draft-07", "2020-12")

#: Keywords whose value is data (never a subschema), so the rewrite leaves them alone.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples", "required", "enumDescriptions"})
#: Keywords whose value maps names to subschemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "definitions", "$defs", "dependentSchemas"})


def to_2020_12(node: Any) -> Any:
    """Rewrite a draft-07 schema as 2020-12, keyword by keyword.

    ``$schema`` names 2020-12; ``definitions`` becomes ``$defs`` (and ``$ref``s follow); the array
    form of ``items`` becomes ``prefixItems`` with ``additionalItems`` as ``items``; ``dependencies``
    splits into ``dependentRequired`` (name lists) and ``dependentSchemas``. Everything else means
    the same in both dialects, except that draft-07 ignores keywords beside a ``$ref`` (the export
    drops them). Annotations (``x-*``, ``enum``, ``default``, ...) are copied as data.
    """
    if isinstance(node, list):
        return [to_2020_12(v) for v in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        # draft-07 ignores every keyword beside `$ref`; 2020-12 would apply them, so drop them
        return {"$ref": node["$ref"].replace("#/definitions/", "#/$defs/")}
    out: dict[str, Any] = {}
    tuple_items = isinstance(node.get("items"), list)
    for key, value in node.items():
        if key == "$schema":
            out[key] = DRAFT_2020_12
        elif key in _DATA_KEYWORDS or key.startswith("x-"):
            out[key] = value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            name = "$defs" if key == "definitions" else key
            out[name] = {k: to_2020_12(v) for k, v in value.items()}
        elif key == "items" and tuple_items:
            out["prefixItems"] = to_2020_12(value)
        elif key == "additionalItems":
            if tuple_items:
                out["items"] = to_2020_12(value)
            # without an array-form `items`, draft-07 ignores `additionalItems`: so does the export
        elif key == "dependencies" and isinstance(value, dict):
            for name, dep in value.items():
                target = "dependentRequired" if isinstance(dep, list) else "dependentSchemas"
                out.setdefault(target, {})[name] = dep if isinstance(dep, list) else to_2020_12(dep)
        else:
            out[key] = to_2020_12(value)
    return out


def export_schema(dialect: str = "draft-07", flash: str = NEWEST) -> str:
    """The schema text of the Flash dialect ``flash`` in the JSON Schema ``dialect``."""
    if dialect not in DIALECTS:
        msg = f"unknown dialect {dialect!r}: use one of {', '.join(DIALECTS)}"
        raise ValueError(msg)
    text = schema_text(flash)
    if dialect == "draft-07":
        return text
    return json.dumps(to_2020_12(json.loads(text)), indent=2, ensure_ascii=False) + "\n"
