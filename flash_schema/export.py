"""Schema exports: the canonical draft-07 file as-is, and a derived 2020-12 variant."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def canonical_text() -> str:
    """The canonical schema file's exact text."""
    return resources.files("flash_schema").joinpath("data/flash.schema.json").read_text("utf-8")


def to_2020_12(node: Any) -> Any:
    """Rewrite a draft-07 schema as 2020-12: ``definitions`` -> ``$defs`` (refs too), ``$schema``."""
    if isinstance(node, list):
        return [to_2020_12(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$schema":
            out[key] = DRAFT_2020_12
        elif key == "definitions":
            out["$defs"] = {k: to_2020_12(v) for k, v in value.items()}
        elif key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/definitions/", "#/$defs/")
        elif key in {"properties", "patternProperties"} and isinstance(value, dict):
            out[key] = {k: to_2020_12(v) for k, v in value.items()}
        elif key in {"enum", "const", "default", "examples"} or key.startswith("x-"):
            out[key] = value  # data, not subschemas
        else:
            out[key] = to_2020_12(value)
    return out


def export_schema(dialect: str = "draft-07") -> str:
    """The schema text for ``dialect``."""
    text = canonical_text()
    if dialect == "draft-07":
        return text
    return json.dumps(to_2020_12(json.loads(text)), indent=2, ensure_ascii=False) + "\n"
