"""The `x-flash-*` vocabulary of our schemas, named once: annotations and custom keywords.

Custom keywords restate Flash rules plain JSON Schema cannot say; other tools ignore them (an
``x-`` keyword is an annotation to them), so only `flash-schema` reports what they find. The
implementations live in the submodules, grouped by what they check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from flash_schema.keywords.errors import FlashError

# -- annotations ------------------------------------------------------------------------------------

#: The rule (a code of rules.toml) a subschema states.
RULE = "x-flash-rule"
#: Message template, in TOML words, for the rule at this site (else the rule's own).
MESSAGE = "x-flash-message"
#: Per-keyword message, e.g. ``x-flash-message-type``.
MESSAGE_PREFIX = "x-flash-message-"
#: Hint template (how to fix) for this site.
HINT = "x-flash-hint"
#: Arguments the message templates of this site use ({model}, {cap}, {algorithm}...).
ARGS = "x-flash-args"
#: Per missing key: messages and hints of a ``required`` keyword.
MESSAGE_REQUIRED = "x-flash-message-required"
HINT_REQUIRED = "x-flash-hint-required"
#: The algorithms a ``[train]`` key is used by (absent: all of them).
APPLIES_TO = "x-flash-applies-to"
#: A default computed from other keys, in words ("2 × `lora_rank`"): JSON Schema's ``default``
#: holds one value, which such a key does not have.
DEFAULT_TEXT = "x-flash-default-text"
#: The default when ``thinking = true``.
DEFAULT_IF_THINKING = "x-flash-default-if-thinking"
#: Keys an example needs beside it in its table (`save_at_steps` with a `max_steps`).
EXAMPLE_WITH = "x-flash-example-with"
#: Which releases have a key ("Flash 0.2.49 and later"); on the root, the releases the dialect checks.
RELEASES = "x-flash-releases"
#: An allOf block's condition, as data: ``{"algorithm": "grpo"}`` or ``{"model": id}``.
WHEN = "x-flash-when"
#: The values a key accepts where the schema cannot use ``enum`` (Flash folds case).
ENUM = "x-flash-enum"
#: Root annotations.
DIALECT = "x-flash-dialect"
VERSION = "x-flash-version"
CATALOG = "x-flash-catalog"
RESERVED_SECRETS = "x-flash-reserved-secrets"
OTHER_RELEASES = "x-flash-other-releases"
OTHER_VALUES = "x-flash-other-values"
#: Root: how the dialect scopes `[train]` knobs by algorithm ("ignored" or "rejected").
SCOPING = "x-flash-scoping"
#: Root: how `--set k=[...]` reads a list ("toml" first, or "split" on commas).
SET_LISTS = "x-flash-set-lists"
#: The type a key has to Flash where the portable `type` is wider (`integer` exported as `number`).
TYPE = "x-flash-type"
#: An ``allOf`` entry that shadows a custom keyword in plain JSON Schema, for other tools
#: (``schemagen/portable.py``); our validator skips it, the keyword says the same exactly.
PORTABLE = "x-flash-portable"
#: Prefix of every keyword and annotation of ours.
PREFIX = "x-flash-"

# -- custom keywords ------------------------------------------------------------------------------

#: Subschemas whose failures are warnings (the release accepts the config).
LINT = "x-flash-lint"
#: Numbers must be finite (TOML has nan and inf; an integer too big for a float is not finite).
FINITE = "x-flash-finite"
#: An integer must survive Flash's ``float(v) == int(v)`` round trip (releases before 1.3).
FLOAT_EXACT = "x-flash-float-exact"
#: A real TOML integer: Flash rejects ``10.0`` (and booleans) for this key.
TOML_INTEGER = "x-flash-toml-integer"
#: Flash's exact environment-id parser; the value is the number of parts of a managed slug.
ENVIRONMENT_ID = "x-flash-environment-id"
#: Python's ``uuid.UUID()`` after trimming (Flash 1.3's `project`).
UUID = "x-flash-uuid"
#: One `[environment] pip` entry, as Flash 1.3 checks it.
PIP_ENTRY = "x-flash-pip-entry"
#: Reserved secret names, matched the way Python's ``str.upper()`` folds case.
RESERVED_NAMES = "x-flash-reserved-names"
#: Secret-looking values anywhere below this table (a warning).
SECRET_SCAN = "x-flash-secret-scan"
#: No TOML date/time anywhere below (Flash JSON-encodes the table).
JSON_ONLY = "x-flash-json-only"
#: GRPO (0.2.43): the engine length must leave room for the completion (a warning).
GRPO_LENGTH = "x-flash-grpo-length"
#: GRPO/OPD (1.x): `max_context_tokens` must exceed the completion length.
PROMPT_BUDGET = "x-flash-prompt-budget"
#: `save_at_steps`: strictly increasing, within a positive `max_steps`.
SAVE_AT_STEPS = "x-flash-save-at-steps"
#: `structured_outputs`: the release's constraint grammar.
STRUCTURED_OUTPUTS = "x-flash-structured-outputs"
#: `teacher_model`: an alias after Flash's normalisation.
TEACHER = "x-flash-teacher"
#: `[gpu] type`: class names through Flash's alias table.
GPU_CLASS = "x-flash-gpu-class"
#: `[gpu]` (1.0): the provider must provision the pinned class.
GPU_PAIRING = "x-flash-gpu-pairing"

# -- how a release resolves a config (read by flash_schema.resolve, checked by no keyword) ---------

#: How the release's resolved spec holds a key: ``{"absent", "unset", "normalise", "default", ...}``.
SPEC = "x-flash-spec"
#: On the root: the spec's fields Flash fills itself (``{"constants": {...}, "computed": {...}}``).
SPEC_OWNED = "x-flash-spec-owned"

KeywordFn = Callable[[Any, Any, Any, Mapping[str, Any]], Iterator[ValidationError]]

__all__ = ["FlashError", "KeywordFn", "implementations"]


def implementations() -> dict[str, KeywordFn]:
    """Every custom keyword and its implementation (jsonschema's keyword signature)."""
    from flash_schema.keywords import content, identifiers, numbers, shadows, structured, training

    return {
        "allOf": shadows.all_of,
        LINT: content.lint,
        FINITE: numbers.finite,
        FLOAT_EXACT: numbers.float_exact,
        TOML_INTEGER: numbers.toml_integer,
        ENVIRONMENT_ID: identifiers.environment_id,
        UUID: identifiers.uuid,
        PIP_ENTRY: identifiers.pip_entry,
        RESERVED_NAMES: identifiers.reserved_names,
        SECRET_SCAN: content.secret_scan,
        JSON_ONLY: content.json_only,
        GRPO_LENGTH: training.grpo_length,
        PROMPT_BUDGET: training.prompt_budget,
        SAVE_AT_STEPS: training.save_at_steps,
        STRUCTURED_OUTPUTS: structured.structured_outputs,
        TEACHER: identifiers.teacher,
        GPU_CLASS: identifiers.gpu_class,
        GPU_PAIRING: identifiers.gpu_pairing,
    }
