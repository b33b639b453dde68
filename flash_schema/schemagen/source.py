"""Reading `schema/src/`: the one place each fact about Flash's config surface is written.

The source is TOML (the language our users write, with comments). Every entry may carry
per-dialect overrides as sub-tables named by dialect (``"1.3".default = ...``); resolving an entry
for a dialect applies them and drops the entry when the dialect does not have it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The tables of a config, each described by `keys/<name>.toml` (the top level by `top.toml`).
TABLE_FILES: tuple[str, ...] = ("top", "environment", "train", "worker_env", "wandb", "gpu")

Entry = dict[str, Any]


class SourceError(Exception):
    """The schema source is malformed (a bug in `schema/src/`, reported with its file)."""


@dataclass(frozen=True)
class Source:
    """Everything in `schema/src/`, parsed but not yet resolved for a dialect."""

    root: Path
    rules: dict[str, Entry]
    dialects: dict[str, Entry]
    algorithms: dict[str, str]
    algorithm_groups: dict[str, Entry]
    catalogs: dict[str, Entry]
    releases: list[Entry]
    tables: dict[str, dict[str, Entry]]

    def dialect(self, name: str) -> Entry:
        try:
            return self.dialects[name]
        except KeyError:
            msg = f"releases.toml: no [dialect.{name!r}]"
            raise SourceError(msg) from None

    def catalog(self, dialect: str) -> Entry:
        try:
            return self.catalogs[dialect]
        except KeyError:
            msg = f"catalog.toml: no [dialect.{dialect!r}]"
            raise SourceError(msg) from None


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        msg = f"{path}: {exc}"
        raise SourceError(msg) from exc


def load_source(root: Path) -> Source:
    """Parse every source file under ``root`` (the `schema/src` folder)."""
    releases = _load(root / "releases.toml")
    history = _load(root / "history.toml")
    catalog = _load(root / "catalog.toml")
    tables = {name: _load(root / "keys" / f"{name}.toml") for name in TABLE_FILES}
    # The dialects, oldest first, are releases.toml's [dialect.*] tables: the source of the list the
    # package reads at run time (flash_schema.dialects, from the generated releases.json).
    dialects = dict(releases.get("dialect", {}))
    return Source(
        root=root,
        rules=_load(root / "rules.toml"),
        dialects=dialects,
        algorithms=dict(releases.get("algorithms", {})),
        algorithm_groups=dict(releases.get("algorithm_groups", {})),
        catalogs=dict(catalog.get("dialect", {})),
        releases=list(history.get("release", [])),
        tables=tables,
    )


#: A per-dialect override's key: a dialect's name, a release series (`"1.3".description = ...`).
_DIALECT_KEY = re.compile(r"\d+(?:\.\d+)+")


def resolve(entry: Mapping[str, Any], dialect: str) -> Entry | None:
    """``entry`` as ``dialect`` sees it: overrides applied, ``None`` when the dialect lacks it."""
    dialects = entry.get("dialects")
    if dialects is not None and dialect not in dialects:
        return None
    out: Entry = {k: v for k, v in entry.items() if not _DIALECT_KEY.fullmatch(k) and k != "dialects"}
    override = entry.get(dialect)
    if isinstance(override, Mapping):
        for key, value in override.items():
            if key == "without":  # facets the dialect does not have: `"0.2.43".without = ["allOf"]`
                for facet in value:
                    out.pop(facet, None)
            else:
                out[key] = value
    return out


def dialect_of_version(source: Source, version: str) -> str | None:
    """The dialect history.toml assigns to a known release (``None`` when unknown)."""
    for release in source.releases:
        if release["version"] == version:
            return str(release["dialect"])
    return None
