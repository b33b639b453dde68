"""Identifiers Flash parses with code rather than a pattern: environment ids, UUIDs, pip entries,
reserved names, teacher aliases and GPU class names. Each restates the release's own function."""

from __future__ import annotations

import re
import urllib.parse
import uuid as _uuid
from collections.abc import Iterator, Mapping
from typing import Any

from flash_schema.keywords.errors import FlashError

_SAFE_PART = re.compile(r"[A-Za-z0-9._-]+")
# `[environment] pip` (Flash 1.3): credentials or a query in a URL.
_USERINFO = re.compile(r"://[^/@\s]+@")


def _safe(*parts: str) -> bool:
    return bool(parts) and all(p not in {".", ".."} and _SAFE_PART.fullmatch(p) for p in parts)


def _env_path_ok(path: str) -> bool:
    raw = path.strip().replace("\\", "/")
    if raw.startswith("/"):
        return False
    return not any(p in {".", ".."} for p in raw.split("/") if p)


def _slug(text: str, parts: int) -> bool:
    if ":" in text:
        return False
    try:
        parsed = urllib.parse.urlparse(text)
    except ValueError:  # "Invalid IPv6 URL" (`//[x`): Flash stops on it too
        return False
    pieces = text.split("/")
    return not (parsed.scheme or parsed.netloc) and len(pieces) == parts and _safe(*pieces)


def is_environment_id(value: str, parts: int = 2) -> bool:
    """Flash's environment-id check (``flash.envs``), restated; ``parts``: a managed slug's parts."""
    text = value.strip()
    if not text:
        return False
    if _slug(text, parts):
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
    try:
        parsed = urllib.parse.urlparse(text)
    except ValueError:  # "Invalid IPv6 URL": Flash stops on it too
        return False
    if parsed.scheme not in {"http", "https"} or parsed.netloc.lower() != "github.com":
        return False
    segments = [urllib.parse.unquote(p) for p in parsed.path.strip("/").split("/") if p]
    if len(segments) < 2:
        return False
    owner, repo = segments[0], segments[1].removesuffix(".git")
    if not _safe(owner, repo):
        return False
    if len(segments) >= 5 and segments[2] in {"blob", "tree"}:
        return _safe(segments[3]) and _env_path_ok("/".join(segments[4:]))
    return len(segments) == 2


