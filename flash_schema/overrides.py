"""Flash's `--config` overlays and `--set KEY=VALUE` overrides, with where each value came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flash_schema.document import Path


class OverrideError(ValueError):
    """A `--set` argument Flash itself rejects (its exact message)."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a merged value came from: an overlay file (by index) or a `--set` argument."""

    kind: str  # "overlay" | "set"
    index: int
    label: str


@dataclass
class Merged:
    """The config Flash would validate, and the origin of every overridden path."""

    data: dict[str, Any]
    origins: dict[Path, Origin] = field(default_factory=dict)

    def origin_of(self, path: Path) -> Origin | None:
        """The origin of the longest overridden prefix of ``path`` (``None``: the base file)."""
        for n in range(len(path), 0, -1):
            found = self.origins.get(path[:n])
            if found is not None:
                return found
        return None


def _forget_below(origins: dict[Path, Origin], path: Path) -> None:
    for p in [p for p in origins if p[: len(path)] == path and len(p) > len(path)]:
        del origins[p]


def deep_merge(merged: Merged, extra: Mapping[str, Any], origin: Origin, base: Path = ()) -> None:
    """Flash's ``_deep_merge``: tables merge recursively; anything else replaces (lists too).

    Iterative, and the values it takes are copied iteratively: dotted keys nest tables deeper than
    Python's recursion limit. (Flash recurses where both sides hold a table, so along a path
    shared a thousand levels deep it would stop with a RecursionError; we merge it.)"""
    target: Any = merged.data
    for part in base:
        target = target[part]
    stack: list[tuple[dict[str, Any], Mapping[str, Any], Path]] = [(target, extra, base)]
    while stack:
        target, extra, base = stack.pop()
        for key, value in extra.items():
            path = (*base, key)
            if isinstance(value, dict) and isinstance(target.get(key), dict):
                stack.append((target[key], value, path))
            else:
                target[key] = copy_tree(value)
                _forget_below(merged.origins, path)
                merged.origins[path] = origin


def copy_tree(value: Any) -> Any:
    """A copy of parsed TOML whose tables and arrays can change (the rest is immutable), made
    without recursion."""
    if not isinstance(value, dict | list):
        return value
    root = dict(value) if isinstance(value, dict) else list(value)
    stack: list[dict[Any, Any] | list[Any]] = [root]
    while stack:
        node = stack.pop()
        for key, item in list(node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(item, dict | list):
                fresh = dict(item) if isinstance(item, dict) else list(item)
                node[key] = fresh
                stack.append(fresh)
    return root


def merge_all(
    base: dict[str, Any],
    overlays: Sequence[tuple[str, Mapping[str, Any]]] = (),
    sets: Sequence[str] = (),
    *,
    toml_lists: bool = False,
) -> tuple[Merged, list[tuple[str, OverrideError]]]:
    """Flash's pipeline: ``base``, each ``(label, data)`` overlay deep-merged in order, then each
    `--set` in order (``toml_lists``: see `apply_set`). Without overlays or sets the data is
    ``base`` itself, not a copy.

    Flash stops at the first `--set` it rejects; a check reports them all, so each rejected one
    is skipped and returned with its error."""
    merged = Merged(copy_tree(base) if overlays or sets else base)
    for i, (label, data) in enumerate(overlays):
        deep_merge(merged, data, Origin("overlay", i, label))
    rejected: list[tuple[str, OverrideError]] = []
    for i, item in enumerate(sets):
        try:
            apply_set(merged, item, i, toml_lists=toml_lists)
        except OverrideError as exc:
            rejected.append((item, exc))
    return merged, rejected


def coerce_scalar(value: str) -> Any:
    """Flash's value typing for `--set`: bool, then int(), then float(), else the string as-is."""
    low = value.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def apply_set(merged: Merged, item: str, index: int, *, toml_lists: bool = False) -> None:
    """Apply one `--set KEY=VALUE` exactly as Flash does (raises `OverrideError`).

    ``toml_lists`` (Flash 1.3.8 and later): a ``[...]`` value is first read as a TOML array, so
    quoted items may hold commas; only when that fails is it split on commas as before."""
    if "=" not in item:
        msg = f"--set must be key=value, got {item!r}"
        raise OverrideError(msg)
    key, value = item.split("=", 1)
    parts = key.strip().split(".")
    node: Any = merged.data
    for depth, part in enumerate(parts[:-1]):
        if part not in node:
            merged.origins[tuple(parts[: depth + 1])] = Origin("set", index, f"--set {item}")
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            msg = f"--set path {key!r} traverses a non-table value"
            raise OverrideError(msg)
    leaf = parts[-1]
    val = value.strip()
    typed: Any
    if parts[0] == "wandb":
        typed = val
    elif val.startswith("[") and val.endswith("]"):
        typed = _toml_array(val) if toml_lists else None
        if typed is None:
            typed = [coerce_scalar(x.strip()) for x in val[1:-1].strip().split(",") if x.strip()]
    else:
        typed = coerce_scalar(val)
    node[leaf] = typed
    path = tuple(parts)
    _forget_below(merged.origins, path)
    merged.origins[path] = Origin("set", index, f"--set {item}")


def _toml_array(text: str) -> list[Any] | None:
    import tomllib

    try:
        value = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return None
    return value if isinstance(value, list) else None
