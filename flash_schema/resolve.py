"""The config a Flash release runs: every key it resolves while parsing, and where each value came from.

`resolve_data` walks a dialect's schema in order and, for each key of the config surface, gives
the value the release will run with and its source:

- ``file``, ``overlay``, ``set``: the config (or a `--config` overlay, or a `--set`) sets it; the
  value is normalised as the release normalises it (``algorithm = "GRPO"`` is ``"grpo"``);
- ``default``: the config leaves it out and the release's parser writes its default in;
- ``worker``: the config leaves it out, the release's spec holds it unset, and its training worker
  uses the documented default (per algorithm, ``thinking`` and related keys);
- ``unset``: the config leaves it out and nothing fills it (or it has no effect under the config's
  algorithm, or a warm start inherits it): nothing to show.

How each key behaves is data: the key's ``x-flash-spec`` annotation, generated from the ``spec``
facet of `schema/src/keys/*.toml` (what the spec holds when the key is absent, the normalisation
steps of `flash_schema.normalise`, computed defaults). Fields of the release's spec that Flash
fills itself (a run id, the GPU its sizing picks) are the root's ``x-flash-spec-owned``; they are
not part of the config and are left out.

`Resolved.spec` is the other view of the same walk: the config's part of the release's resolved
spec (``JobSpec.to_dict()``), placeholders of unset keys included. The differential test holds it
to each real release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from flash_schema import keywords as kw
from flash_schema.normalise import KeyContext, normalise
from flash_schema.schema_index import KeyInfo, SchemaIndex, get_index
from flash_schema.spans import Path

__all__ = ["OMITTED", "Origin", "Resolved", "Source", "Value", "resolve_data"]

Source = Literal["file", "overlay", "set", "default", "worker", "unset"]
#: What a source is called in `show`'s comments and the editor's hints.
SOURCE_WORDS: dict[str, str] = {"default": "default", "worker": "worker default"}


class _Omitted:
    """The release's spec has no entry for the key."""

    def __repr__(self) -> str:
        return "OMITTED"


