"""The schema index: one walk of a dialect's schema that the CLI, the LSP and the docs share."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from referencing import Registry

from flash_schema import keywords as kw
from flash_schema.dialects import NEWEST, SchemaLoadError, load_schema, make_registry, registry, schema_uri
from flash_schema.document import Path

Schema = Mapping[str, Any]
__all__ = ["KeyInfo", "SchemaIndex", "SchemaLoadError", "get_index", "load_schema"]


class Model(NamedTuple):
    """One entry of the model catalog."""

    id: str
    params: str
    max_lora_rank: int
    max_model_len: int
    default: bool = False
    algorithms: tuple[str, ...] = ()
    thinking: str = "hybrid"


class Condition(NamedTuple):
    """When a conditional block applies: ``algorithm`` is ``grpo``/``sft``, or ``model`` is an id."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """Everything the schema says about one key, conditional blocks included."""

    path: Path
    schema: Schema
    title: str | None
    description: str
    types: tuple[str, ...]
    enum: tuple[Any, ...] | None
    enum_descriptions: tuple[str, ...] | None
    default: Any
    defaults_by_algorithm: dict[str, Any]
    default_if_thinking: dict[str, Any]
    applies_to: tuple[str, ...] | None
    examples: tuple[Any, ...]
    required: str | None  # "always", an algorithm, or None
    is_table: bool
    bounds: dict[str, Any]
    caps_by_model: dict[str, int] = field(default_factory=dict)
    releases: str | None = None
    example_with: dict[str, Any] = field(default_factory=dict)
    default_text: str | None = None  # a default computed from other keys, in words

    @property
    def name(self) -> str:
        return str(self.path[-1]) if self.path else ""

    def default_for(self, algorithm: str, *, thinking: bool = False) -> Any:
        """The default that applies under ``algorithm`` (and ``thinking``)."""
        if thinking and algorithm in self.default_if_thinking:
            return self.default_if_thinking[algorithm]
        return self.defaults_by_algorithm.get(algorithm, self.default)


class SchemaIndex:
    """Lookups over one dialect's schema by key path; built once per process and dialect."""

    def __init__(self, schema: dict[str, Any], registry: Registry[Any] | None = None) -> None:
        self.schema = schema
        self.uri = schema_uri(schema)
        self.registry: Registry[Any] = registry if registry is not None else make_registry(schema)
        self._resolver = self.registry.resolver(base_uri=self.uri)
        self.catalog = tuple(
            Model(
                id=m["id"],
                params=m["params"],
                max_lora_rank=m["max_lora_rank"],
                max_model_len=m["max_model_len"],
                default=bool(m.get("default")),
                algorithms=tuple(m.get("algorithms", ())),
                thinking=str(m.get("thinking", "hybrid")),
            )
            for m in schema.get(kw.CATALOG, [])
        )
        self.flash_version = str(schema.get(kw.VERSION, ""))
        self.dialect = str(schema.get(kw.DIALECT, NEWEST))
        algorithm = schema.get("properties", {}).get("algorithm", {})
        self.algorithms: tuple[str, ...] = tuple(algorithm.get(kw.ENUM, ()))
        #: What an unset `algorithm` runs (the key's `default`).
        self.default_algorithm = str(algorithm.get("default") or (self.algorithms[:1] or ("",))[0])
        self.scoping = str(schema.get(kw.SCOPING, "ignored"))
        self.default_model = next((m.id for m in self.catalog if m.default), self.catalog[0].id if self.catalog else "")
        self._conditionals = tuple(self._parse_conditionals())
        self._info_cache: dict[Path, KeyInfo | None] = {}
        self._key_paths: list[Path] | None = None

    # -- raw schema walking ------------------------------------------------------------------

    def resolve(self, subschema: Any) -> Any:
        """Follow ``$ref`` (local to the canonical schema) until a real subschema."""
        seen = 0
        while isinstance(subschema, Mapping) and "$ref" in subschema and seen < 16:
            subschema = self._resolver.lookup(subschema["$ref"]).contents
            seen += 1
        return subschema

    def subschema(self, path: Path, root: Any = None) -> Any:
        """The unconditional subschema at ``path`` (``None`` when the path is not described)."""
        node = self.resolve(self.schema if root is None else root)
        for part in path:
            if not isinstance(node, Mapping):
                return None
            if isinstance(part, int):
                node = self.resolve(node.get("items"))
                continue
            props = node.get("properties", {})
            node = self.resolve(props[part]) if part in props else None
        return node

    def _parse_conditionals(self) -> Iterator[tuple[Condition, Schema, Schema | None]]:
        for block in self.schema.get("allOf", []):
            when = block.get(kw.WHEN)
            if isinstance(when, Mapping) and len(when) == 1:
                ((name, value),) = when.items()
                yield Condition(str(name), str(value)), block.get("then", {}), None

    def conditional_subschemas(self, path: Path) -> list[tuple[Condition, Schema]]:
        """The conditional (``if``/``then``/``else``) subschemas that also describe ``path``."""
        out = []
        for cond, branch, _ in self._conditionals:
            sub = self.subschema(path, root=branch)
            if isinstance(sub, Mapping):
                out.append((cond, sub))
        return out

    # -- key information -----------------------------------------------------------------------

    def info(self, path: Path) -> KeyInfo | None:
        """What the schema says about ``path`` (``None`` when unknown)."""
        if path in self._info_cache:
            return self._info_cache[path]
        result = self._build_info(path)
        if result is not None:  # unknown paths are the user's typos: caching them grows without end
            self._info_cache[path] = result
        return result

    def _build_info(self, path: Path) -> KeyInfo | None:
        sub = self.subschema(path)
        if not isinstance(sub, Mapping):
            return None
        types = _types(sub)
        defaults: dict[str, Any] = {}
        thinking: dict[str, Any] = {}
        caps: dict[str, int] = {}
        bounds = {k: sub[k] for k in _BOUNDS if k in sub}
        required = None
        parent = self.subschema(path[:-1]) if path else None
        if isinstance(parent, Mapping) and path and path[-1] in parent.get("required", []):
            required = "always"
        for cond, csub in self.conditional_subschemas(path):
            if cond.field == "algorithm":
                if "default" in csub:
                    defaults[cond.value] = csub["default"]
                if kw.DEFAULT_IF_THINKING in csub:
                    thinking[cond.value] = csub[kw.DEFAULT_IF_THINKING]
                if "minimum" in csub and cond.value == "sft":
                    bounds["minimum (sft)"] = csub["minimum"]
            elif cond.field == "model" and "maximum" in csub and csub.get(kw.RULE) == "lora-rank-cap":
                caps[cond.value] = csub["maximum"]
        for cond, branch, _ in self._conditionals:
            if cond.field != "algorithm" or not path:
                continue
            cparent = self.subschema(path[:-1], root=branch)
            if isinstance(cparent, Mapping) and path[-1] in cparent.get("required", []):
                required = required or cond.value
        if kw.DEFAULT_IF_THINKING in sub:
            for alg in self.algorithms:
                thinking.setdefault(alg, sub[kw.DEFAULT_IF_THINKING])
        enum, enum_desc = _enum(sub)
        applies = sub.get(kw.APPLIES_TO)
        return KeyInfo(
            path=path,
            schema=sub,
            title=sub.get("title"),
            description=sub.get("description", ""),
            types=types,
            enum=enum,
            enum_descriptions=enum_desc,
            default=sub.get("default"),
            defaults_by_algorithm=defaults,
            default_if_thinking=thinking,
            applies_to=tuple(applies) if isinstance(applies, list) else None,
            examples=tuple(sub.get("examples", ())),
            required=required,
            is_table="object" in types,
            bounds=bounds,
            caps_by_model=caps,
            releases=sub.get(kw.RELEASES) if isinstance(sub.get(kw.RELEASES), str) else None,
            example_with=dict(sub.get(kw.EXAMPLE_WITH, {})),
            default_text=sub.get(kw.DEFAULT_TEXT) if isinstance(sub.get(kw.DEFAULT_TEXT), str) else None,
        )

    def child_keys(self, path: Path) -> list[str]:
        """Known keys directly below the table at ``path`` (schema order)."""
        sub = self.subschema(path)
        if not isinstance(sub, Mapping):
            return []
        return list(sub.get("properties", {}))

    def closed(self, path: Path) -> bool:
        """True when the table at ``path`` allows only its listed keys."""
        sub = self.subschema(path)
        return isinstance(sub, Mapping) and sub.get("additionalProperties") is False

    def table_paths(self) -> list[Path]:
        """Every table a config can declare with a ``[header]``, in schema order."""
        out: list[Path] = []

        def walk(path: Path) -> None:
            for key in self.child_keys(path):
                info = self.info((*path, key))
                if info and info.is_table and not is_platform_managed(info):
                    out.append((*path, key))
                    walk((*path, key))

        walk(())
        return out

    def all_key_paths(self) -> list[Path]:
        """Every described key path (tables and leaves), depth first in schema order."""
        if self._key_paths is not None:
            return list(self._key_paths)
        out: list[Path] = []

        def walk(path: Path) -> None:
            for key in self.child_keys(path):
                out.append((*path, key))
                walk((*path, key))

        walk(())
        self._key_paths = out
        return list(out)

    def where_defined(self, name: str) -> list[Path]:
        """Key paths whose last segment is ``name`` ("belongs in another table")."""
        return [p for p in self.all_key_paths() if p[-1] == name]

    def model(self, model_id: object) -> Model | None:
        return next((m for m in self.catalog if m.id == model_id), None)

    def required_children(self, path: Path) -> list[str]:
        """Keys the table at ``path`` always requires."""
        sub = self.subschema(path)
        return [str(k) for k in sub.get("required", [])] if isinstance(sub, Mapping) else []

    def rule_codes(self) -> set[str]:
        """Every rule code the schema names (the keyword defaults aside)."""
        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, Mapping):
                if isinstance(node.get(kw.RULE), str):
                    found.add(node[kw.RULE])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.schema)
        return found


