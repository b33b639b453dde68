"""The error a custom keyword yields: a jsonschema `ValidationError` naming the rule it reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema.exceptions import ValidationError


class FlashError(ValidationError):
    """A custom keyword's finding, naming the rule it reports (when not the keyword's default)."""

    def __init__(self, message: str, *, rule: str | None = None, args: Mapping[str, Any] | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.rule = rule
        self.rule_args = dict(args or {})
