"""Completion of keys, table headers and values, on half-written text.

- After ``[``: the tables a config can declare, minus those it already has.
- On a key line: the keys of the enclosing table, minus those already present; keys with
  no effect under this config's algorithm come last and say so in their detail.
- After ``key =``: the allowed values (``"sft"``/``"grpo"``, the catalog's model ids,
  ``true``/``false``), then the default for this config's algorithm and the examples.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

from flash_schema.diagnostics import format_path
from flash_schema.document import Document, Path, Span
from flash_schema.keydocs import toml_literal, type_text
from flash_schema.schema_index import KeyInfo, SchemaIndex, is_platform_managed
from flash_schema.spans import without_indices
from flash_schema_lsp.features.completion_context import (
    Context,
    context_at,
    declared_tables,
    has_key_line,
    present_keys,
)
from flash_schema_lsp.features.documentation import Documentation, algorithm_of, thinking_of

Kind = Literal["key", "table", "value", "enum", "boolean"]


@dataclass(frozen=True, slots=True)
class CompletionItem:
    """One completion: ``insert_text`` replaces the text at ``replace``.

    ``insert_text`` is an LSP snippet when ``snippet`` is true (only produced when the client
    supports snippets), else plain text.  ``docs`` says what its (Markdown) ``documentation``
    is about: that is rendered only when asked for.
    """

    label: str
    kind: Kind
    insert_text: str
    replace: Span
    snippet: bool = False
    detail: str | None = None
    docs: Documentation | None = None
    sort_text: str | None = None
    filter_text: str | None = None

    def documentation(self, index: SchemaIndex) -> str | None:
        """The Markdown documentation, rendered now (the server leaves it to ``completionItem/resolve``)."""
        return self.docs.render(index) if self.docs is not None else None


def complete(doc: Document, index: SchemaIndex, offset: int, *, snippets: bool = True) -> list[CompletionItem]:
    """Completions at ``offset`` of ``doc`` (empty when there is nothing sensible to offer).

    ``snippets``: the client inserts LSP snippets (else every insert text is plain).
    """
    ctx = context_at(doc, offset)
    if ctx.kind == "header":
        return _headers(doc, index, ctx)
    if ctx.kind == "key":
        return _keys(doc, index, ctx, snippets=snippets)
    if ctx.kind == "value":
        return _values(doc, index, ctx)
    return []


# -- headers ------------------------------------------------------------------------------------


def _headers(doc: Document, index: SchemaIndex, ctx: Context) -> list[CompletionItem]:
    if ctx.array:
        return []  # Flash configs have no arrays of tables
    skip = doc.position(ctx.replace.start)[0]
    declared = declared_tables(doc, skip_line=skip)
    algorithm = algorithm_of(doc.data, index)
    thinking = thinking_of(doc.data)
    out = []
    for i, path in enumerate(index.table_paths()):
        if path in declared:
            continue
        info = index.info(path)
        name = format_path(path)
        out.append(
            CompletionItem(
                label=name,
                kind="table",
                insert_text=name if ctx.closed else name + "]",
                replace=ctx.replace,
                detail=info.title if info else None,
                docs=Documentation(path, algorithm, thinking),
                sort_text=f"{i:03d}",
                filter_text=name,
            )
        )
    return out


# -- keys ---------------------------------------------------------------------------------------


def _keys(doc: Document, index: SchemaIndex, ctx: Context, *, snippets: bool) -> list[CompletionItem]:
    table = ctx.path
    table_info = index.info(table) if table else None
    if table and (table_info is None or not table_info.is_table):
        return []
    section_end = ctx.section[1]
    section = ctx.section if table == ctx.table else (0, 0)
    # A header typed at the top level must not capture top-level keys written below it.
    line_end = ctx.line.end if ctx.line is not None else ctx.replace.end
    headers_ok = not table and not ctx.table and not ctx.has_eq and not has_key_line(doc, line_end, section_end)
    present = present_keys(doc, table, tuple(index.child_keys(table)), section, ctx.line)
    declared = declared_tables(doc)
    algorithm = algorithm_of(doc.data, index)
    thinking = thinking_of(doc.data)
    out = []
    for i, name in enumerate(index.child_keys(table)):
        path = (*table, name)
        if name in present or path in declared:
            continue
        found = _key_template(index, path, algorithm, thinking, snippets)
        if found is None:
            continue
        is_table, ignored, detail, assignment = found
        if is_table and not table:
            if not headers_ok:
                continue
            # A table at the top level: write its header.
            text = f"[{name}]\n$0" if snippets else f"[{name}]\n"
            kind: Kind = "table"
        elif ctx.has_eq:
            text, kind = name, "key"  # only the name: `= value` is already there
        else:
            text, kind = assignment, "key"
        out.append(
            CompletionItem(
                label=name,
                kind=kind,
                insert_text=text,
                replace=ctx.replace,
                snippet=snippets and ("$" in text),
                detail=detail,
                docs=Documentation(path, algorithm, thinking),
                sort_text=f"{1 if ignored else 0}{i:03d}",
                filter_text=name,
            )
        )
    return out


_Template = tuple[bool, bool, str, str]  # is a table, ignored under the algorithm, detail, `key = value` text


@functools.lru_cache(maxsize=2048)
def _key_template(
    index: SchemaIndex, path: Path, algorithm: str | None, thinking: bool, snippets: bool
) -> _Template | None:
    """What the schema alone says of a key's completion; ``None`` for a key never offered."""
    info = index.info(path)
    if info is None or is_platform_managed(info):
        return None
    ignored = _ignored_by(info, algorithm)
    detail = type_text(info)
    if ignored is not None:
        detail = f"{detail} — ignored by {ignored}"
    name = str(path[-1])
    value, is_snippet = _value_text(info, index, algorithm, thinking, snippets=snippets)
    return info.is_table, ignored is not None, detail, f"{_snippet_escape(name) if is_snippet else name} = {value}"


