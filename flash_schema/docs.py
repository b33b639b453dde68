"""The generated reference docs (`docs/reference.md`): rendered from the schema index, drift-checked."""

from __future__ import annotations

import difflib
import re
from pathlib import Path as FsPath

from flash_schema import keywords as kw
from flash_schema.diagnostics import format_path
from flash_schema.document import Path
from flash_schema.render import (
    anchor,
    applies_text,
    catalog_table,
    default_text,
    key_markdown,
    required_text,
    type_text,
)
from flash_schema.schema_index import SchemaIndex, get_index

DEFAULT_OUTPUT = "docs/reference.md"
REGENERATE = "make docs"
CATALOG_ANCHOR = "model-catalog"
DIAGNOSTICS_ANCHOR = "diagnostics"

#: Codes the validator reports without an ``x-flash-code`` in the schema:
#: (code, severity, what it checks). ``tests/test_docs.py`` keeps this list complete.
BUILTIN_CODES: tuple[tuple[str, str, str], ...] = (
    ("toml-syntax", "error", "The file is not valid TOML 1.0 (what Flash's parser, Python's `tomllib`, reads)."),
    (
        "invalid-set",
        "error",
        "A `--set` argument is not `table.key=value`, or its path runs through a non-table value.",
    ),
    (
        "missing-key",
        "error",
        "A required key or table is absent (`model`, `[environment] id`, SFT's `[train] max_examples`).",
    ),
    ("unknown-key", "error", "A key that a closed table (`[train]`, `[wandb]`) does not define."),
    ("wrong-type", "error", "The value has the wrong TOML type (for example a string where an integer belongs)."),
    ("out-of-range", "error", "A number outside its bounds (`minimum`, `maximum`, the per-algorithm minimums)."),
    ("invalid-value", "error", "A value that is not one of the allowed values."),
    ("invalid-format", "error", "A string that does not match the expected format (its `pattern`)."),
    ("empty-value", "error", "An empty string where a value is required."),
    ("duplicate-entry", "error", "A list that must not repeat an entry does."),
)

#: The custom keywords (ignored by other JSON Schema tools), the code each reports, and what it checks.
CUSTOM_KEYWORD_CODES: tuple[tuple[str, str, str], ...] = (
    (kw.FINITE, "not-finite", "A float that is `nan` or `inf`: TOML allows them, Flash does not."),
    (
        kw.FLOAT_EXACT,
        "integer-too-large",
        "An integer Flash's `float(v) == int(v)` check rejects (above `2**53` and not exactly representable).",
    ),
    (
        kw.ENVIRONMENT_ID,
        "invalid-environment-id",
        "An environment id that the portable `pattern` lets through but Flash's exact parser rejects.",
    ),
    (
        kw.SECRET_SCAN,
        "secret-value",
        "A secret-looking string (a token, a key) in a table Flash stores in the run spec and artifacts.",
    ),
    (kw.GRPO_LENGTH, "grpo-length-no-room", "GRPO's `max_length` leaves no room for the `max_tokens` completion."),
    (kw.JSON_ONLY, "date-in-params", "A TOML date/time in `[environment.params]`, which Flash cannot serialise."),
)

_PLACEHOLDERS = {
    "path": "path",
    "key": "key",
    "table": "table",
    "value": "value",
    "valuerepr": "value",
    "meaning": "meaning",
}


# -- rendering ---------------------------------------------------------------------------------------


def render_reference(index: SchemaIndex) -> str:
    """The whole of `docs/reference.md` for ``index`` (deterministic: schema order, sorted codes)."""
    sections = _sections(index)
    parts = [_intro(index, sections)]
    for section in sections:
        parts.append(_section(index, section, _members(index, sections, section)))
    parts.append(_catalog(index))
    parts.append(_diagnostics(index))
    return "\n\n".join(p.strip("\n") for p in parts) + "\n"


def _sections(index: SchemaIndex) -> list[Path]:
    """The top level, then every table a config can declare with a header."""
    return [(), *index.table_paths()]


def _members(index: SchemaIndex, sections: list[Path], section: Path) -> list[Path]:
    """Keys documented in ``section``: those whose nearest section ancestor is ``section``."""
    out = []
    for path in index.all_key_paths():
        if path in sections:
            continue
        parent = path[:-1]
        while parent not in sections:
            parent = parent[:-1]
        if parent == section:
            out.append(path)
    return out


