"""Which TOML files the server serves: the core's rule (:mod:`flash_schema.detect`: a `#:schema`
directive naming our schema, or a top-level `model` with a Flash table), plus configurable globs.

A file the server does not serve gets nothing from it: no diagnostics, hover or completion.
``pyproject.toml`` and the other well-known TOML files of other tools are never served.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from flash_schema import detect
from flash_schema.detect import SCHEMA_ID, looks_like_flash, names_flash_schema, schema_directive

__all__ = ["SCHEMA_ID", "looks_like_flash", "names_flash_schema", "schema_directive"]  # re-exported from the core

DEFAULT_GLOBS: tuple[str, ...] = ("**/configs/*.toml", "**/*.flash.toml")
SETTINGS_SECTION = "flashSchema"
#: TOML files that belong to other tools, whatever their content or location.
NEVER_SERVED = detect.NEVER_FLASH


@dataclass(frozen=True, slots=True)
class Settings:
    """The server's settings (``initializationOptions`` or the ``flashSchema`` section)."""

    globs: tuple[str, ...] = DEFAULT_GLOBS
    detect_by_content: bool = True
    #: The Flash release to check for (a release, a series or ``latest``); ``None``: detect it per
    #: file (the project's pin, the installed Flash, else the newest known release).
    flash_version: str | None = None
    #: Inlay hints with the values Flash uses for the keys a table leaves out.
    inlay_hints: bool = True


def parse_settings(raw: object, base: Settings | None = None) -> Settings:
    """Settings from a client's object: ``{"globs": [...], "detectByContent": bool, "flashVersion":
    str, "inlayHints": bool}``.

    The object may also be nested under ``flashSchema`` (as ``workspace/didChangeConfiguration``
    sends it).  Missing or malformed fields keep their value from ``base`` (else the default).
    """
    base = base or Settings()
    if not isinstance(raw, Mapping):
        return base
    if isinstance(raw.get(SETTINGS_SECTION), Mapping):
        raw = raw[SETTINGS_SECTION]
        assert isinstance(raw, Mapping)
    globs = base.globs
    value = raw.get("globs")
    if isinstance(value, Sequence) and not isinstance(value, str) and all(isinstance(g, str) for g in value):
        globs = tuple(g for g in value if g.strip())
    elif isinstance(value, str) and value.strip():
        globs = (value,)
    detect = raw.get("detectByContent", raw.get("detect_by_content"))
    hints = raw.get("inlayHints")
    flash_version = base.flash_version
    if "flashVersion" in raw:
        flash_version = _flash_version(raw["flashVersion"], base.flash_version)
    return Settings(
        globs=globs,
        detect_by_content=detect if isinstance(detect, bool) else base.detect_by_content,
        flash_version=flash_version,
        inlay_hints=hints if isinstance(hints, bool) else base.inlay_hints,
    )


def _flash_version(value: object, fallback: str | None) -> str | None:
    """A `flashVersion` setting: a release Flash knows the shape of, or empty/null for "detect"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        return fallback
    from flash_schema.releases import VersionError, resolve

    try:
        resolve(value)
    except VersionError:
        return fallback
    return value.strip()


def has_settings(raw: object) -> bool:
    """Whether a client's settings object carries any of ours (top level or nested)."""
    if not isinstance(raw, Mapping):
        return False
    if isinstance(raw.get(SETTINGS_SECTION), Mapping):
        return True
    return any(key in raw for key in ("globs", "detectByContent", "flashVersion", "inlayHints"))


# -- paths and globs --------------------------------------------------------------------------


def uri_to_path(uri: str) -> str | None:
    """The filesystem path of a ``file:`` URI, with "/" separators (``None`` for other schemes)."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if re.match(r"/[A-Za-z]:", path):  # file:///c:/x -> c:/x
        path = path[1:]
    if parts.netloc and parts.netloc != "localhost":
        path = f"//{parts.netloc}{path}"  # a UNC path
    return path.replace("\\", "/")


def _norm(path: str) -> str:
    path = path.replace("\\", "/")
    if re.match(r"[A-Za-z]:/", path):
        path = path[0].lower() + path[1:]
    return path


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a VS Code style glob: ``**`` spans directories, ``*``/``?`` do not, ``{a,b}``, ``[..]``."""
    pattern = _norm(pattern.strip())
    out: list[str] = []
    i = 0
    n = len(pattern)
    depth = 0
    while i < n:
        char = pattern[i]
        if char == "*":
            if pattern.startswith("**", i):
                i += 2
                if pattern.startswith("/", i):
                    out.append("(?:.*/)?")
                    i += 1
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = close
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}" and depth:
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        i += 1
    out.append(")" * depth)
    return re.compile("".join(out), re.IGNORECASE if _case_insensitive() else 0)


def _case_insensitive() -> bool:
    return sys.platform in ("win32", "darwin")


def matches_globs(path: str, globs: Sequence[str], roots: Sequence[str] = ()) -> bool:
    """Whether ``path`` matches one of ``globs``, relative to a workspace root or absolute.

    A pattern that starts with ``**/`` (as the defaults do) also matches wherever the file
    is, so files outside every workspace folder are served too.
    """
    path = _norm(path)
    candidates = [path, path.lstrip("/")]
    for folder in roots:
        root = _norm(folder).rstrip("/")
        if root and path.startswith(root + "/"):
            candidates.append(path[len(root) + 1 :])
    for pattern in globs:
        regex = glob_regex(pattern)
        if any(regex.fullmatch(c) for c in candidates):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a file is served, and why (for logs and tests)."""

    served: bool
    reason: str


def select(
    uri: str,
    text: str,
    settings: Settings,
    roots: Sequence[str] = (),
    *,
    path: str | None = None,
) -> Verdict:
    """Decide whether the document at ``uri`` is a Flash config the server should serve."""
    path = path if path is not None else uri_to_path(uri)
    found = detect.is_flash_config(path or urlsplit(uri).path, text)
    if found.final:
        return Verdict(found.is_flash, found.reason)
    if path is not None and matches_globs(path, settings.globs, roots):
        return Verdict(True, "it matches the globs")
    if not settings.detect_by_content:
        return Verdict(False, "it matches no glob (and detectByContent is off)")
    return Verdict(found.is_flash, found.reason if found.is_flash else f"it matches no glob and {found.reason}")
