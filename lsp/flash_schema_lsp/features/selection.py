"""Which TOML files are Flash configs: configurable globs, a `#:schema` directive, or content.

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

DEFAULT_GLOBS: tuple[str, ...] = ("**/configs/*.toml", "**/*.flash.toml")
SCHEMA_FILE = "flash.schema.json"
#: The schema's `$id` (kept in sync with flash_schema/data/flash.schema.json by a test).
SCHEMA_ID = "https://raw.githubusercontent.com/flash-schema/flash-schema/main/schema/flash.schema.json"
SETTINGS_SECTION = "flashSchema"

#: TOML files that belong to other tools, whatever their content or location.
NEVER_SERVED = frozenset(
    {
        "pyproject.toml",
        "cargo.toml",
        "ruff.toml",
        ".ruff.toml",
        "uv.toml",
        "taplo.toml",
        ".taplo.toml",
        "tombi.toml",
        "rust-toolchain.toml",
        "rustfmt.toml",
        ".rustfmt.toml",
        "clippy.toml",
        ".clippy.toml",
        "poetry.toml",
        "pdm.toml",
        "hatch.toml",
        "pixi.toml",
        "typos.toml",
        "_typos.toml",
        ".typos.toml",
        "netlify.toml",
        "fly.toml",
        "wrangler.toml",
    }
)

# Leading lines that may precede a `#:schema` directive: blanks and comments.
_DIRECTIVE = re.compile(r"[ \t]*#:schema[ \t]+(\S+)")
_DIRECTIVE_LINES = 20
# "Unmistakably a Flash config": a top-level `model = ...` and an `[environment]` table.
_MODEL_LINE = re.compile(r"^[ \t]*(?:model|\"model\"|'model')[ \t]*=", re.MULTILINE)
_FIRST_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_ENVIRONMENT = re.compile(
    r"^[ \t]*(?:\[[ \t]*(?:environment|\"environment\")[ \t]*\]"
    r"|(?:environment|\"environment\")[ \t]*(?:=[ \t]*\{|\.[ \t]*id[ \t]*=))",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Settings:
    """The server's settings (``initializationOptions`` or the ``flashSchema`` section)."""

    globs: tuple[str, ...] = DEFAULT_GLOBS
    detect_by_content: bool = True
    #: The Flash release to check for (a release, a series or ``latest``); ``None``: detect it per
    #: file (the project's pin, the installed Flash, else the newest known release).
    flash_version: str | None = None


def parse_settings(raw: object, base: Settings | None = None) -> Settings:
    """Settings from a client's object: ``{"globs": [...], "detectByContent": bool}``.

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
    flash_version = base.flash_version
    if "flashVersion" in raw:
        flash_version = _flash_version(raw["flashVersion"], base.flash_version)
    return Settings(
        globs=globs,
        detect_by_content=detect if isinstance(detect, bool) else base.detect_by_content,
        flash_version=flash_version,
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
    return "globs" in raw or "detectByContent" in raw or "flashVersion" in raw


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


# -- content -------------------------------------------------------------------------------------


def schema_directive(text: str) -> str | None:
    """The value of a `#:schema` directive among the first (comment or blank) lines."""
    pos = 0
    for _ in range(_DIRECTIVE_LINES):
        end = text.find("\n", pos)
        line = text[pos : len(text) if end < 0 else end].rstrip("\r")
        m = _DIRECTIVE.match(line)
        if m is not None:
            return m.group(1)
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return None
        if end < 0:
            return None
        pos = end + 1
    return None


def names_flash_schema(value: str) -> bool:
    """Whether a `#:schema` value points at the Flash schema (by file name or by `$id`)."""
    value = value.strip()
    return value == SCHEMA_ID or value.split("?", 1)[0].split("#", 1)[0].endswith(SCHEMA_FILE)


def looks_like_flash(text: str) -> bool:
    """A top-level ``model`` key and an ``[environment]`` table: unmistakably a Flash config."""
    first_header = _FIRST_HEADER.search(text)
    top = text if first_header is None else text[: first_header.start()]
    return _MODEL_LINE.search(top) is not None and _ENVIRONMENT.search(text) is not None


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
    name = (path or urlsplit(uri).path).replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name in NEVER_SERVED:
        return Verdict(False, f"{name} belongs to another tool")
    directive = schema_directive(text)
    if directive is not None:
        if names_flash_schema(directive):
            return Verdict(True, "#:schema directive")
        return Verdict(False, "#:schema directive names another schema")
    if path is not None and matches_globs(path, settings.globs, roots):
        return Verdict(True, "glob")
    if settings.detect_by_content and looks_like_flash(text):
        return Verdict(True, "content")
    return Verdict(False, "not a Flash config")
