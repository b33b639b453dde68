"""The canonical schema and its offline registry: all that validation needs (no index)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7


class SchemaLoadError(Exception):
    """The packaged schema is missing or not valid JSON."""


def _no_retrieval(uri: str) -> Resource[Any]:
    # The schema is self-contained: nothing is ever fetched, whatever a document names.
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def load_schema() -> dict[str, Any]:
    """The canonical schema, as shipped inside the package."""
    try:
        text = resources.files("flash_schema").joinpath("data/flash.schema.json").read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:  # pragma: no cover - a broken install
        msg = f"cannot load the packaged Flash schema: {exc}"
        raise SchemaLoadError(msg) from exc
    if not isinstance(data, dict):  # pragma: no cover - a broken install
        msg = "the packaged Flash schema is not a JSON object"
        raise SchemaLoadError(msg)
    return data


def schema_uri(schema: dict[str, Any]) -> str:
    return str(schema.get("$id", "urn:flash-schema"))


def make_registry(schema: dict[str, Any]) -> Registry[Any]:
    """An immutable registry holding only ``schema``; any other reference fails, offline."""
    resource = Resource.from_contents(schema, default_specification=DRAFT7)
    empty: Registry[Any] = Registry(retrieve=_no_retrieval)  # type: ignore[call-arg]
    registry: Registry[Any] = empty.with_resource(schema_uri(schema), resource)
    return registry


@functools.cache
def canonical() -> tuple[dict[str, Any], Registry[Any]]:
    """The process-wide canonical schema and its registry (both immutable in practice)."""
    schema = load_schema()
    return schema, make_registry(schema)
