"""Schema validation of parsed config data, turned into positioned, TOML-worded diagnostics."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError, best_match

from flash_schema import _flashkw
from flash_schema import keywords as kw
from flash_schema._schema import canonical
from flash_schema.diagnostics import Diagnostic, Edit, Fix, Severity, format_path
from flash_schema.document import Document, Path, Span
from flash_schema.secrets import redact

if TYPE_CHECKING:
    from flash_schema.schema_index import SchemaIndex

Target = Literal["key", "value", "table"]

FlashValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft7Validator,
    {
        kw.FINITE: _flashkw.finite,
        kw.FLOAT_EXACT: _flashkw.float_exact,
        kw.ENVIRONMENT_ID: _flashkw.environment_id,
        kw.SECRET_SCAN: _flashkw.secret_scan,
        kw.GRPO_LENGTH: _flashkw.grpo_length,
        kw.JSON_ONLY: _flashkw.json_only,
    },
)

#: Codes of lint rules that only make sense when `algorithm` itself is valid.
_ALGORITHM_LINTS = frozenset({"sft-only-key", "grpo-only-key", "no-op-key"})
#: Warnings about a value that say nothing new once the same value has an error.
_DOMINATED = frozenset(
    {
        "non-canonical-algorithm",
        "grpo-length-no-room",
        "exceeds-serving-context",
        "non-string-worker-env",
        "invalid-split",
        "duplicate-secret",
    }
)
#: Codes whose diagnostic points at the key rather than at its value.
_KEY_CODES = frozenset(
    {
        "unknown-table",
        "ignored-top-level-key",
        "ignored-key",
        "sft-only-key",
        "grpo-only-key",
        "platform-managed-key",
        "unknown-key",
        "secret-key-name",
        "invalid-env-var-name",
    }
)
_TOML_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "an array",
    "object": "a table",
    "null": "nothing",
}


class Location(NamedTuple):
    """Where a path lives: a span in a source document, or an origin outside any file."""

    span: Span
    source: str | None = None
    origin: str | None = None


class Locator(Protocol):
    """Maps key paths of the (merged) config data to places a user can see."""

    def locate(self, path: Path, target: Target) -> Location: ...

    def document_for(self, path: Path) -> Document | None:
        """The document fixes for ``path`` may edit (``None``: no fixes)."""
        ...


class DocumentLocator:
    """Locates paths in a single document."""

    def __init__(self, doc: Document, source: str | None = None) -> None:
        self.doc = doc
        self.source = source

    def locate(self, path: Path, target: Target) -> Location:
        return Location(span_for(self.doc, path, target), self.source)

    def document_for(self, path: Path) -> Document | None:  # noqa: ARG002 - one document holds every path
        return self.doc


def span_for(doc: Document, path: Path, target: Target) -> Span:
    """The best span for ``path`` in ``doc``: the key, the value or the table header."""
    node = doc.node(path) if path else None
    if node is None:
        if not path:
            return _first_line(doc)
        node = doc.nearest(path)
        if node is None:
            return _first_line(doc)
        target = "key" if node.key else target
    if target == "value" and node.value is not None:
        return node.value
    if target == "table" and node.header is not None:
        return node.header
    for span in (node.key, node.header, node.value):
        if span is not None:
            return span
    return _first_line(doc)  # pragma: no cover - every node has one span


def _first_line(doc: Document) -> Span:  # noqa: ARG001 - the same call wherever a path has no span
    # Something missing from the whole file: the top of the file, zero-width, rather than an
    # underline of whatever the first line happens to be (`model = …`).
    return Span(0, 0)


@functools.cache
def _validator() -> Any:
    schema, registry = canonical()
    return FlashValidator(schema, registry=registry)


def load_validator() -> None:
    """Build the validator now rather than on first use (start-up work, e.g. before forking)."""
    _validator()


#: At most this many schema problems per check: 100,000 unknown keys must not take minutes.
MAX_DIAGNOSTICS = 1000


def validate_data(data: Mapping[str, Any], locator: Locator, index: SchemaIndex | None = None) -> list[Diagnostic]:
    """Every schema problem of ``data`` (all at once), positioned through ``locator``."""
    validator = _validator() if index is None else FlashValidator(index.schema, registry=index.registry)
    ctx = _Context(index, data, locator)
    out: list[Diagnostic] = []
    for error in validator.iter_errors(data):
        out.extend(ctx.convert(error))
        if len(out) >= MAX_DIAGNOSTICS:
            break
    if any(d.path == ("algorithm",) and d.is_error for d in out):
        out = [d for d in out if d.code not in _ALGORITHM_LINTS]
    return _dedupe(_focus(out))


def _focus(diags: list[Diagnostic]) -> list[Diagnostic]:
    """One clear complaint per value: a type error hides the other errors about the same value,
    and an error hides the warnings about the same value (warnings about the key stay)."""
    typed = {d.path for d in diags if d.code == "wrong-type"}
    erred = {d.path for d in diags if d.is_error}
    out = []
    for d in diags:
        if d.path in typed and d.is_error and d.code != "wrong-type":
            continue
        if d.path in erred and d.code in _DOMINATED:
            continue
        out.append(d)
    return out


def _dedupe(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for d in diags:
        ident = (d.code, d.path, d.message, d.source)
        if ident not in seen:
            seen.add(ident)
            out.append(d)
    return out


class _Context:
    def __init__(self, index: SchemaIndex | None, data: Mapping[str, Any], locator: Locator) -> None:
        self._index = index
        self.data = data
        self.locator = locator

    @property
    def index(self) -> SchemaIndex:
        # The index serves "did you mean" and "belongs in"; valid configs never need it.
        if self._index is None:
            from flash_schema.schema_index import get_index

            self._index = get_index()
        return self._index

    # -- dispatch ------------------------------------------------------------------------------

    def convert(self, error: ValidationError) -> list[Diagnostic]:
        path: Path = tuple(error.absolute_path)
        keyword = str(error.validator)
        schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
        if "propertyNames" in error.absolute_schema_path:
            return [self._diag(error, (*path, str(error.instance)), schema, "key", keyword)]
        if keyword == "additionalProperties" and schema.get("additionalProperties") is False:
            return self._unknown_keys(error, path, schema)
        if keyword == "required":
            return self._missing(error, path, schema)
        if keyword == "anyOf" and kw.MESSAGE not in schema:
            inner = best_match(error.context or [])
            if inner is not None:
                return self.convert(inner)
        target: Target = "key" if (schema.get(kw.CODE) in _KEY_CODES) else "value"
        return [self._diag(error, path, schema, target, keyword)]

    # -- builders ------------------------------------------------------------------------------

    def _severity(self, schema: Mapping[str, Any], keyword: str) -> Severity:
        if schema.get(kw.SEVERITY) == "warning" or keyword in kw.WARNING_KEYWORDS:
            return Severity.WARNING
        return Severity.ERROR

    def _diag(
        self, error: ValidationError, path: Path, schema: Mapping[str, Any], target: Target, keyword: str
    ) -> Diagnostic:
        instance = error.instance if "propertyNames" not in error.absolute_schema_path else path[-1]
        code = str(schema.get(kw.CODE) or DEFAULT_CODES.get(keyword, "invalid-value"))
        if keyword.startswith("x-flash-"):
            template = error.message
            code = CUSTOM_CODES.get(keyword, code)
            if keyword in _CUSTOM_HINTS and kw.HINT not in schema:
                schema = {**schema, kw.HINT: _CUSTOM_HINTS[keyword]}
        else:
            template = self._template(keyword, schema, instance, error)
        hint = schema.get(kw.HINT)
        fix = None
        if keyword == "enum":
            suggestion = _suggest_value(instance, schema.get("enum", []))
            if suggestion is not None:
                if len(schema.get("enum", [])) > 3:
                    template = "`{path}` = {value} is not one of the allowed values"
                template += f"; did you mean {_toml_value(suggestion)}?"
                hint = hint or f"use {_toml_value(suggestion)}"
                fix = self._replace_value_fix(path, suggestion)
        if code == "invalid-algorithm":
            suggestion = _suggest_value(instance, ["sft", "grpo"])
            if suggestion is not None:
                template += f"; did you mean {_toml_value(suggestion)}?"
                fix = self._replace_value_fix(path, suggestion)
        if code in {"sft-only-key", "grpo-only-key", "platform-managed-key", "ignored-key", "no-op-key"}:
            fix = self._remove_fix(path)
        if code == "ignored-top-level-key":
            template, hint, fix = self._top_level_key(path, template, hint)
        if code == "unknown-table":
            template, hint, fix = self._unknown_table(path, template, hint)
        if code == "ignored-key":
            template, hint, fix = self._did_you_mean(path, template, hint, fix)
        if code == "non-canonical-algorithm":
            template = template.replace("{meaning}", _algorithm_meaning(instance))
            fix = self._replace_value_fix(path, _algorithm_meaning(instance).strip('"'))
        return self._make(code, schema, keyword, path, target, template, hint, fix, instance)

    def _make(
        self,
        code: str,
        schema: Mapping[str, Any],
        keyword: str,
        path: Path,
        target: Target,
        template: str,
        hint: str | None,
        fix: Fix | None,
        instance: Any = None,
    ) -> Diagnostic:
        loc = self.locator.locate(path, target)
        message = _render(template, path, instance)
        return Diagnostic(
            code=code,
            severity=self._severity(schema, keyword),
            path=path,
            span=loc.span,
            message=message,
            hint=_render(hint, path, instance) if hint else None,
            fix=fix if loc.source is None and loc.origin is None else None,
            source=loc.source,
            origin=loc.origin,
        )

    def _template(self, keyword: str, schema: Mapping[str, Any], instance: Any, error: ValidationError) -> str:
        specific = schema.get(kw.MESSAGE_PREFIX + keyword)
        if isinstance(specific, str):
            return _type_fixup(specific, keyword, schema, instance)
        if kw.MESSAGE in schema and (
            keyword not in {"type", "minLength", "required", "additionalProperties"} or kw.CODE in schema
        ):
            return str(schema[kw.MESSAGE])
        value = error.validator_value
        if keyword == "type":
            return _type_fixup(_type_message(value, instance), keyword, schema, instance)
        return _generic_message(keyword, value)

    # -- special shapes --------------------------------------------------------------------------

    def _missing(self, error: ValidationError, path: Path, schema: Mapping[str, Any]) -> list[Diagnostic]:
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        messages = schema.get(kw.MESSAGE_PREFIX + "required", {})
        hints = schema.get("x-flash-hint-required", {})
        out = []
        required = error.validator_value if isinstance(error.validator_value, list) else []
        for name in required:
            if name in instance:
                continue
            table = format_path(path)
            where = f" in `[{table}]`" if table else ""
            template = messages.get(name, f"missing required key `{name}`{where}")
            out.append(
                self._make(
                    "missing-key",
                    schema,
                    "required",
                    path,
                    "table",
                    template,
                    hints.get(name),
                    self._add_key_fix(path, name),
                )
            )
        return out

    def _unknown_keys(self, error: ValidationError, path: Path, schema: Mapping[str, Any]) -> list[Diagnostic]:
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        known = list(schema.get("properties", {}))
        table = format_path(path)
        out: list[Diagnostic] = []
        for name in instance:
            if name in known:
                continue
            if len(out) >= MAX_DIAGNOSTICS:
                break
            key_path = (*path, name)
            template = f"unknown key `{_esc(name)}` in `[{table}]`; Flash rejects it"
            hint = "allowed keys: " + ", ".join(sorted(known))
            fix = None
            elsewhere = [p for p in self.index.where_defined(name) if p[:-1] != path]
            close = _close(name, known, n=1, cutoff=0.6)
            if close:
                template += f"; did you mean `{close[0]}`?"
                hint = f"rename it to `{close[0]}`"
                fix = self._rename_fix(key_path, close[0])
            elif elsewhere:
                dest = elsewhere[0]
                template += f"; it belongs in `[{format_path(dest[:-1])}]`"
                hint = f"move it to `[{format_path(dest[:-1])}]`"
                fix = self._move_fix(key_path, dest[:-1])
            out.append(self._make("unknown-key", schema, "additionalProperties", key_path, "key", template, hint, fix))
        return out

    def _top_level_key(self, path: Path, template: str, hint: str | None) -> tuple[str, str | None, Fix | None]:
        name = str(path[-1])
        homes = [p for p in self.index.where_defined(name) if len(p) > 1]
        if homes:
            dest = homes[0][:-1]
            where = format_path(dest)
            return (
                f"`{_esc(name)}` at the top level is ignored by Flash; it belongs in `[{where}]`",
                f"move it under `[{where}]`",
                self._move_fix(path, dest),
            )
        close = _close(name, self.index.child_keys(()), n=1, cutoff=0.7)
        if close:
            return (
                template + f"; did you mean `{close[0]}`?",
                f"rename it to `{close[0]}`",
                self._rename_fix(path, close[0]),
            )
        return template, hint, self._remove_fix(path)

    def _unknown_table(self, path: Path, template: str, hint: str | None) -> tuple[str, str | None, Fix | None]:
        name = str(path[-1])
        if name.lower() in {"grpo", "sft"}:
            fix = None if "train" in self.data else self._rename_fix(path, "train")
            return (
                f"`[{_esc(name)}]` is not a Flash table; GRPO and SFT knobs belong under `[train]` (set "
                "`algorithm` to choose)",
                "rename the table to `[train]`" if fix else "move these keys into `[train]`",
                fix,
            )
        tables = [format_path(p) for p in self.index.table_paths() if len(p) == 1]
        close = _close(name, tables, n=1, cutoff=0.6)
        if close:
            return (
                template + f"; did you mean `[{close[0]}]`?",
                f"rename it to `[{close[0]}]`",
                self._rename_fix(path, close[0]),
            )
        return template, hint, None

    def _did_you_mean(
        self, path: Path, template: str, hint: str | None, fix: Fix | None
    ) -> tuple[str, str | None, Fix | None]:
        close = _close(str(path[-1]), self.index.child_keys(path[:-1]), n=1, cutoff=0.6)
        if close:
            return (
                template + f"; did you mean `{close[0]}`?",
                f"rename it to `{close[0]}`",
                self._rename_fix(path, close[0]),
            )
        return template, hint, fix

    # -- fixes -----------------------------------------------------------------------------------

    def _doc_node(self, path: Path) -> tuple[Document, Any] | None:
        doc = self.locator.document_for(path)
        if doc is None:
            return None
        node = doc.node(path)
        return (doc, node) if node is not None else None

    def _rename_fix(self, path: Path, new: str) -> Fix | None:
        found = self._doc_node(path)
        if not found or found[1].key is None:
            return None
        return Fix(f"Rename to `{new}`", (Edit(found[1].key, new),))

    def _replace_value_fix(self, path: Path, new: Any) -> Fix | None:
        found = self._doc_node(path)
        if not found or found[1].value is None:
            return None
        return Fix(f"Change to {_toml_value(new)}", (Edit(found[1].value, _toml_value(new)),))

    def _remove_fix(self, path: Path) -> Fix | None:
        found = self._doc_node(path)
        if not found:
            return None
        doc, node = found
        span = _statement_lines(doc, node)
        if span is None:
            return None
        return Fix(f"Remove `{format_path(path)}`", (Edit(span, ""),))

    def _move_fix(self, path: Path, dest: Path) -> Fix | None:
        found = self._doc_node(path)
        if not found or found[1].value is None or found[1].key is None:
            return None
        doc, node = found
        span = _statement_lines(doc, node)
        if span is None:
            return None
        line = f"{path[-1]} = {doc.text[node.value.start : node.value.end]}"
        insert = _insertion_point(doc, dest, line)
        if insert is None:
            return None
        title = f"Move `{path[-1]}` to `[{format_path(dest)}]`"
        return Fix(title, tuple(sorted((Edit(span, ""), insert), key=lambda e: -e.span.start)))

    def _add_key_fix(self, table: Path, name: str) -> Fix | None:
        doc = self.locator.document_for(table)
        if doc is None:
            return None
        snippet = _ADD_SNIPPETS.get((*(str(p) for p in table), name))
        if snippet is None:
            return None
        if not table and name == "model":
            return Fix(
                f"Add `{snippet}`",
                (Edit(Span(_after_leading_comments(doc), _after_leading_comments(doc)), snippet + "\n"),),
            )
        if not table and name in {"environment", "train"}:
            sub = _ADD_SNIPPETS.get((name, "id" if name == "environment" else "max_examples"), "")
            text = f"[{name}]\n{sub}\n"
            return Fix(f"Add `[{name}]`", (_append(doc, text),))
        edit = _insertion_point(doc, table, snippet)
        return Fix(f"Add `{snippet}`", (edit,)) if edit else None


_ADD_SNIPPETS = {
    ("model",): 'model = "Qwen/Qwen3.5-4B"',
    ("environment",): "",
    ("environment", "id"): 'id = "your-org/your-env"',
    ("train",): "",
    ("train", "max_examples"): "max_examples = 1000",
}
DEFAULT_CODES = {
    "type": "wrong-type",
    "minimum": "out-of-range",
    "maximum": "out-of-range",
    "exclusiveMinimum": "out-of-range",
    "exclusiveMaximum": "out-of-range",
    "enum": "invalid-value",
    "const": "invalid-value",
    "pattern": "invalid-format",
    "minLength": "empty-value",
    "required": "missing-key",
    "additionalProperties": "unknown-key",
    "uniqueItems": "duplicate-entry",
}
CUSTOM_CODES = {
    kw.FINITE: "not-finite",
    kw.FLOAT_EXACT: "integer-too-large",
    kw.ENVIRONMENT_ID: "invalid-environment-id",
    kw.SECRET_SCAN: "secret-value",
    kw.GRPO_LENGTH: "grpo-length-no-room",
    kw.JSON_ONLY: "date-in-params",
}


_CUSTOM_HINTS = {
    kw.FINITE: "use a finite number (TOML's nan and inf are not accepted)",
    kw.FLOAT_EXACT: "use a smaller integer",
    kw.SECRET_SCAN: "list the variable's name in `[environment] secrets` and set its value in your shell or `.env`",
    kw.GRPO_LENGTH: "raise `max_length` above `max_tokens` (plus the prompt), or lower `max_tokens`",
    kw.JSON_ONLY: "quote the date as a string",
}


def _statement_lines(doc: Document, node: Any) -> Span | None:
    """Whole lines of a ``key = value`` statement, when it stands on lines of its own."""
    if node.key is None or node.value is None:
        return None
    start = doc.text.rfind("\n", 0, node.key.start) + 1
    if doc.text[start : node.key.start].strip():
        return None
    line_end = doc.text.find("\n", node.value.end)
    end = len(doc.text) if line_end < 0 else line_end + 1
    rest = doc.text[node.value.end : end].strip()
    if rest and not rest.startswith("#"):
        return None
    return Span(start, end)


def _insertion_point(doc: Document, table: Path, line: str) -> Edit | None:
    """Where a new ``key = value`` line for ``table`` goes: after its last statement, or appended."""
    if not table:
        return Edit(Span(0, 0), line + "\n")
    node = doc.node(table)
    if node is None:
        return _append(doc, f"[{format_path(table)}]\n{line}\n")
    if node.header is None:
        return None  # an inline or dotted table: leave it to the user
    last = node.header.end
    for child in doc.children(table):
        for span in (child.value, child.key):
            if span is not None:
                last = max(last, span.end)
    line_end = doc.text.find("\n", last)
    if line_end < 0:
        return Edit(Span(len(doc.text), len(doc.text)), "\n" + line + "\n")
    return Edit(Span(line_end + 1, line_end + 1), line + "\n")


def _after_leading_comments(doc: Document) -> int:
    """The offset after the file's leading comments and blank lines (a `#:schema` stays on top)."""
    pos = 0
    for line in doc.text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        pos += len(line)
    return pos


