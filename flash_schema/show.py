"""`flash-schema show`: the config a Flash release will run, as TOML (or JSON), with where each value came from.

`show_config` checks the config exactly as `check` does (overlays and `--set` with Flash's
semantics); a config the release rejects has no resolved form, only its diagnostics. A valid one
is merged the same way and resolved (`flash_schema.resolve`). The renderers return strings; secret-
looking values are masked in both.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flash_schema import keywords as kw
from flash_schema.checker import CheckResult, check_config
from flash_schema.document import Document
from flash_schema.overrides import Merged
from flash_schema.releases import Release
from flash_schema.resolve import SOURCE_WORDS, Origin, Resolved, Value, resolve_data
from flash_schema.schema_index import get_index
from flash_schema.secrets import redact
from flash_schema.spans import Path
from flash_schema.toml_text import toml_key, toml_value

__all__ = ["ShowResult", "render_json", "render_toml", "show_config"]

#: A trailing comment starts at most this far right (longer lines put it two spaces after).
_COMMENT_COLUMN = 44


@dataclass(frozen=True)
class ShowResult:
    """The check of a config and, when its release accepts it, the config that release runs."""

    check: CheckResult
    resolved: Resolved | None

    @property
    def release(self) -> Release:
        return self.check.release


def show_config(
    path: str,
    doc: Document,
    overlays: Sequence[tuple[str, Document]] = (),
    sets: Sequence[str] = (),
    *,
    flash_version: str | Release | None = None,
) -> ShowResult:
    """Check ``doc`` (with its overlays and `--set`s) and, when valid, resolve it for its release."""
    checked = check_config(path, doc, overlays, sets, flash_version=flash_version)
    if not checked.valid:
        return ShowResult(checked, None)
    dialect = checked.release.dialect
    merged = checked.merged or Merged(doc.data)  # what the check validated: merged once

    def origin_of(where: Path) -> Origin | None:
        found = merged.origin_of(where)
        if found is None:
            return None
        return Origin("overlay" if found.kind == "overlay" else "set", found.label)

    return ShowResult(checked, resolve_data(merged.data, dialect, origin_of))


# -- TOML ------------------------------------------------------------------------------------------


def _note(origin: Origin) -> str:
    """The comment on a value the config sets: none for the file's own."""
    if origin.source == "file":
        return ""
    return "from --set" if origin.source == "set" else redact(f"from {origin.label}")


def _comment_for(resolved: Resolved, value: Value) -> str:
    return SOURCE_WORDS.get(value.source) or _note(resolved.origin(value.path))


def _block(lines: list[tuple[str, str]]) -> list[str]:
    """``key = value`` lines with their comments, the comments aligned where the lines allow."""
    width = max((len(text) for text, note in lines if note and len(text) < _COMMENT_COLUMN), default=0)
    out = []
    for text, note in lines:
        out.append(f"{text.ljust(width)}  # {note}" if note else text)
    return out


def _masked(value: Any) -> Any:
    """``value`` with secret-looking text masked in every string it holds."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _identifier(schema: Mapping[str, Any]) -> bool:
    """A key whose value Flash parses against a closed grammar (a UUID, an environment id, a run
    reference, one of a list): never a secret, so shown as it is (a commit SHA in an environment id
    or a run id would look like a token to the secret detector)."""
    pattern = schema.get("pattern")
    anchored = isinstance(pattern, str) and pattern.startswith("^") and pattern.endswith("$")
    return anchored or any(k in schema for k in ("enum", kw.ENUM, kw.UUID, kw.ENVIRONMENT_ID))


def _display(resolved: Resolved, value: Value) -> Any:
    """The value as `show` prints it: masked where it looks like a secret (identifiers aside)."""
    info = get_index(resolved.dialect).info(value.path)
    return value.value if info is not None and _identifier(info.schema) else _masked(value.value)


def _line(resolved: Resolved, value: Value) -> tuple[str, str]:
    return f"{toml_key(str(value.path[-1]))} = {toml_value(_display(resolved, value))}", _comment_for(resolved, value)


def _entries(resolved: Resolved, base: Path, table: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (f"{toml_key(str(k))} = {toml_value(_masked(v))}", _note(resolved.origin((*base, k)))) for k, v in table.items()
    ]


def render_toml(result: ShowResult, path: str | None = None) -> str:
    """The resolved config as TOML: every key the release runs with, in schema order, and a
    trailing comment on each value that did not come from the file (`# default`, `# worker
    default`, `# from overlay.toml`, `# from --set`)."""
    resolved = result.resolved
    if resolved is None:
        msg = "an invalid config has no resolved form"
        raise ValueError(msg)
    release = result.release
    from flash_schema.reporting import source_words

    head = [f"# {path or result.check.path} as Flash {release.version} runs it ({source_words(release.source)})"]
    if release.note:
        head.append(f"# note: {release.note}")
    head = [redact(line) for line in head]
    sections: dict[str, list[Value]] = {}
    top: list[tuple[str, str]] = []
    for value in resolved.shown():
        if len(value.path) == 1 and not isinstance(value.value, Mapping):
            top.append(_line(resolved, value))
        else:
            sections.setdefault(str(value.path[0]), []).append(value)
    lines = head + _block(top)
    for name, values in sections.items():
        lines += ["", f"[{toml_key(name)}]"]
        rows: list[tuple[str, str]] = []
        subtables: list[Value] = []
        for value in values:
            if len(value.path) == 1:  # a table of free-form keys ([worker_env])
                rows += _entries(resolved, value.path, value.value)
            elif isinstance(value.value, Mapping) and value.value and value.source not in SOURCE_WORDS:
                subtables.append(value)
            else:
                rows.append(_line(resolved, value))
        lines += _block(rows)
        for value in subtables:
            header = ".".join(toml_key(str(p)) for p in value.path)
            note = _comment_for(resolved, value)
            lines += ["", f"[{header}]" + (f"  # {redact(note)}" if note else "")]
            lines += _block(_entries(resolved, value.path, value.value))
    return "\n".join(lines) + "\n"


# -- JSON ------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as JSON holds it (TOML dates as ISO strings, NaN and infinities as TOML spells them)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return toml_value(value)  # JSON has no NaN or infinity: the TOML spelling, as a string
    if isinstance(value, bool | int | float) or value is None:
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def render_json(result: ShowResult, path: str | None = None) -> str:
    """``{"path", "flash_version", "config", "keys": [{"key", "value", "source", "from"}]}``:
    ``config`` is the resolved config as a nested object; ``source`` is ``file``, ``overlay``,
    ``set``, ``default`` (the parser fills it in) or ``worker`` (the training worker's default)."""
    resolved = result.resolved
    if resolved is None:
        msg = "an invalid config has no resolved form"
        raise ValueError(msg)
    release = result.release
    version: dict[str, Any] = {"version": release.version, "source": release.source, "dialect": release.dialect}
    if release.note:
        version["note"] = release.note
    keys = []
    config: dict[str, Any] = {}
    for v in resolved.shown():
        shown = _plain(_display(resolved, v))
        keys.append({"key": v.key, "value": shown, "source": v.source, "from": redact(v.label) if v.label else None})
        node = config
        for part in v.path[:-1]:
            node = node.setdefault(str(part), {})
        node[str(v.path[-1])] = shown
    document = {"path": redact(path or result.check.path), "flash_version": version, "config": config, "keys": keys}
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"
