"""Markdown for one key, shared by the reference docs and the language server's hover."""

from __future__ import annotations

from typing import Any

from flash_schema import toml_text
from flash_schema.diagnostics import format_path
from flash_schema.document import Path
from flash_schema.messages import join
from flash_schema.schema_index import KeyInfo, SchemaIndex

DOCS_BASE = "https://github.com/flash-schema/flash-schema/blob/main/docs/"

_TYPE_NAMES = {
    "string": "string",
    "integer": "integer",
    "number": "float",
    "boolean": "boolean",
    "array": "array",
    "object": "table",
}


def anchor(path: Path) -> str:
    """The stable anchor of a key's section in ``docs/reference.md``."""
    return "key-" + "-".join(str(p) for p in path).lower().replace("_", "-") if path else "top-level"


def reference_page(dialect: str) -> str:
    """The reference page of a dialect, relative to `docs/` (the newest is `reference.md`)."""
    from flash_schema.dialects import NEWEST

    return "reference.md" if dialect == NEWEST else f"reference-{dialect}.md"


def doc_link(path: Path, dialect: str | None = None) -> str:
    from flash_schema.dialects import NEWEST

    return f"{DOCS_BASE}{reference_page(dialect or NEWEST)}#{anchor(path)}"


def toml_literal(value: Any) -> str:
    """A JSON value written as TOML source, exactly (the docs: nothing is secret there)."""
    return toml_text.toml_value(value)


def type_text(info: KeyInfo) -> str:
    names = [_TYPE_NAMES.get(t, t) for t in info.types]
    if "array" in info.types:
        items = info.schema.get("items", {})
        item_type = items.get("type") if isinstance(items, dict) else None
        if item_type:
            names = [f"array of {_TYPE_NAMES.get(item_type, item_type)}s" if n == "array" else n for n in names]
    return " or ".join(names) if names else "any"


def bounds_text(info: KeyInfo) -> str | None:
    parts = []
    b = info.bounds
    if "minimum" in b:
        parts.append(f"≥ {b['minimum']}")
    if "exclusiveMinimum" in b:
        parts.append(f"> {b['exclusiveMinimum']}")
    if "maximum" in b:
        parts.append(f"≤ {b['maximum']}")
    if "exclusiveMaximum" in b:
        parts.append(f"< {b['exclusiveMaximum']}")
    if "minimum (sft)" in b:
        parts.append(f"≥ {b['minimum (sft)']} for SFT")
    if info.caps_by_model:
        caps = sorted(set(info.caps_by_model.values()))
        parts.append("≤ the model's cap (" + " or ".join(str(c) for c in caps) + ")")
    return ", ".join(parts) or None


def default_text(info: KeyInfo, algorithm: str | None = None, *, thinking: bool = False) -> str | None:
    """The default, for one algorithm when given, else every algorithm's where they differ."""
    if info.default_text and info.default is None and not info.defaults_by_algorithm:
        return info.default_text  # computed from other keys ("2 × `lora_rank`")
    if algorithm is not None:
        value = info.default_for(algorithm, thinking=thinking)
        return (
            None
            if value is None
            else f"`{toml_literal(value)}`"
            + (" (with thinking)" if thinking and algorithm in info.default_if_thinking else "")
        )
    if info.defaults_by_algorithm:
        parts = []
        for alg in info.defaults_by_algorithm:
            if alg in info.defaults_by_algorithm:
                text = f"`{toml_literal(info.defaults_by_algorithm[alg])}` ({alg}"
                if alg in info.default_if_thinking:
                    text += f"; `{toml_literal(info.default_if_thinking[alg])}` with thinking"
                parts.append(text + ")")
        return ", ".join(parts)
    if info.default is None:
        return None
    text = f"`{toml_literal(info.default)}`"
    if info.default_if_thinking:
        value = next(iter(info.default_if_thinking.values()))
        text += f" (`{toml_literal(value)}` with thinking)"
    return text


def applies_text(info: KeyInfo, algorithms: tuple[str, ...], *, rejected: bool = False) -> str:
    """Which of the dialect's ``algorithms`` use a key, and what the others do with it."""
    if not info.applies_to:
        return "both" if len(algorithms) == 2 else "all algorithms"
    users = join([a.upper() for a in info.applies_to])
    others = join([a.upper() for a in algorithms if a not in info.applies_to], "and")
    if rejected:
        return f"{users} only (rejected under {others})"
    return f"{users} only (ignored by {others})"