def _append(doc: Document, text: str) -> Edit:
    end = len(doc.text)
    sep = "" if not doc.text or doc.text.endswith("\n") else "\n"
    blank = "\n" if doc.text.strip() else ""
    return Edit(Span(end, end), sep + blank + text)


def _generic_message(keyword: str, value: Any) -> str:
    if keyword == "minimum":
        return f"`{{path}}` must be at least {_num(value)}, not {{value}}"
    if keyword == "exclusiveMinimum":
        return f"`{{path}}` must be greater than {_num(value)}, not {{value}}"
    if keyword == "maximum":
        return f"`{{path}}` must be at most {_num(value)}, not {{value}}"
    if keyword == "exclusiveMaximum":
        return f"`{{path}}` must be less than {_num(value)}, not {{value}}"
    if keyword == "enum":
        return "`{path}` must be one of " + ", ".join(_toml_value(v) for v in value) + ", not {value}"
    if keyword == "const":
        return f"`{{path}}` must be {_toml_value(value)}"
    simple = {
        "minLength": "`{path}` must not be empty",
        "pattern": "`{path}` has an invalid format: {value}",
        "not": "`{path}` is not allowed here",
        "uniqueItems": "`{path}` lists the same entry twice",
        "maxItems": "`{path}` has too many entries",
        "maxProperties": "`{path}` has too many keys",
    }
    return simple.get(keyword, "`{path}` is not valid: {value}")


