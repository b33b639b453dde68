"""The generated reference docs (`docs/reference.md`): rendered from the schema index, drift-checked."""

from __future__ import annotations

import difflib
from pathlib import Path as FsPath
from typing import Any

from flash_schema.diagnostics import format_path
from flash_schema.dialects import DIALECTS, schema_file
from flash_schema.document import Path
from flash_schema.keydocs import (
    anchor,
    applies_text,
    catalog_table,
    default_text,
    key_markdown,
    reference_page,
    required_text,
    type_text,
)
from flash_schema.rules import registry
from flash_schema.schema_index import SchemaIndex, get_index

DOCS_DIR = "docs"
REGENERATE = "make docs"
CATALOG_ANCHOR = "model-catalog"
DIAGNOSTICS_ANCHOR = "diagnostics"

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
    schema_name = schema_file(index.dialect)
    others = [d for d in DIALECTS if d != index.dialect]
    other_pages = ", ".join(f"[Flash {get_index(d).flash_version}]({reference_page(d)})" for d in reversed(others))
    lines = [
        f"<!-- Generated from schema/src/ by `flash-schema docs`; do not edit by hand: run `{REGENERATE}`. -->",
        "",
        f"# {title} reference",
        "",
        f"Every key of the TOML config that `flash train config.toml` reads, for Flash {index.flash_version} "
        f"(the `{index.dialect}` dialect: {_releases_line(index)}). "
        f"This page is generated from the dialect's JSON Schema ([`schema/{schema_name}`](../schema/{schema_name}), "
        f"`$id` `{index.uri}`); the language server's hover shows the same text. Other releases: {other_pages}; "
        "[what changed between them](flash-releases.md).",
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
            applies_text(info, index.algorithms, rejected=index.scoping == "rejected"),
        ]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def _catalog(index: SchemaIndex) -> str:
    return "\n\n".join(
        [
            f'<a id="{CATALOG_ANCHOR}"></a>\n\n## Model catalog',
            f"The ids [`model`](#{anchor(('model',))}) accepts, with what each supports and its serving limits: "
            f"[`train.lora_rank`](#{anchor(('train', 'lora_rank'))}) above the model's cap is an error, and a "
            "context length above its serving context is a warning (the parse accepts it, the service rejects "
            "it on submit).",
            catalog_table(index),
        ]
    )


def _diagnostics(index: SchemaIndex) -> str:
    """Every rule that can fire under this dialect, from the rule registry (rules.toml)."""
    anchored: set[str] = set()
    rows = ["| Code | Severity | What it checks |", "|---|---|---|"]
    for rule in _dialect_rules(index):
        what = rule.summary + (f" {rule.explanation}" if rule.explanation else "")
        rows.append(f"| {_code_cell(rule.code, anchored)} | {rule.severity(index.dialect).value} | {_cell(what)} |")
    return "\n\n".join(
        [
            f'<a id="{DIAGNOSTICS_ANCHOR}"></a>\n\n## Diagnostics',
            "Every problem `flash-schema check` and the language server report carries a code from the rule "
            f"registry (`schema/src/rules.toml`). An **error** means Flash {index.flash_version}'s parser rejects "
            "the config (`flash-schema check` exits 1); a **warning** means it accepts it but something has no "
            "effect, the service rejects it later, or the reference forbids it (exit 0, or 1 with `--strict`). "
            "Rules stated with `x-flash-*` keywords are checked by `flash-schema` only: other JSON Schema tools "
            "ignore them (see [peer verdicts](peer-verdicts.md)).",
            "\n".join(rows),
        ]
    )


def _dialect_rules(index: SchemaIndex) -> list[Any]:
    keywords = _keywords(index.schema)
    codes = index.rule_codes() | {"toml-syntax", "invalid-set", "missing-key", "unknown-key", "unknown-table"}
    out = []
    for rule in registry():
        if rule.code in codes or any(k in keywords for k in rule.keywords):
            out.append(rule)
    return out


def _keywords(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.update(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _code_cell(code: str, anchored: set[str]) -> str:
    """The code, with its anchor the first time it is listed (a code can be in two tables)."""
    if code in anchored:
        return f"`{code}`"
    anchored.add(code)
    return f'<a id="code-{code}"></a>`{code}`'


def _cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


# -- writing and checking ----------------------------------------------------------------------------


def pages() -> dict[str, str]:
    """Every generated page under `docs/`: one reference per dialect and the changes page."""
    from flash_schema.changes import render_changes

    out = {reference_page(d): render_reference(get_index(d)) for d in DIALECTS}
    out["flash-releases.md"] = render_changes()
    return out


def write_or_check(
    directory: str = DOCS_DIR, *, check_only: bool = False, dialect: str | None = None, output: str | None = None
) -> tuple[int, str]:
    """Write the generated pages (exit 0), or with ``check_only`` compare them: exit 1 and a unified
    diff when one drifted. Exit 2 when a file cannot be read or written. With ``dialect`` only that
    dialect's reference is handled (to ``output`` when given)."""
    if dialect is not None:
        name = reference_page(dialect)
        targets = {output or str(FsPath(directory) / name): render_reference(get_index(dialect))}
    else:
        targets = {str(FsPath(directory) / name): text for name, text in pages().items()}
    messages = []
    code = 0
    for path, text in targets.items():
        target = FsPath(path)
        if check_only:
            try:
                current = target.read_text("utf-8").replace("\r\n", "\n") if target.exists() else ""
            except (OSError, UnicodeDecodeError) as exc:
                return 2, f"cannot read {path}: {_reason(exc)}"
            if current == text:
                continue
            diff = difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{path} (committed)",
                tofile=f"{path} (generated)",
            )
            messages.append("".join(diff) + f"\n{path} is out of date: run `{REGENERATE}`")
            code = 1
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            return 2, f"cannot write {path}: {_reason(exc)}"
        messages.append(f"wrote {path}")
    if check_only and code == 0:
        return 0, "the generated docs are up to date"
    return code, "\n".join(messages)


def _releases_line(index: SchemaIndex) -> str:
    from flash_schema.releases import known

    mine = [r["version"] for r in known() if r["dialect"] == index.dialect]
    if len(mine) <= 1:
        return f"Flash {index.flash_version}"
    return f"it also checks Flash {mine[0]} to {mine[-1]}, each with a one-line note"


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "strerror", None) or exc)
