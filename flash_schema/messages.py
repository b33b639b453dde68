"""Diagnostic wording in TOML terms: value printing, type names and template rendering.

Values in messages are shortened and masked; their scalars are written by
`flash_schema.toml_text`, the exact printer the docs, fixes and `show` use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flash_schema import toml_text
from flash_schema.secrets import redact
from flash_schema.spans import Path, format_path

TOML_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "object": "a table",
    "null": "nothing",
}


def toml_value(value: Any, limit: int = 60) -> str:
    """``value`` as TOML source for a message: long arrays, tables and integers elided, the
    whole shortened to ``limit`` characters, secret-looking runs masked. Exact TOML (the docs,
    the text of a fix) is `flash_schema.toml_text.toml_value`."""
    if isinstance(value, str):
        text = _basic_string(value)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        text = f"{str(value)[:12]}… ({len(str(abs(value)))} digits)"
    elif isinstance(value, bool | int | float):
        text = toml_text.toml_value(value)
    elif isinstance(value, list):
        shown = value[:5]
        text = "[" + ", ".join(toml_value(v, limit) for v in shown)
        text += (", …" if len(value) > len(shown) else "") + "]"
    elif isinstance(value, Mapping):
        items = list(value.items())
        shown = items[:5]
        if not items:
            return "{}"
        text = "{ " + ", ".join(f"{k} = {toml_value(v, limit)}" for k, v in shown)
        text += ", … }" if len(items) > len(shown) else " }"
    else:
        text = str(value)
    text = redact(text[: limit + 4096])  # only the start is shown; redact() is linear in its input
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _basic_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def toml_type(value: Any) -> str:
    """The TOML type of a parsed value, with its article ("a float")."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return "a date/time"


def type_message(expected: Any, instance: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(TOML_TYPES.get(n, n) for n in names)
    return f"`{{path}}` must be {wanted}, not {toml_type(instance)}"


def generic_message(keyword: str, value: Any) -> str:
    """The message of a standard keyword that fails where no rule words it."""
    if keyword == "minimum":
        return f"`{{path}}` must be at least {toml_value(value)}, not {{value}}"
    if keyword == "exclusiveMinimum":
        return f"`{{path}}` must be greater than {toml_value(value)}, not {{value}}"
    if keyword == "maximum":
        return f"`{{path}}` must be at most {toml_value(value)}, not {{value}}"
    if keyword == "exclusiveMaximum":
        return f"`{{path}}` must be less than {toml_value(value)}, not {{value}}"
    if keyword == "enum":
        return "`{path}` must be one of " + ", ".join(toml_value(v) for v in value) + ", not {value}"
    if keyword == "const":
        return f"`{{path}}` must be {toml_value(value)}"
    simple = {
        "minLength": "`{path}` must not be empty",
        "pattern": "`{path}` has an invalid format: {value}",
        "not": "`{path}` is not allowed here",
        "uniqueItems": "`{path}` lists the same entry twice",
        "maxItems": "`{path}` has too many entries",
        "minItems": "`{path}` must not be empty",
        "maxProperties": "`{path}` has too many keys",
    }
    return simple.get(keyword, "`{path}` is not valid: {value}")


def escape(text: str) -> str:
    """User text made safe to put inside a template: masked, braces doubled."""
    return redact(text).replace("{", "{{").replace("}", "}}")


def render(template: str, path: Path, instance: Any, args: Mapping[str, Any] | None = None) -> str:
    """Fill a message template: {path} {key} {table} {value} {valuerepr} {lowered} and ``args``."""
    value = toml_value(instance)
    fields: dict[str, str] = {
        "path": redact(format_path(path)) or "(top level)",
        "key": redact(str(path[-1])) if path else "",
        "table": redact(format_path(path[:-1])),
        "value": value,
        "valuerepr": value,
        "lowered": redact(instance.lower()) if isinstance(instance, str) else value,
    }
    for name, arg in (args or {}).items():
        fields[name] = redact(arg) if isinstance(arg, str) else toml_value(arg)
    try:
        return template.format_map(fields)
    except (KeyError, ValueError, IndexError):
        return template


def join(items: Sequence[str], conj: str = "and") -> str:
    """`a, b and c`."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]