def required_text(info: KeyInfo) -> str:
    if info.required == "always":
        return "yes"
    return f"for {info.required.upper()}" if info.required else "no"


def example_toml(info: KeyInfo) -> str | None:
    """A TOML snippet showing the key in its table."""
    if not info.examples:
        return None
    value = info.examples[0]
    table = info.path[:-1]
    lines = [f"[{format_path(table)}]"] if table else []
    if info.is_table and isinstance(value, dict):
        lines = [f"[{format_path(info.path)}]"] + [f"{k} = {toml_literal(v)}" for k, v in value.items()]
    else:
        lines += [f"{k} = {toml_literal(v)}" for k, v in info.example_with.items()]
        lines.append(f"{info.path[-1]} = {toml_literal(value)}")
    return "\n".join(lines)


def facts(
    info: KeyInfo,
    algorithm: str | None = None,
    *,
    thinking: bool = False,
    algorithms: tuple[str, ...],
    rejected: bool = False,
) -> list[tuple[str, str]]:
    """The label/value lines shown for a key (type, bounds, default, ...)."""
    rows = [("Type", type_text(info))]
    if info.enum:
        rows.append(("Allowed values", ", ".join(f"`{toml_literal(v)}`" for v in info.enum)))
    bounds = bounds_text(info)
    if bounds:
        rows.append(("Bounds", bounds))
    default = default_text(info, algorithm, thinking=thinking)
    if default:
        rows.append(("Default", default))
    rows.append(("Applies to", applies_text(info, algorithms, rejected=rejected)))
    rows.append(("Required", required_text(info)))
    if info.releases:
        rows.append(("Releases", info.releases))
    if info.schema.get("deprecated"):
        rows.append(("Deprecated", str(info.schema.get("deprecationMessage", "yes"))))
    return rows


def key_markdown(
    index: SchemaIndex, info: KeyInfo, *, algorithm: str | None = None, thinking: bool = False, heading: bool = True
) -> str:
    """The Markdown block for one key: what hover shows and what the reference docs list."""
    parts = []
    if heading:
        title = f" — {info.title}" if info.title else ""
        parts.append(f"**`{format_path(info.path)}`**{title}")
    parts.append(info.description)
    rows = facts(info, algorithm, thinking=thinking, algorithms=index.algorithms, rejected=index.scoping == "rejected")
    parts.append("\n".join(f"- **{label}:** {value}" for label, value in rows))
    if info.path == ("model",):
        parts.append(catalog_table(index))
    example = example_toml(info)
    if example:
        parts.append(f"```toml\n{example}\n```")
    return "\n\n".join(p for p in parts if p)


def catalog_table(index: SchemaIndex) -> str:
    rows = [
        "| Model | Parameters | Algorithms | Thinking | Max `lora_rank` | Serving context |",
        "|---|---|---|---|---|---|",
    ]
    for m in index.catalog:
        name = f"`{m.id}`" + (" (default)" if m.default else "")
        algorithms = ", ".join(m.algorithms)
        thinking = "yes" if m.thinking != "none" else "no"
        rows.append(f"| {name} | {m.params} | {algorithms} | {thinking} | {m.max_lora_rank} | {m.max_model_len} |")
    return "\n".join(rows)


def value_markdown(index: SchemaIndex, info: KeyInfo, value: Any) -> str | None:
    """Hover text for an enum value (a model id, an algorithm)."""
    if not info.enum or value not in info.enum:
        return None
    i = info.enum.index(value)
    desc = info.enum_descriptions[i] if info.enum_descriptions and i < len(info.enum_descriptions) else ""
    text = f"**`{toml_literal(value)}`** — value of `{format_path(info.path)}`"
    if desc:
        text += f"\n\n{desc}"
    model = index.model(value) if info.path == ("model",) else None
    if model is not None:
        text += (
            f"\n\n- **Parameters:** {model.params}\n- **Max `lora_rank`:** {model.max_lora_rank}"
            f"\n- **Serving context:** {model.max_model_len} tokens"
        )
    return text