def environment_id(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-environment-id``: the exact rule behind the portable ``pattern``."""
    if not isinstance(instance, str) or not instance.strip():
        return
    spec = value if isinstance(value, Mapping) else {"parts": 2}
    parts = int(spec.get("parts", 2))
    text = instance.strip()
    other = 2 if parts == 3 else 3
    changed = spec.get("changed")
    if changed and _slug(text, other) and not is_environment_id(text, parts):
        if parts == 3:
            message = (
                "`environment.id` = {value} is a two-part id: two-part ids (`owner/name`) were replaced by "
                f"`org/project/name` in Flash {changed}"
            )
            hint = "push the environment again with `flash env push --project <project-uuid>` and use the id it prints"
        else:
            message = (
                "`environment.id` = {value} is a three-part `org/project/name` id, which needs Flash "
                f"{changed} or later; this release takes `owner/name`"
            )
            hint = "use the `owner/name` id `flash env push` printed for this release"
        yield FlashError(message, args={"hint": hint})
        return
    pattern = schema.get("pattern")
    # Only speak when the portable pattern let it through; otherwise `pattern` already did.
    if pattern and not re.search(pattern, instance):
        return
    if not is_environment_id(instance, parts):
        yield FlashError(str(schema.get("x-flash-message", "`{path}` is not a Freesolo environment id")))


def uuid(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-uuid``: Flash 1.3's `project` check, ``uuid.UUID(value.strip())``."""
    if not value or not isinstance(instance, str) or not instance.strip():
        return
    try:
        _uuid.UUID(instance.strip())
    except ValueError:
        yield FlashError(str(schema.get("x-flash-message", "`{path}` must be a UUID, not {value}")))


def pip_entry(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-pip-entry``: one `[environment] pip` requirement, as Flash 1.3 checks it."""
    if not value or not isinstance(instance, str):
        return
    text = instance.strip()
    if not text:
        yield FlashError(
            "`{path}` is empty: pip entries must be non-empty requirement strings", rule="invalid-pip-entry"
        )
    elif text.startswith("-"):
        yield FlashError(
            "`{path}` = {value} is a pip option; pip entries must be requirements, not options",
            rule="invalid-pip-entry",
            args={"hint": "remove it: Flash passes no options to pip"},
        )
    else:
        scheme = text.find("://")
        if _USERINFO.search(text) or (scheme >= 0 and "?" in text[scheme:]):
            yield FlashError(
                "`{path}` embeds credentials or a query string in a URL; the spec is stored and uploaded in "
                "plaintext, so Flash rejects it",
                rule="invalid-pip-entry",
                args={"hint": "put the credential in `[environment] secrets` and use a plain requirement URL"},
            )


def reserved_names(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-reserved-names``: Flash upper-cases a name before its reserved-name lookup;
    the portable pattern covers ASCII case, this the rest of Unicode's case folding."""
    if not isinstance(instance, str) or not isinstance(value, list):
        return
    if instance.upper() in value and not re.fullmatch("(?i:" + "|".join(map(re.escape, value)) + ")", instance):
        yield FlashError(
            "{value} is a platform-managed secret name (Flash compares names upper-cased); Flash provides it itself",
            rule="reserved-secret",
        )


def normalize_teacher(text: str) -> str:
    """Flash's ``normalize_teacher_alias``: lowercased, trimmed, runs of space/_/- as one ``-``."""
    return "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def teacher(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-teacher``: a managed teacher alias after normalisation (blank: the default)."""
    if not isinstance(value, Mapping) or not isinstance(instance, str) or not instance.strip():
        return
    aliases = list(value.get("aliases", []))
    if normalize_teacher(instance) not in aliases and instance.strip() not in value.get("model_ids", []):
        yield FlashError(
            "`{path}` = {value} is not a supported teacher; choose one of: " + ", ".join(aliases),
            args={"hint": f"the teacher is platform-managed; leave it out for the default, {value.get('default')}"},
        )


def canonical_gpu(aliases: Mapping[str, str], name: str) -> str | None:
    """The GPU class a name stands for through Flash's alias table (trimmed, any case), if any."""
    return aliases.get(name.strip().lower())


def gpu_class(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-gpu-class``: `[gpu] type` names through Flash's alias table."""
    if not isinstance(value, Mapping):
        return
    aliases: Mapping[str, str] = value.get("aliases", {})
    names = [instance] if isinstance(instance, str) else instance if isinstance(instance, list) else []
    known = list(value.get("classes", []))
    classes = ", ".join(known)
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            continue
        canonical = canonical_gpu(aliases, name)
        if canonical is not None and canonical not in known:
            yield FlashError(
                "`{path}` = {value} is {canonical}, which is not an active validated GPU class; Flash manages "
                "{classes}",
                path=() if isinstance(instance, str) else (i,),
                args={"canonical": canonical, "classes": classes},
            )
        elif canonical is None:
            yield FlashError(
                "`{path}` names an unsupported GPU, {name}; Flash manages {classes}",
                path=() if isinstance(instance, str) else (i,),
                args={"name": repr(name), "classes": classes},
            )


def gpu_pairing(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-gpu-pairing`` (on `[gpu]`, Flash 1.0): `provider` must provision `exact_type`."""
    if not isinstance(value, Mapping) or not isinstance(instance, Mapping):
        return
    provider, exact = instance.get("provider"), instance.get("exact_type")
    if not (isinstance(provider, str) and provider.strip() and isinstance(exact, str) and exact.strip()):
        return
    canonical = canonical_gpu(value.get("aliases", {}), exact)
    offered = value.get("providers", {}).get(canonical)
    if canonical is None or offered is None:
        return  # an unknown class or provider has its own error
    every = {p for names in value.get("providers", {}).values() for p in names}
    if provider.strip().lower() in every and provider.strip().lower() not in offered:
        yield FlashError(
            "`{path}` = {provider} cannot provision `exact_type` {canonical}; it is offered by {offered}",
            path=("provider",),
            rule="conflicting-keys",
            args={
                "provider": f'"{provider.strip().lower()}"',
                "canonical": canonical,
                "offered": ", ".join(offered),
                "hint": f'use `provider = "{offered[0]}"`, or leave `provider` out',
            },
        )