def _ignored_by(info: KeyInfo, algorithm: str | None) -> str | None:
    """The algorithm under which the key has no effect, if it is this config's."""
    if info.applies_to is None or algorithm is None or algorithm in info.applies_to:
        return None
    return algorithm


_SNIPPET_SPECIAL = re.compile(r"[$}\\]")
_CHOICE_SPECIAL = re.compile(r"[$}\\,|]")


def _snippet_escape(text: str) -> str:
    return _SNIPPET_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def _value_text(
    info: KeyInfo, index: SchemaIndex, algorithm: str | None, thinking: bool, *, snippets: bool
) -> tuple[str, bool]:
    """The ``value`` part of a ``key = value`` completion: (text, is a snippet)."""
    default = info.default_for(algorithm or index.default_algorithm, thinking=thinking)
    choices = _choices(info, index)
    if choices and snippets:
        texts = [c if isinstance(c, str) else toml_literal(c) for c in choices]
        body = ",".join(_CHOICE_SPECIAL.sub(lambda m: "\\" + m.group(), t) for t in texts)
        quoted = all(isinstance(c, str) for c in choices)
        return (f'"${{1|{body}|}}"' if quoted else f"${{1|{body}|}}"), True
    if default is None and info.examples and not isinstance(info.examples[0], (list, dict)):
        default = info.examples[0]  # no default: the first example is a better placeholder than nothing
    if isinstance(default, str):
        return (f'"${{1:{_snippet_escape(default)}}}"' if snippets else toml_literal(default)), snippets
    if isinstance(default, list) and not default:
        return ("[$1]" if snippets else "[]"), snippets
    if isinstance(default, dict) and not default:
        return ("{ $1 }" if snippets else "{}"), snippets
    if default is not None:
        literal = toml_literal(default)
        return (f"${{1:{_snippet_escape(literal)}}}" if snippets else literal), snippets
    if "string" in info.types:
        return ('"$1"' if snippets else '""'), snippets
    if "array" in info.types:
        return ("[$1]" if snippets else "[]"), snippets
    if "object" in info.types:
        return ("{ $1 }" if snippets else "{}"), snippets
    return ("$1" if snippets else ""), snippets


def _choices(info: KeyInfo, index: SchemaIndex) -> list[Any]:
    """Values to offer as a snippet choice: booleans and enums, the default first."""
    if info.enum:
        values = list(info.enum)
        first = index.default_model if info.path == ("model",) else info.default
        if first in values:
            values.remove(first)
            values.insert(0, first)
        return values
    if info.types == ("boolean",):
        return [True, False] if info.default is True else [False, True]
    return []


# -- values -------------------------------------------------------------------------------------


def _values(doc: Document, index: SchemaIndex, ctx: Context) -> list[CompletionItem]:
    path = without_indices(ctx.path)
    info = index.info(path) if path else None
    if info is None:
        return []
    algorithm = algorithm_of(doc.data, index)
    thinking = thinking_of(doc.data)
    single = ctx.prefix.startswith("'")
    quoted = ctx.prefix[:1] in ("'", '"')
    seen: set[str] = set()
    out: list[CompletionItem] = []

    def add(value: Any, kind: Kind, detail: str | None, docs: Documentation | None) -> None:
        literal = toml_literal(value)
        if single and isinstance(value, str) and "'" not in value and "\n" not in value:
            literal = f"'{value}'"
        if literal in seen:
            return
        seen.add(literal)
        bare = value if isinstance(value, str) and not quoted else literal
        out.append(
            CompletionItem(
                label=literal,
                kind=kind,
                insert_text=literal,
                replace=ctx.replace,
                detail=detail,
                docs=docs,
                sort_text=f"{len(out):03d}",
                filter_text=str(bare),
            )
        )

    if info.enum:
        descriptions = info.enum_descriptions or ()
        for i, value in enumerate(info.enum):
            model = index.model(value) if path == ("model",) else None
            detail: str | None
            if model is not None:
                detail = f"{model.params} parameters, lora_rank ≤ {model.max_lora_rank}"
                if model.default:
                    detail += " (default)"
            else:
                detail = descriptions[i] if i < len(descriptions) else None
            add(value, "enum", detail, Documentation(path, value=value, is_value=True))
    if "boolean" in info.types:
        for value in (True, False):
            add(value, "boolean", None, None)
    default = info.default_for(algorithm or index.default_algorithm, thinking=thinking)
    if default is not None:
        add(default, "value", f"default ({algorithm})" if info.defaults_by_algorithm and algorithm else "default", None)
    for example in info.examples:
        add(example, "value", "example", None)
    return out