_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "pattern")


def _parts(sub: Schema) -> list[Schema]:
    """A subschema's ``allOf`` entries, without the portable shadows (for other tools only)."""
    return [p for p in sub.get("allOf", []) if isinstance(p, Mapping) and not p.get(kw.PORTABLE)]


def _types(sub: Schema) -> tuple[str, ...]:
    t = sub.get(kw.TYPE, sub.get("type"))
    if isinstance(t, str):
        return (t,)
    if isinstance(t, list):
        return tuple(t)
    if "enum" in sub:
        return ("string",)
    for part in _parts(sub):
        inner = _types(part)
        if inner:
            return inner
    return ()


def _enum(sub: Schema) -> tuple[tuple[Any, ...] | None, tuple[str, ...] | None]:
    if "enum" in sub:
        return tuple(sub["enum"]), tuple(sub.get("enumDescriptions", ())) or None
    if kw.ENUM in sub:
        return tuple(sub[kw.ENUM]), tuple(sub.get("enumDescriptions", ())) or None
    for part in _parts(sub):
        if "enum" in part:
            return tuple(part["enum"]), tuple(part.get("enumDescriptions", ())) or None
    return None, None


def is_platform_managed(info: KeyInfo) -> bool:
    """Keys Flash sets itself or ignores (``gpu``, ``run_id``, ``hf_repo`` in 0.2.43...)."""
    return any(
        isinstance(p, Mapping) and p.get(kw.RULE) == "platform-managed-key" for p in info.schema.get(kw.LINT, [])
    )


@functools.cache
def get_index(dialect: str = NEWEST) -> SchemaIndex:
    """The process-wide index of a dialect's schema (immutable, so one per dialect is enough)."""
    return SchemaIndex(load_schema(dialect), registry(dialect))
