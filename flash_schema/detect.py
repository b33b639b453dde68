"""Which TOML files are Flash configs: the one rule the language server and the pre-commit hook share.

A file is a Flash config when

- it carries a ``#:schema`` directive (among its first comment lines) that points at a copy of
  our schema: a file named ``flash*.schema.json`` (``flash.schema.json``,
  ``flash-1.3.schema.json``), or the schema's ``$id``; a directive naming any other schema
  says it is not one;
- or its content is unmistakably one: a top-level ``model`` key and one of Flash's tables
  (``[environment]``, ``[train]``, ``[gpu]``, ``[wandb]``, ``[worker_env]``), in any folder.

The well-known files of other tools (``pyproject.toml``, ``Cargo.toml``, ``ruff.toml``…) never
are, whatever they hold.  The content rule reads the text with regular expressions, not a TOML
parser: a config being edited often does not parse, and it must still be recognised.

The language server also serves the files its globs match (``**/configs/*.toml``); that is a
setting of the editor, not part of this rule.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: The schema's `$id` (kept in sync with flash_schema/data/flash.schema.json by a test).
SCHEMA_ID = "https://raw.githubusercontent.com/flash-schema/flash-schema/main/schema/flash.schema.json"
#: Flash's tables: with a top-level `model`, any one of them makes a file a Flash config.
FLASH_TABLES = ("environment", "train", "gpu", "wandb", "worker_env")

#: TOML files that belong to other tools, whatever their content or location.
NEVER_FLASH = frozenset(
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
_SCHEMA_FILE = re.compile(r"flash[^/\\]*\.schema\.json", re.IGNORECASE)

_MODEL_LINE = re.compile(r"^[ \t]*(?:model|\"model\"|'model')[ \t]*=", re.MULTILINE)
_FIRST_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_TABLE_NAME = "|".join([*FLASH_TABLES, *(f'"{t}"' for t in FLASH_TABLES), *(f"'{t}'" for t in FLASH_TABLES)])
# `[train]`, `[ "train" ]`, `[environment.params]` anywhere in the file.
_TABLE_HEADER = re.compile(rf"^[ \t]*\[[ \t]*(?:{_TABLE_NAME})[ \t]*[\].]", re.MULTILINE)
# Before the first header: `train = {{ … }}` or a dotted key `environment.id = …`.
_TABLE_AT_TOP = re.compile(rf"^[ \t]*(?:{_TABLE_NAME})[ \t]*(?:=[ \t]*\{{|\.)", re.MULTILINE)


class Detection(NamedTuple):
    """Whether a file is a Flash config, and why (for logs and tests).

    ``final`` says the answer holds whatever else is configured: a file of another tool, or a
    ``#:schema`` directive.  When it is not final, a glob of the editor may still say yes.
    """

    is_flash: bool
    reason: str
    final: bool = False


def schema_directive(text: str) -> str | None:
    """The value of a ``#:schema`` directive among the first (comment or blank) lines."""
    found = schema_directive_span(text)
    return text[found[0] : found[1]] if found is not None else None


def schema_directive_span(text: str) -> tuple[int, int] | None:
    """Where the value of the ``#:schema`` directive is (start, end offsets), if there is one."""
    pos = 0
    for _ in range(_DIRECTIVE_LINES):
        end = text.find("\n", pos)
        line = text[pos : len(text) if end < 0 else end].rstrip("\r")
        m = _DIRECTIVE.match(line)
        if m is not None:
            return pos + m.start(1), pos + m.end(1)
        stripped = line.strip()
        if (stripped and not stripped.startswith("#")) or end < 0:
            return None
        pos = end + 1
    return None


def names_flash_schema(value: str) -> bool:
    """Whether a ``#:schema`` value points at a copy of our schema (by file name or by ``$id``)."""
    value = value.strip()
    if value == SCHEMA_ID:
        return True
    location = value.split("?", 1)[0].split("#", 1)[0].replace("\\", "/")
    return _SCHEMA_FILE.fullmatch(location.rsplit("/", 1)[-1]) is not None


def looks_like_flash(text: str) -> bool:
    """A top-level ``model`` key and any of Flash's tables: unmistakably a Flash config."""
    first_header = _FIRST_HEADER.search(text)
    top = text if first_header is None else text[: first_header.start()]
    if _MODEL_LINE.search(top) is None:
        return False
    return _TABLE_AT_TOP.search(top) is not None or _TABLE_HEADER.search(text) is not None


def file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower()


def is_flash_config(path: str | None, text: str) -> Detection:
    """Whether the TOML ``text`` (at ``path``, if it has one) is a Flash config, and why."""
    if path is not None and file_name(path) in NEVER_FLASH:
        return Detection(False, f"{file_name(path)} belongs to another tool", final=True)
    directive = schema_directive(text)
    if directive is not None:
        if names_flash_schema(directive):
            return Detection(True, "its #:schema directive names the Flash schema", final=True)
        return Detection(False, "its #:schema directive names another schema", final=True)
    if looks_like_flash(text):
        return Detection(True, "it has a top-level `model` and a Flash table")
    return Detection(False, "it has no top-level `model` with a Flash table ([environment], [train], …)")
