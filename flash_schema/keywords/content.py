"""Keywords that look inside values: warnings (`x-flash-lint`), secrets and dates in tables."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from flash_schema.keywords.errors import FlashError
from flash_schema.secrets import SHORTEST, secret_kind


def lint(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """``x-flash-lint``: subschemas whose failures are warnings (their rules say so).

    Other JSON Schema tools ignore this keyword, so a warning is never a constraint to them.
    """
    for sub in value if isinstance(value, list) else [value]:
        yield from validator.descend(instance, sub)


def _long_strings(node: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, text) of every string of at least ``SHORTEST`` characters, depth first in order.

    Shorter strings are never secrets (``secret_kind`` says so at once), and a big table is
    mostly short strings: they are passed over without building their paths.
    """
    # (path, its children's (key, value) iterator, whether keys are names rather than indices)
    stack: list[tuple[tuple[str | int, ...], Iterator[tuple[Any, Any]], bool]] = [((), iter(node.items()), True)]
    while stack:
        path, items, named = stack[-1]
        for key, child in items:
            if isinstance(child, str):
                if len(child) >= SHORTEST:
                    yield (*path, str(key) if named else key), child
            elif isinstance(child, Mapping):
                stack.append(((*path, str(key) if named else key), iter(child.items()), True))
                break  # its strings come before those of its later siblings
            elif isinstance(child, list):
                stack.append(((*path, str(key) if named else key), iter(enumerate(child)), False))
                break
        else:
            stack.pop()


def secret_scan(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-secret-scan``: secret-looking values in tables Flash stores in the run spec."""
    if not value or not isinstance(instance, Mapping):
        return
    for path, text in _long_strings(instance):
        kind = secret_kind(text, path)  # the key's name is context: `WANDB_API_KEY` = 40 hex digits
        if kind:
            yield FlashError(
                f"`{{path}}` looks like {kind}; this table is stored in the run spec and artifacts, "
                "so the secret would leak",
                path=path,
            )


#: Types that are neither containers nor dates: json_only passes over them without a look.
_PLAIN = frozenset({str, int, float, bool})


def json_only(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-json-only``: Flash serialises this table to JSON, which has no dates or times."""
    if not value or not isinstance(instance, Mapping):
        return
    # Depth first, last child first.  Only containers and dates go on the stack: plain
    # values would be popped and dropped, so skipping them keeps the order of the errors.
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), instance)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(((*path, str(k)), v) for k, v in node.items() if type(v) not in _PLAIN)
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node) if type(v) not in _PLAIN)
        elif isinstance(node, datetime.date | datetime.time):
            yield FlashError(
                "`{path}` is a TOML date/time; Flash cannot serialise it into the run spec and crashes",
                path=path,
            )
