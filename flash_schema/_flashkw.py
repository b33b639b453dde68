"""Custom keywords that our validator implements and other JSON Schema tools ignore."""

from __future__ import annotations

import datetime
import math
import re
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from flash_schema.secrets import SHORTEST, secret_kind

_SAFE_PART = re.compile(r"[A-Za-z0-9._-]+")


def finite(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """``x-flash-finite``: nan and ±inf are numbers to TOML but not to Flash."""
    if value and isinstance(instance, float) and not math.isfinite(instance):
        yield ValidationError("`{path}` must be a finite number, not {value}")


def float_exact(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """``x-flash-float-exact``: Flash checks integers with ``float(v) == int(v)``."""
    if not value or isinstance(instance, bool) or not isinstance(instance, int):
        return
    try:
        exact = float(instance) == instance
    except OverflowError:
        exact = False
    if not exact:
        yield ValidationError(
            "`{path}` is too large: Flash checks integers through a float, and this one does not fit "
            "exactly (keep it at or below 2**53)"
        )


def _safe(*parts: str) -> bool:
    return bool(parts) and all(p not in {".", ".."} and _SAFE_PART.fullmatch(p) for p in parts)


def _env_path_ok(path: str) -> bool:
    raw = path.strip().replace("\\", "/")
    if raw.startswith("/"):
        return False
    return not any(p in {".", ".."} for p in raw.split("/") if p)


def is_environment_id(value: str) -> bool:
    """Flash 0.2.43's environment-id check (``flash.envs.loader``), restated."""
    text = value.strip()
    if not text:
        return False
    if ":" not in text:
        parsed = urllib.parse.urlparse(text)
        parts = text.split("/")
        if not (parsed.scheme or parsed.netloc) and len(parts) == 2 and _safe(*parts):
            return True
    if text.startswith("github:"):
        repo_ref, _, path = text[len("github:") :].partition(":")
        if not _env_path_ok(path):
            return False
        repo, at, ref = repo_ref.partition("@")
        if at and not _safe(ref):
            return False
        owner_repo = repo.split("/")
        return len(owner_repo) == 2 and _safe(*owner_repo)
    parsed = urllib.parse.urlparse(text)
    if parsed.scheme not in {"http", "https"} or parsed.netloc.lower() != "github.com":
        return False
    parts = [urllib.parse.unquote(p) for p in parsed.path.strip("/").split("/") if p]
    if len(parts) < 2:
        return False
    owner, repo = parts[0], parts[1]
    repo = repo.removesuffix(".git")
    if not _safe(owner, repo):
        return False
    if len(parts) >= 5 and parts[2] in {"blob", "tree"}:
        return _safe(parts[3]) and _env_path_ok("/".join(parts[4:]))
    return len(parts) == 2


def environment_id(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """``x-flash-environment-id``: the exact rule behind the portable ``pattern``."""
    if not value or not isinstance(instance, str) or not instance.strip():
        return
    pattern = schema.get("pattern")
    # Only speak when the portable pattern let it through; otherwise `pattern` already did.
    if pattern and not re.search(pattern, instance):
        return
    if not is_environment_id(instance):
        yield ValidationError(str(schema.get("x-flash-message", "`{path}` is not a Freesolo environment id")))


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


def secret_scan(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """``x-flash-secret-scan``: secret-looking values in tables Flash stores in the run spec."""
    if not value or not isinstance(instance, Mapping):
        return
    for path, text in _long_strings(instance):
        kind = secret_kind(text, path)  # the key's name is context: `WANDB_API_KEY` = 40 hex digits
        if kind:
            yield ValidationError(
                f"`{{path}}` looks like {kind}; this table is stored in the run spec and artifacts, "
                "so the secret would leak",
                path=path,
            )


#: Types that are neither containers nor dates: json_only passes over them without a look.
_PLAIN = frozenset({str, int, float, bool})


def json_only(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
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
            yield ValidationError(
                "`{path}` is a TOML date/time; Flash cannot serialise it into the run spec and crashes",
                path=path,
            )


def grpo_length(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """``x-flash-grpo-length``: the GRPO engine length must leave room for the completion."""
    if not value or not isinstance(instance, Mapping):
        return
    train = instance.get("train")
    if not isinstance(train, Mapping):
        return
    thinking = instance.get("thinking") is True
    max_length = train.get("max_length")
    max_tokens = train.get("max_tokens", 1536 if thinking else 320)
    if not all(_is_count(v) for v in (max_length, max_tokens)):
        return
    if max_length <= max_tokens:
        yield ValidationError(
            f"`{{path}}` = {max_length} leaves no room for the {max_tokens}-token completion; the GRPO "
            "worker will stop with an error",
            path=("train", "max_length"),
        )


def _is_count(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