def _intro(index: SchemaIndex, sections: list[Path]) -> str:
    schema = index.schema
    title = str(schema.get("title") or "Flash config")
    description = str(schema.get("markdownDescription") or schema.get("description") or "")
    lines = [
        "<!-- Generated from schema/flash.schema.json by `flash-schema docs`; do not edit by hand: "
        f"run `{REGENERATE}`. -->",
        "",
        f"# {title} reference",
        "",
        f"Every key of the TOML config that `flash train config.toml` reads, for Flash {index.flash_version}. "
        "This page is generated from the canonical JSON Schema "
        f"([`schema/flash.schema.json`](../schema/flash.schema.json), `$id` `{index.uri}`); the language "
        "server's hover shows the same text.",
        "",
    ]
    for paragraph in description.split("\n\n"):
        text = paragraph.strip()
        if text.startswith("Out of scope:"):
            lines.append("> **Out of scope:**" + text[len("Out of scope:") :])
        else:
            lines.append(text)
        lines.append("")
    lines += [
        "See also: [editor setup](editors.md) and [how other TOML and JSON Schema tools read this schema]"
        "(peer-verdicts.md).",
        "",
        "## Contents",
        "",
    ]
    for section in sections:
        lines.append(f"- [{_section_title(section)}](#{anchor(section)})")
    lines.append(f"- [Model catalog](#{CATALOG_ANCHOR})")
    lines.append(f"- [Diagnostics](#{DIAGNOSTICS_ANCHOR})")
    return "\n".join(lines)


def _section_title(path: Path) -> str:
    return f"`[{format_path(path)}]`" if path else "Top-level keys"


def _heading(index: SchemaIndex, path: Path, level: int, text: str) -> str:
    info = index.info(path)
    title = f" — {info.title}" if info is not None and info.title else ""
    return f'<a id="{anchor(path)}"></a>\n\n{"#" * level} {text}{title}'


def _section(index: SchemaIndex, section: Path, members: list[Path]) -> str:
    parts = []
    if section:
        parts.append(_heading(index, section, 2, _section_title(section)))
        info = index.info(section)
        if info is not None:
            parts.append(key_markdown(index, info, heading=False))
    else:
        parts.append(f'<a id="{anchor(section)}"></a>\n\n## {_section_title(section)}')
        parts.append("Keys at the top of the file, before any `[table]` header.")
    children = [p for p in index.all_key_paths() if p[:-1] == section]
    if children:
        parts.append(_summary_table(index, children))
    for path in members:
        info = index.info(path)
        if info is None:  # pragma: no cover - every listed path is described
            continue
        parts.append(_heading(index, path, 3, f"`{format_path(path)}`"))
        parts.append(key_markdown(index, info, heading=False))
    return "\n\n".join(parts)


def _summary_table(index: SchemaIndex, paths: list[Path]) -> str:
    rows = ["| Key | Type | Default | Required | Applies to |", "|---|---|---|---|---|"]
    for path in paths:
        info = index.info(path)
        if info is None:  # pragma: no cover - every listed path is described
            continue
        cells = [
            f"[`{path[-1]}`](#{anchor(path)})",
            type_text(info),
            default_text(info) or "—",
            required_text(info),
            applies_text(info),
        ]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def _catalog(index: SchemaIndex) -> str:
    return "\n\n".join(
        [
            f'<a id="{CATALOG_ANCHOR}"></a>\n\n## Model catalog',
            f"The ids [`model`](#{anchor(('model',))}) accepts, with each model's serving limits: "
            f"[`train.lora_rank`](#{anchor(('train', 'lora_rank'))}) above the model's cap is an error, and "
            f"[`train.max_length`](#{anchor(('train', 'max_length'))}) above its serving context is a warning "
            "(a real submit rejects it, `--dry-run` does not).",
            catalog_table(index),
        ]
    )


