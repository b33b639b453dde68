"""The `x-flash-*` extension keywords of the schema, named once."""

from __future__ import annotations

#: ``"warning"`` marks a lint rule (Flash accepts the config); absent means an error.
SEVERITY = "x-flash-severity"
#: Stable diagnostic code of the rule a subschema states.
CODE = "x-flash-code"
#: Message template, in TOML words; placeholders: {path} {key} {value} {valuerepr} {meaning}.
MESSAGE = "x-flash-message"
#: Per-keyword message override, e.g. ``x-flash-message-type``.
MESSAGE_PREFIX = "x-flash-message-"
#: Hint template (how to fix).
HINT = "x-flash-hint"
#: Custom keyword: numbers must be finite (TOML has nan and inf, JSON has neither).
FINITE = "x-flash-finite"
#: Custom keyword: an integer must survive Flash's ``float(v) == int(v)`` round trip.
FLOAT_EXACT = "x-flash-float-exact"
#: Custom keyword: Flash's exact environment-id parser (the portable ``pattern`` is looser).
ENVIRONMENT_ID = "x-flash-environment-id"
#: Custom keyword: warn about secret-looking string values anywhere below this table.
SECRET_SCAN = "x-flash-secret-scan"
#: Custom keyword: no TOML date/time anywhere below (Flash's dry-run JSON-encodes the table).
JSON_ONLY = "x-flash-json-only"
#: Custom keyword (GRPO): the engine length must leave room for the completion.
GRPO_LENGTH = "x-flash-grpo-length"
#: Annotation: the algorithm a ``[train]`` key is used by.
APPLIES_TO = "x-flash-applies-to"
#: Annotation: the default when ``thinking = true``.
DEFAULT_IF_THINKING = "x-flash-default-if-thinking"
#: Annotation (root): the model catalog.
CATALOG = "x-flash-catalog"
#: Annotation (root): the Flash release the schema describes.
VERSION = "x-flash-version"
#: Annotation (root): platform-managed secret names.
RESERVED_SECRETS = "x-flash-reserved-secrets"

#: Custom keywords whose findings are lint warnings by nature.
WARNING_KEYWORDS = frozenset({SECRET_SCAN, GRPO_LENGTH})
