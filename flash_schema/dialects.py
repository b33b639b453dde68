"""The dialects' schemas and validators, loaded from the package, offline, once per process.

A dialect is the config surface of one exact Flash release (``0.2.43``, ``1.0`` = 1.0.1, ``1.3`` =
1.3.28); `flash_schema.releases` maps every known release to one. The schemas are generated from
`schema/src/` (`make schema`) and shipped inside the package.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7


class SchemaLoadError(Exception):
    """A packaged schema is missing or not valid JSON (a broken install)."""


def _read(name: str) -> Any:
    try:
        return json.loads(resources.files("flash_schema").joinpath("data", name).read_text("utf-8"))
    except (OSError, ValueError) as exc:  # pragma: no cover - a broken install
        msg = f"cannot load the packaged {name}: {exc}"
        raise SchemaLoadError(msg) from exc


@functools.cache
def releases_data() -> dict[str, Any]:
    """`schema/releases.json`: every known release and the dialect that checks it."""
    data = _read("releases.json")
    if not isinstance(data, dict):  # pragma: no cover - a broken install
        msg = "the packaged releases.json is not a JSON object"
        raise SchemaLoadError(msg)
    return data


#: Oldest first, as releases.toml lists them (every check reads releases.json anyway, to
#: choose its release); the last is the default (today's Flash).
DIALECTS: tuple[str, ...] = tuple(releases_data()["dialects"])
NEWEST = DIALECTS[-1]


def schema_file(dialect: str) -> str:
    return f"flash-{dialect}.schema.json"


def check_dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        msg = f"unknown Flash dialect {dialect!r}: use one of {', '.join(DIALECTS)}"
        raise ValueError(msg)
    return dialect


@functools.cache
def load_schema(dialect: str = NEWEST) -> dict[str, Any]:
    """A dialect's schema, as shipped inside the package (treat it as immutable)."""
    data = _read(schema_file(check_dialect(dialect)))
    if not isinstance(data, dict):  # pragma: no cover - a broken install
        msg = f"the packaged {schema_file(dialect)} is not a JSON object"
        raise SchemaLoadError(msg)
    return data


def schema_text(dialect: str = NEWEST) -> str:
    """A dialect's schema file, byte for byte."""
    return resources.files("flash_schema").joinpath("data", schema_file(check_dialect(dialect))).read_text("utf-8")


def schema_uri(schema: dict[str, Any]) -> str:
    return str(schema.get("$id", "urn:flash-schema"))


def _no_retrieval(uri: str) -> Resource[Any]:
    # The schemas are self-contained: nothing is ever fetched, whatever a document names.
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def make_registry(schema: dict[str, Any]) -> Registry[Any]:
    """An immutable registry holding only ``schema``; any other reference fails, offline."""
    resource = Resource.from_contents(schema, default_specification=DRAFT7)
    empty: Registry[Any] = Registry(retrieve=_no_retrieval)  # type: ignore[call-arg]
    registry: Registry[Any] = empty.with_resource(schema_uri(schema), resource)
    return registry


@functools.cache
def registry(dialect: str = NEWEST) -> Registry[Any]:
    return make_registry(load_schema(dialect))


@functools.cache
def validator(dialect: str = NEWEST) -> Any:
    """The dialect's validator: draft-07 plus our custom keywords (built once per process)."""
    from jsonschema import Draft7Validator, validators

    from flash_schema.keywords import implementations

    cls = validators.extend(Draft7Validator, implementations())  # type: ignore[no-untyped-call]
    return cls(load_schema(dialect), registry=registry(dialect))