OMITTED: Any = _Omitted()


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value the config sets came from: the file, an overlay (its label) or a `--set`."""

    source: Literal["file", "overlay", "set"]
    label: str | None = None


#: ``origin_of(path)``: where the merged config's value at ``path`` came from (``None``: the file).
OriginOf = Callable[[Path], Origin | None]


@dataclass(frozen=True, slots=True)
class Value:
    """One key of the resolved config."""

    path: Path
    value: Any  # what the release runs with (None when unset and nothing fills it)
    source: Source
    label: str | None = None  # the overlay or `--set` argument it came from
    applies: bool = True  # the key has an effect under the config's algorithm
    spec: Any = OMITTED  # what the release's resolved spec holds for it

    @property
    def key(self) -> str:
        """The dotted key (`train.lora_rank`)."""
        return ".".join(str(p) for p in self.path)

    @property
    def shown(self) -> bool:
        """Part of the config the release runs (what `show` prints): set, or filled in and in effect."""
        if self.source in ("file", "overlay", "set"):
            return self.value is not None
        return self.source != "unset" and self.applies and self.value is not None


@dataclass(frozen=True)
class Resolved:
    """A config as one Flash dialect resolves it."""

    dialect: str
    algorithm: str
    thinking: bool
    values: tuple[Value, ...]
    origin_of: OriginOf = field(default=lambda _path: None, repr=False, compare=False)

    def get(self, path: Path) -> Value | None:
        return next((v for v in self.values if v.path == path), None)

    def shown(self) -> list[Value]:
        """The keys `show` prints, in schema order."""
        return [v for v in self.values if v.shown]

    def filled(self) -> list[Value]:
        """The shown keys the config leaves out (what the editor's inlay hints list)."""
        return [v for v in self.shown() if v.source in ("default", "worker")]

    def data(self) -> dict[str, Any]:
        """The shown values as a nested table."""
        out: dict[str, Any] = {}
        for v in self.shown():
            node = out
            for part in v.path[:-1]:
                node = node.setdefault(str(part), {})
            node[str(v.path[-1])] = v.value
        return out

    def spec(self) -> dict[str, Any]:
        """The config's part of the release's resolved spec (``JobSpec.to_dict()``)."""
        out: dict[str, Any] = {}
        for v in self.values:
            if v.spec is OMITTED:
                continue
            node = out
            for part in v.path[:-1]:
                node = node.setdefault(str(part), {})
            node[str(v.path[-1])] = v.spec
        return out

    def origin(self, path: Path) -> Origin:
        """Where the value at ``path`` (a key, or a part of a table's value) came from."""
        return self.origin_of(path) or Origin("file")


def owned_paths(index: SchemaIndex) -> set[str]:
    """The dotted spec fields the dialect's Flash fills itself (constants and computed values)."""
    owned = index.schema.get(kw.SPEC_OWNED, {})
    return {str(p) for part in ("constants", "computed") for p in owned.get(part, {})}


def _lookup(data: Mapping[str, Any], path: Path) -> tuple[bool, Any]:
    node: Any = data
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _leaves(index: SchemaIndex, owned: set[str]) -> Iterator[tuple[Path, KeyInfo]]:
    """The config's keys in schema order: top-level keys, and the keys of each described table."""
    for name in index.child_keys(()):
        info = index.info((name,))
        if info is None:
            continue
        children = index.child_keys((name,)) if info.is_table else []
        if not children:
            if not any(o == name or o.startswith(name + ".") for o in owned):
                yield (name,), info
            continue
        for child in children:
            sub = index.info((name, child))
            if sub is not None and f"{name}.{child}" not in owned:
                yield (name, child), sub


class _Walk:
    """One resolution: each key resolved once, on demand (a computed default reads another key)."""

    def __init__(self, data: Mapping[str, Any], index: SchemaIndex, origin_of: OriginOf) -> None:
        self.data = data
        self.index = index
        self.origin_of = origin_of
        self.done: dict[Path, Value] = {}
        self.busy: set[Path] = set()
        thinking = data.get("thinking")
        self.thinking = thinking is True
        algorithm = index.info(("algorithm",))
        # the release's default algorithm (its own default depends on no algorithm), then the config's
        self.algorithm = str(algorithm.default) if algorithm is not None else ""
        if algorithm is not None:
            resolved = self.key(("algorithm",), algorithm).value
            if isinstance(resolved, str):
                self.algorithm = resolved

    def key(self, path: Path, info: KeyInfo) -> Value:
        if path not in self.done:
            self.busy.add(path)
            self.done[path] = self._resolve(path, info)
            self.busy.discard(path)
        return self.done[path]

    def _value_of(self, dotted: str) -> Any:
        path: Path = tuple(dotted.split("."))
        info = self.index.info(path)
        if info is None or path in self.busy:
            return None
        return self.key(path, info).value

    def _default(self, info: KeyInfo, spec: Mapping[str, Any]) -> Any:
        plain = info.default_for(self.algorithm, thinking=self.thinking)
        if "worker_default" in spec and plain is None:
            plain = spec["worker_default"]
        formula = spec.get("default")
        if not isinstance(formula, Mapping):
            return plain
        base = self._value_of(str(formula.get("of", "")))
        if not isinstance(base, int | float) or isinstance(base, bool):
            return plain
        plus = formula.get("plus", 0)
        if isinstance(plus, Mapping):
            if self.algorithm not in plus:
                return plain
            plus = plus[self.algorithm]
        value = base * formula.get("times", 1) + plus
        if "at_least" in formula:
            value = max(formula["at_least"], value)
        return value

    def _resolve(self, path: Path, info: KeyInfo) -> Value:
        spec: Mapping[str, Any] = info.schema.get(kw.SPEC) or {}
        absent = spec.get("absent", "unset")
        unset = spec.get("unset")
        steps = list(spec.get("normalise", ()))
        applies = info.applies_to is None or self.algorithm in info.applies_to
        default = self._default(info, spec)
        context = KeyContext(info.schema, info.types, default, unset)
        present, raw = _lookup(self.data, path)
        if present:
            origin = self.origin_of(path) or Origin("file")
            value = normalise(raw, steps, context)
            result = Value(path, value, origin.source, origin.label, applies, value)
        elif absent == "default":
            value = normalise(default, steps, context) if default is not None else unset
            result = Value(path, value, "default", None, applies, value)
        else:  # the spec holds the placeholder (or nothing); the worker fills in the default
            worker = default is not None and applies
            filled = normalise(default, steps, context) if worker else None
            held = OMITTED if absent == "omitted" else unset
            result = Value(path, filled, "worker" if worker else "unset", None, applies, held)
        without = spec.get("without_if")
        if isinstance(without, str) and self._value_of(without):
            # A warm start inherits it from the source adapter: the spec leaves it out.
            return Value(path, None, "unset", None, applies, OMITTED)
        return result


def resolve_data(
    data: Mapping[str, Any],
    dialect: str | None = None,
    origin_of: OriginOf | None = None,
    *,
    index: SchemaIndex | None = None,
) -> Resolved:
    """The config ``data`` (merged, as Flash validates it) as ``dialect``'s release resolves it.

    ``origin_of`` says where a set value came from (``None``: everything is the file's).
    Meant for configs the release accepts; on others (a document being typed) every key still
    resolves, but a value the release would reject is passed through as it is.
    """
    index = index or (get_index(dialect) if dialect else get_index())
    where: OriginOf = origin_of or (lambda _path: None)
    walk = _Walk(data, index, where)
    values = tuple(walk.key(path, info) for path, info in _leaves(index, owned_paths(index)))
    return Resolved(index.dialect, walk.algorithm, walk.thinking, values, where)
