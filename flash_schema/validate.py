"""Schema validation of parsed config data, turned into positioned, TOML-worded diagnostics.

The dialect's validator reports `jsonschema` errors; each becomes a `Diagnostic` whose code,
severity, target, message, hint and fix kind come from the rule registry (rules.toml) and the
schema site that states the rule. Suggestions ("did you mean", "belongs in", another release's
key) are in `flash_schema.suggest`; fixes stay data here and become edits in `flash_schema.fixes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from flash_schema import keywords as kw
from flash_schema import suggest
from flash_schema.diagnostics import Diagnostic, FixSpec, format_path
from flash_schema.dialects import NEWEST, load_schema, validator
from flash_schema.document import Path
from flash_schema.locate import Locator, Target
from flash_schema.messages import escape, generic_message, render, toml_value, type_message
from flash_schema.rules import Registry, Rule, registry

#: At most this many schema problems per check: 100,000 unknown keys must not take minutes.
MAX_DIAGNOSTICS = 1000
#: Keywords whose site message (``x-flash-message``) words a different problem unless the site
#: names its rule: a message for a pattern is not a message for the type.
_OWN_WORDS = frozenset({"type", "minLength", "required", "additionalProperties"})


def load_validator(dialect: str = NEWEST) -> None:
    """Build the validator now rather than on first use (start-up work, e.g. before forking)."""
    validator(dialect)


def validate_data(data: Mapping[str, Any], locator: Locator, dialect: str = NEWEST) -> list[Diagnostic]:
    """Every schema problem of ``data`` (all at once) under ``dialect``, positioned by ``locator``."""
    conv = _Converter(dialect, data, locator)
    out: list[Diagnostic] = []
    for error in validator(dialect).iter_errors(data):
        out.extend(conv.convert(error))
        if len(out) >= MAX_DIAGNOSTICS:
            break
    if conv.specific:  # a custom keyword's finding says more than the portable keyword's
        out = [d for d in out if (d.code, d.path) not in conv.specific or d.message in conv.specific_messages]
    return _dedupe(_focus(out))


def _focus(diags: list[Diagnostic]) -> list[Diagnostic]:
    """One clear complaint per value: a type error hides the other errors about the same value,
    and each rule's `hidden_by` decides what hides it (rules.toml)."""
    if not diags:
        return diags  # a valid config never parses the rule registry
    rules = registry()
    typed = {d.path for d in diags if d.code == "wrong-type"}
    erred = {d.path for d in diags if d.is_error}
    bad_algorithm = any(d.path == ("algorithm",) and d.is_error for d in diags)
    out = []
    for d in diags:
        if d.path in typed and d.is_error and d.code != "wrong-type":
            continue
        hidden = rules[d.code].hidden_by if d.code in rules else frozenset()
        if "value-error" in hidden and d.path in erred and not d.is_error:
            continue
        if "algorithm-error" in hidden and bad_algorithm:
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


