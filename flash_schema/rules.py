"""The rule registry: every diagnostic code, read from `schema/src/rules.toml` (one place).

The validator takes each rule's severity, target, default message, hint and fix from here; the
reference docs list the rules from here; the language server links each diagnostic to its rule.
Adding a rule is one entry in rules.toml (plus the schema fragment that names it).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, NamedTuple

from flash_schema.diagnostics import Severity

#: Where a diagnostic points: the key, its value, or the table header.
TARGETS = ("key", "value", "table")


class Rule(NamedTuple):
    """One diagnostic code and everything the tools say about it."""

    code: str
    summary: str
    severities: Mapping[str, Severity]  # dialect -> severity; "default" for the others
    target: str = "value"
    message: str | None = None
    hint: str | None = None
    fix: str | None = None
    certain: bool = False
    keywords: tuple[str, ...] = ()
    hidden_by: frozenset[str] = frozenset()
    explanation: str = ""

    def severity(self, dialect: str | None = None) -> Severity:
        """The rule's severity under ``dialect`` (errors mean that release's parser rejects)."""
        if dialect is not None and dialect in self.severities:
            return self.severities[dialect]
        return self.severities["default"]

    @property
    def varies(self) -> bool:
        """Whether the severity differs between dialects."""
        return len(set(self.severities.values())) > 1


class RegistryError(Exception):
    """rules.toml is malformed (a packaging or authoring bug)."""


class Registry:
    """The rules by code, and the default rule of each JSON Schema keyword."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._rules: dict[str, Rule] = {}
        self._by_keyword: dict[str, str] = {}
        for code, entry in raw.items():
            rule = _rule(code, entry)
            self._rules[code] = rule
            for keyword in rule.keywords:
                self._by_keyword[keyword] = code

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values()))

    def get(self, code: str) -> Rule | None:
        return self._rules.get(code)

    def for_keyword(self, keyword: str) -> Rule | None:
        """The rule a failing ``keyword`` reports when its subschema names none."""
        code = self._by_keyword.get(keyword)
        return self._rules[code] if code is not None else None


def _rule(code: str, entry: Mapping[str, Any]) -> Rule:
    if "summary" not in entry or "severity" not in entry:
        msg = f"rules.toml: [{code}] needs a summary and a severity"
        raise RegistryError(msg)
    raw = entry["severity"]
    severities = {"default": Severity(raw)} if isinstance(raw, str) else {k: Severity(v) for k, v in raw.items()}
    if "default" not in severities:
        msg = f"rules.toml: [{code}] severity table needs a default"
        raise RegistryError(msg)
    target = str(entry.get("target", "value"))
    if target not in TARGETS:
        msg = f"rules.toml: [{code}] target must be one of {', '.join(TARGETS)}"
        raise RegistryError(msg)
    return Rule(
        code=code,
        summary=str(entry["summary"]),
        severities=severities,
        target=target,
        message=entry.get("message"),
        hint=entry.get("hint"),
        fix=entry.get("fix"),
        certain=bool(entry.get("certain", False)),
        keywords=tuple(entry.get("keywords", ())),
        hidden_by=frozenset(entry.get("hidden_by", ())),
        explanation=str(entry.get("explanation", "")).strip(),
    )


def load_text() -> str:
    """rules.toml as shipped inside the package."""
    return resources.files("flash_schema").joinpath("data/src/rules.toml").read_text("utf-8")


@functools.cache
def registry() -> Registry:
    """The process-wide registry (parsed on first use: a valid config never needs it)."""
    try:
        raw = tomllib.loads(load_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - a broken install
        msg = f"cannot load the packaged rule registry: {exc}"
        raise RegistryError(msg) from exc
    return Registry(raw)