def _type_message(expected: Any, instance: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TOML_TYPES.get(n, n) for n in names)
    return f"`{{path}}` must be {wanted}, not {_toml_type(instance)}"


def _type_fixup(template: str, keyword: str, schema: Mapping[str, Any], instance: Any) -> str:
    if (
        keyword == "type"
        and schema.get("type") == "integer"
        and isinstance(instance, float)
        and not isinstance(instance, bool)
    ):
        return "`{path}` must be a finite integer, not {value}"
    return template


def _toml_type(value: Any) -> str:
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


def _num(value: Any) -> str:
    return _toml_value(value)


def toml_value(value: Any, limit: int = 60) -> str:
    """``value`` as TOML source, shortened and with secrets redacted (safe to show)."""
    return _toml_value(value, limit)


def _toml_value(value: Any, limit: int = 60) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        if math.isnan(value):
            text = "nan"
        elif math.isinf(value):
            text = "inf" if value > 0 else "-inf"
        else:
            text = repr(value)
    elif isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else f"{str(value)[:12]}… ({len(str(abs(value)))} digits)"
    elif isinstance(value, str):
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    elif isinstance(value, list):
        text = "[" + ", ".join(_toml_value(v, limit) for v in value[:5]) + (", …" if len(value) > 5 else "") + "]"
    elif isinstance(value, Mapping):
        items = list(value.items())[:5]
        text = (
            "{ " + ", ".join(f"{k} = {_toml_value(v, limit)}" for k, v in items) + (", … }" if len(value) > 5 else " }")
        )
    else:
        text = str(value)
    text = redact(text[: limit + 4096])  # only the start is shown; redact() is linear in its input
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _close(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The closest candidates ("did you mean"); difflib is imported only when a name is wrong."""
    import difflib

    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def _esc(text: str) -> str:
    return redact(text).replace("{", "{{").replace("}", "}}")


def _render(template: str, path: Path, instance: Any) -> str:
    fields: dict[str, str] = {
        "path": redact(format_path(path)) or "(top level)",
        "key": redact(str(path[-1])) if path else "",
        "table": redact(format_path(path[:-1])),
        "value": _toml_value(instance),
        "valuerepr": _toml_value(instance),
        "meaning": _algorithm_meaning(instance),
    }
    try:
        return template.format_map(fields)
    except (KeyError, ValueError, IndexError):
        return template


def _algorithm_meaning(value: Any) -> str:
    if isinstance(value, str) and value.lower() in {"sft", "grpo"}:
        return f'"{value.lower()}"'
    return '"sft"'


def _suggest_value(value: Any, options: Iterable[Any]) -> Any:
    if not isinstance(value, str):
        return None
    opts = [o for o in options if isinstance(o, str)]
    folded = {o.lower(): o for o in opts}
    if value.strip().lower() in folded:
        return folded[value.strip().lower()]
    lower = _close(value.lower(), list(folded), n=1, cutoff=0.6)
    return folded[lower[0]] if lower else None


def shift_fix(fix: Fix | None, transform: Callable[[Span], Span]) -> Fix | None:
    """``fix`` with every edit's span passed through ``transform``."""
    if fix is None:
        return None
    return fix._replace(edits=tuple(e._replace(span=transform(e.span)) for e in fix.edits))
