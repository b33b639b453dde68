"""Deterministic corpora of Flash configs for the differential tests, one per dialect.

``generate(dialect)`` starts from valid configs of that dialect's release and mutates them along
every rule of its facts sheet (typos, types, both sides of every bound, the model catalog and its
per-model caps, algorithm scoping, id grammars, secrets, ``--set`` typing, ``--config`` merging,
TOML syntax, keys of other releases...). It never decides a verdict: the oracle of the dialect's
release does (``tests/flash_oracle``). Case ids are unique within a corpus.

- ``0.2.43``: parser-facts-0.2.43.md;
- ``1.0``: Flash 1.0.1 (dialect C of versions.md), plus real-world-style 1.0 configs;
- ``1.3``: parser-facts-1.3.28.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from .toml_doc import Builder, Case

__all__ = ["DIALECTS", "Case", "build", "generate"]

DIALECTS = ("0.2.43", "1.0", "1.3")


def _families(dialect: str) -> Iterable[Callable[[Builder], None]]:
    if dialect == "0.2.43":
        from . import d0243_base, d0243_cli, d0243_rules

        return (*d0243_base.FAMILIES, *d0243_rules.FAMILIES, *d0243_cli.FAMILIES)
    if dialect == "1.0":
        from . import d10_base, d10_cli, d10_real, d10_rules, d10_train

        return (*d10_base.FAMILIES, *d10_rules.FAMILIES, *d10_train.FAMILIES, *d10_cli.FAMILIES, *d10_real.FAMILIES)
    if dialect == "1.3":
        from . import d13_base, d13_cli, d13_rules, d13_train

        return (*d13_base.FAMILIES, *d13_rules.FAMILIES, *d13_train.FAMILIES, *d13_cli.FAMILIES)
    msg = f"unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}"
    raise ValueError(msg)


def build(dialect: str) -> list[Case]:
    """Every case of one dialect's corpus, in a deterministic order, built afresh."""
    builder = Builder()
    for family in _families(dialect):
        family(builder)
    return builder.cases


@cache
def _built(dialect: str) -> tuple[Case, ...]:
    return tuple(build(dialect))


def generate(dialect: str) -> list[Case]:
    """``build(dialect)``, built once per process."""
    return list(_built(dialect))


if __name__ == "__main__":  # pragma: no cover - manual inspection: python -m corpus DIALECT
    import sys

    for case in generate(sys.argv[1] if len(sys.argv) > 1 else "1.3"):
        print(f"# --- {case.id} overlays={len(case.overlays)} sets={list(case.sets)}")
        print(case.text)