def _diagnostics(index: SchemaIndex) -> str:
    anchored: set[str] = set()
    rules = ["| Code | Severity | Message |", "|---|---|---|"]
    for code, severity, message in index.lint_rules():
        rules.append(f"| {_code_cell(code, anchored)} | {severity} | {_cell(readable_message(index, message))} |")
    builtin = ["| Code | Severity | What it checks |", "|---|---|---|"]
    for code, severity, what in BUILTIN_CODES:
        builtin.append(f"| {_code_cell(code, anchored)} | {severity} | {_cell(what)} |")
    custom = ["| Code | Severity | Keyword | What it checks |", "|---|---|---|---|"]
    for keyword, code, what in CUSTOM_KEYWORD_CODES:
        severity = "warning" if keyword in kw.WARNING_KEYWORDS else "error"
        custom.append(f"| {_code_cell(code, anchored)} | {severity} | `{keyword}` | {_cell(what)} |")
    return "\n\n".join(
        [
            f'<a id="{DIAGNOSTICS_ANCHOR}"></a>\n\n## Diagnostics',
            "Every problem `flash-schema check` and the language server report carries a code. An **error** "
            f"means Flash {index.flash_version} rejects the config (`flash-schema check` exits 1); a **warning** "
            "means Flash accepts it but ignores or reinterprets something (exit 0, or 1 with `--strict`).",
            "### Rules stated in the schema",
            "Each of these is a subschema with an `x-flash-code`. Messages are templates: `<path>` is the dotted "
            "key path, `<key>` the key's name, `<value>` the offending value and `<model>` the configured model; "
            "a code that several keys or models share shows one of its wordings.",
            "\n".join(rules),
            "### Built-in checks",
            "Checks that need no rule of their own: TOML syntax, `--set` arguments, and the standard JSON Schema "
            "keywords (`type`, `minimum`, `required`, `additionalProperties`, ...) wherever the schema uses them.",
            "\n".join(builtin),
            "### Custom keywords",
            "The schema's `x-flash-*` keywords restate Flash rules that plain JSON Schema cannot express. Other "
            "JSON Schema tools ignore them, so only `flash-schema` reports these codes (see "
            "[peer verdicts](peer-verdicts.md)).",
            "\n".join(custom),
        ]
    )


def readable_message(index: SchemaIndex, template: str) -> str:
    """A rule's message template for a reader: placeholders (and catalog specifics) as ``<name>``."""
    text = re.sub(r"\{(\w+)\}", lambda m: "\0" + _PLACEHOLDERS.get(m.group(1), m.group(1)) + "\0", template)
    for model in index.catalog:
        if model.id in text:
            text = text.replace(model.id, "\0model\0")
            text = re.sub(rf"\b({model.max_lora_rank}|{model.max_model_len})\b", "\0limit\0", text)
    return _place(text)


def _place(text: str) -> str:
    """Turn ``\\0name\\0`` markers into ``<name>``, quoted in backticks unless already in a code span."""
    out = []
    in_code = False
    for i, chunk in enumerate(text.split("\0")):
        if i % 2:
            out.append(f"<{chunk}>" if in_code else f"`<{chunk}>`")
        else:
            out.append(chunk)
            in_code ^= chunk.count("`") % 2 == 1
    return "".join(out)


def _code_cell(code: str, anchored: set[str]) -> str:
    """The code, with its anchor the first time it is listed (a code can be in two tables)."""
    if code in anchored:
        return f"`{code}`"
    anchored.add(code)
    return f'<a id="code-{code}"></a>`{code}`'


def _cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


# -- writing and checking ----------------------------------------------------------------------------


def write_or_check(output: str = DEFAULT_OUTPUT, *, check_only: bool = False) -> tuple[int, str]:
    """Write the reference to ``output`` (exit 0), or with ``check_only`` compare it: exit 1 and a
    unified diff when it drifted, exit 0 when current. Exit 2 when the file cannot be read or written."""
    text = render_reference(get_index())
    target = FsPath(output)
    if check_only:
        try:
            current = target.read_text("utf-8").replace("\r\n", "\n") if target.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            return 2, f"cannot read {output}: {_reason(exc)}"
        if current == text:
            return 0, f"{output} is up to date"
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{output} (committed)",
            tofile=f"{output} (generated)",
        )
        return 1, "".join(diff) + f"\n{output} is out of date: run `{REGENERATE}`"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        return 2, f"cannot write {output}: {_reason(exc)}"
    return 0, f"wrote {output}"


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)