class _Converter:
    def __init__(self, dialect: str, data: Mapping[str, Any], locator: Locator) -> None:
        self.dialect = dialect
        self.data = data
        self.locator = locator
        self.root = load_schema(dialect)
        self.specific: set[tuple[str, Path]] = set()
        self.specific_messages: set[str] = set()

    @property
    def rules(self) -> Registry:
        """The rule registry, parsed on the first error: a valid config never needs it."""
        return registry()

    # -- dispatch ------------------------------------------------------------------------------

    def convert(self, error: ValidationError) -> list[Diagnostic]:
        path: Path = tuple(error.absolute_path)
        keyword = str(error.validator)
        schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
        if "propertyNames" in error.absolute_schema_path:
            return [self._diag(error, (*path, str(error.instance)), schema, keyword)]
        if keyword == "additionalProperties" and schema.get("additionalProperties") is False:
            return self._unknown_keys(error, path, schema)
        if keyword == "required":
            return self._missing(error, path, schema)
        if keyword == "anyOf" and kw.MESSAGE not in schema:
            inner = best_match(error.context or [])
            if inner is not None:
                return self.convert(inner)
        return [self._diag(error, path, schema, keyword)]

    def rule_for(self, error: ValidationError, schema: Mapping[str, Any], keyword: str) -> Rule:
        code = getattr(error, "rule", None) or schema.get(kw.RULE)
        if not code:
            found = self.rules.for_keyword(keyword)
            code = found.code if found is not None else "invalid-value"
        return self.rules[str(code)]

    # -- one diagnostic ------------------------------------------------------------------------

    def _diag(self, error: ValidationError, path: Path, schema: Mapping[str, Any], keyword: str) -> Diagnostic:
        key_level = "propertyNames" in error.absolute_schema_path
        instance = path[-1] if key_level else error.instance
        rule = self.rule_for(error, schema, keyword)
        args: dict[str, Any] = {**schema.get(kw.ARGS, {}), **getattr(error, "rule_args", {})}
        template = self._template(keyword, schema, instance, error, rule)
        hint = args.pop("hint", None) or schema.get(kw.HINT) or rule.hint
        fix = self._default_fix(rule, path)
        if keyword == "enum" and rule.code in ("invalid-value", "invalid-teacher", "non-canonical-algorithm"):
            template, hint, fix = self._enum(path, instance, schema.get("enum", []), template, hint, fix)
        code = rule.code
        if code == "invalid-algorithm":
            template, hint, fix = suggest.algorithm(self, path, instance, template, hint)
        elif code == "non-canonical-algorithm":
            meaning = self._as_read(path, instance)
            args["meaning"] = toml_value(meaning)
            fix = FixSpec("replace-value", path, meaning, certain=True)
        elif code == "ignored-top-level-key":
            template, hint, fix = suggest.lax_top_level(self, path, template, hint)
        elif code == "unknown-table":
            template, hint, fix = suggest.unknown_table(self, path, template, hint)
        elif code == "ignored-key":
            template, hint, fix = suggest.did_you_mean(self, path, template, hint, fix)
        elif code == "inapplicable-key" and "rename" in args:
            fix = None
        made = self.make(rule, path, _target(rule), template, hint, fix, instance, args)
        if keyword.startswith(kw.PREFIX) and keyword != kw.LINT:
            self.specific.add((made.code, made.path))
            self.specific_messages.add(made.message)
        return made

    def _as_read(self, path: Path, value: Any) -> Any:
        """``value`` as the release reads it: the normalise steps of its key's `x-flash-spec`
        (`algorithm`: falsy means the default, then lowercased)."""
        from flash_schema.normalise import KeyContext, normalise
        from flash_schema.schema_index import get_index

        info = get_index(self.dialect).info(path)
        if info is None:
            return value
        steps = list(info.schema.get(kw.SPEC, {}).get("normalise", ()))
        return normalise(value, steps, KeyContext(info.schema, info.types, info.default, None))

    def _default_fix(self, rule: Rule, path: Path) -> FixSpec | None:
        if rule.fix == "remove":
            return FixSpec("remove", path, certain=rule.certain)
        return None

    def _enum(
        self, path: Path, instance: Any, options: list[Any], template: str, hint: str | None, fix: FixSpec | None
    ) -> tuple[str, str | None, FixSpec | None]:
        other = suggest.other_release_value(self, path, instance)
        if other is not None:
            return f"{template}; {other}", hint, fix
        choice = suggest.value(instance, options)
        if choice is None:
            return template, hint, fix
        if len(options) > 3:
            template = "`{path}` = {value} is not one of the allowed values"
        shown = escape(toml_value(choice))
        return (
            template + f"; did you mean {shown}?",
            hint or f"use {shown}",
            FixSpec("replace-value", path, choice, certain=False),
        )

    def make(
        self,
        rule: Rule,
        path: Path,
        target: Target,
        template: str,
        hint: str | None,
        fix: FixSpec | None,
        instance: Any = None,
        args: Mapping[str, Any] | None = None,
    ) -> Diagnostic:
        loc = self.locator.locate(path, target)
        return Diagnostic(
            code=rule.code,
            severity=rule.severity(self.dialect),
            path=path,
            span=loc.span,
            message=render(template, path, instance, args),
            hint=render(hint, path, instance, args) if hint else None,
            fix=fix if loc.source is None and loc.origin is None else None,
            source=loc.source,
            origin=loc.origin,
        )

    def _template(
        self, keyword: str, schema: Mapping[str, Any], instance: Any, error: ValidationError, rule: Rule
    ) -> str:
        specific = schema.get(kw.MESSAGE_PREFIX + keyword)
        if isinstance(specific, str):
            return _type_fixup(specific, keyword, schema, instance)
        if keyword.startswith(kw.PREFIX):
            return str(error.message)
        if kw.MESSAGE in schema and (keyword not in _OWN_WORDS or kw.RULE in schema):
            return str(schema[kw.MESSAGE])
        if keyword == "type":
            return _type_fixup(type_message(error.validator_value, instance), keyword, schema, instance)
        if rule.message and (kw.RULE in schema or keyword == "not"):
            return rule.message
        return generic_message(keyword, error.validator_value)

    # -- special shapes --------------------------------------------------------------------------

    def _missing(self, error: ValidationError, path: Path, schema: Mapping[str, Any]) -> list[Diagnostic]:
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        messages = schema.get(kw.MESSAGE_REQUIRED, {})
        hints = schema.get(kw.HINT_REQUIRED, {})
        rule = self.rules[str(schema.get(kw.RULE, "missing-key"))]
        out = []
        required = error.validator_value if isinstance(error.validator_value, list) else []
        for name in required:
            if name in instance:
                continue
            table = format_path(path)
            where = f" in `[{table}]`" if table else ""
            template = messages.get(name, f"missing required key `{name}`{where}")
            fix = suggest.add_fix(self, path, name)
            out.append(self.make(rule, path, _target(rule), template, hints.get(name), fix))
        return out

    def _unknown_keys(self, error: ValidationError, path: Path, schema: Mapping[str, Any]) -> list[Diagnostic]:
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        known = list(schema.get("properties", {}))
        out: list[Diagnostic] = []
        for name in instance:
            if name in known:
                continue
            if len(out) >= MAX_DIAGNOSTICS:
                break
            key_path = (*path, name)
            is_table = isinstance(instance[name], Mapping)
            rule = self.rules["unknown-table" if not path and is_table else "unknown-key"]
            template, hint, fix = suggest.unknown_key(self, key_path, known, is_table=is_table)
            out.append(self.make(rule, key_path, "key", template, hint, fix))
        return out


def _target(rule: Rule) -> Target:
    return "key" if rule.target == "key" else "table" if rule.target == "table" else "value"


def _type_fixup(template: str, keyword: str, schema: Mapping[str, Any], instance: Any) -> str:
    if (
        keyword == "type"
        and schema.get("type") == "integer"
        and isinstance(instance, float)
        and not isinstance(instance, bool)
    ):
        return "`{path}` must be a finite integer, not {value}"
    return template
