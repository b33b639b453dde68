"""Build one dialect's JSON Schema (draft-07) from the source in `schema/src/`.

The output is a plain, standalone JSON Schema that other tools (taplo, tombi, check-jsonschema,
SchemaStore) can use as is: every standard keyword in it is something that release's parser
rejects. What only we check sits in ``x-flash-*`` keywords, which other tools ignore:

- ``x-flash-lint``: subschemas whose failures are warnings (the release accepts the config);
- custom keywords restating a Flash rule JSON Schema cannot say (``x-flash-environment-id``...);
- annotations: ``x-flash-rule`` (the rule a subschema states, from rules.toml), ``x-flash-message``,
  ``x-flash-hint``, ``x-flash-args``, ``x-flash-applies-to``, ``x-flash-releases``...; ``x-flash-spec``
  (how the release's resolved spec holds a key) and, on the root, ``x-flash-spec-owned`` (the spec's
  fields Flash fills itself), which `flash_schema.resolve` reads.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flash_schema import keywords as kw
from flash_schema.dialects import schema_file
from flash_schema.schemagen import portable
from flash_schema.schemagen.blocks import BlocksMixin
from flash_schema.schemagen.common import DRAFT_07, BuilderBase, Entry, fill, fill_all, join
from flash_schema.schemagen.members import MembersMixin
from flash_schema.schemagen.source import Source, SourceError, resolve
from flash_schema.schemagen.timeline import (
    Timeline,
    build_timeline,
    other_release_notes,
    other_release_values,
    releases_text,
)
from flash_schema.toml_text import toml_short

BASE_URL = "https://raw.githubusercontent.com/flash-schema/flash-schema/main/schema/"

#: Source facets the builder interprets; everything else is JSON Schema and is copied as is.
_FACETS = frozenset(
    {
        "applies_to",
        "scope",
        "reason",
        "rename_to",
        "defaults",
        "thinking_defaults",
        "thinking_default",
        "integer",
        "when",
        "required",
        "required_message",
        "required_hint",
        "required_for",
        "catalog",
        "algorithm",
        "lint",
        "rule",
        "message",
        "hint",
        "messages",
        "args",
        "unset",
        "inapplicable_hint",
        "serving_context",
        "secret_names",
        "worker_env_names",
        "unknown",
        "order",
        "out_of_scope",
        "example_with",
        "spec",
    }
)
#: Source facets that are our keywords under a shorter name.
_KEYWORD_FACETS = {"rule": kw.RULE, "message": kw.MESSAGE, "hint": kw.HINT, "args": kw.ARGS}
_TYPE_MESSAGES = {
    "integer": "`{path}` must be an integer, not {value}",
    "number": "`{path}` must be a number, not {value}",
}


class _Builder(MembersMixin, BlocksMixin, BuilderBase):
    """Builds one dialect's schema; the members and the conditional blocks live in mixins."""

    def __init__(self, source: Source, dialect: str) -> None:
        self.src = source
        self.name = dialect
        self.d = source.dialect(dialect)
        self.release = str(self.d["release"])
        self.algorithms: list[str] = list(self.d["algorithms"])
        self.catalog = source.catalog(dialect)
        self.models: list[Entry] = list(self.catalog["models"])
        self.timeline: Timeline = build_timeline(source.releases)
        self.tables = {
            name: {k: r for k, v in entries.items() if (r := resolve(v, dialect)) is not None}
            for name, entries in source.tables.items()
        }
        self.words = self._words()

    # -- words for descriptions ------------------------------------------------------------------

    def _words(self) -> dict[str, str]:
        default_model = str(self.catalog["default"])
        # the dialect's own example environment id (keys/environment.toml), for hints elsewhere
        example_id = str(self.tables["environment"]["id"]["examples"][0])
        words = {
            "release": f"Flash {self.release}",
            "algorithms": join([a.upper() for a in self.algorithms]),
            "caps": " or ".join(str(c) for c in sorted({int(m["max_lora_rank"]) for m in self.models})),
            "default_model": f'"{default_model}"',
            "example_id": f'"{example_id}"',
            "example_id_raw": example_id,
            "reserved_case": "case-insensitively"
            if self.d.get("secrets", {}).get("case_insensitive")
            else "case-sensitively",
        }
        words.update({k: str(v) for k, v in self.d.get("words", {}).items()})
        teachers = self.d.get("teachers")
        if teachers:
            words["teachers"] = ", ".join(f"`{t}`" for t in teachers["aliases"])
            words["default_teacher"] = f"`{teachers['default']}`"
            # the default as a user may spell it: upper case, `_` for `-`
            words["teacher_spelling"] = f'`"{teachers["default"].upper().replace("-", "_")}"`'
            words["teacher_default"] = str(teachers["default"])
        gpu = self.d.get("gpu")
        if gpu:
            words["gpu_classes"] = ", ".join(f"`{c[0]}`" for c in gpu["classes"])
            words["providers"] = ", ".join(f"`{p}`" for p in gpu["providers"])
        grpo = self.d.get("grpo")
        if grpo:
            words["grpo_group_sizes"] = join([str(g) for g in grpo["group_sizes"]], "or")
        return words

    # -- the whole schema ------------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        top = self.tables["top"]
        table = top.get("table", {})
        description = fill(str(table["description"]), self.words)
        scope = fill(str(table.get("out_of_scope", "")), self.words).strip()
        if scope:
            description += "\n\n" + scope
        root: dict[str, Any] = {
            "$schema": DRAFT_07,
            "$id": BASE_URL + schema_file(self.name),
            "title": f"{self.d['title']} training config",
            "description": description,
            "markdownDescription": description,
            "type": "object",
            "x-flash-dialect": self.name,
            "x-flash-version": self.release,
            "x-flash-releases": [r["version"] for r in self.src.releases if r["dialect"] == self.name],
            "x-tombi-toml-version": "v1.0.0",
            "x-flash-catalog": [self._catalog_entry(m) for m in self.models],
            "x-flash-scoping": self.d["scoping"],
            "x-flash-set-lists": self.d.get("set_lists", "split"),
        }
        secrets = self.d.get("secrets")
        if secrets:
            root["x-flash-reserved-secrets"] = sorted(secrets["reserved"])
        owned = self._spec_owned()
        if owned:
            root["x-flash-spec-owned"] = owned
        properties: dict[str, Any] = {}
        members: dict[str, Entry] = {}
        for name in table.get("order", []):
            node, entry = self._top_member(name)
            if node is None or entry is None:
                continue
            properties[name] = node
            members[name] = entry
        root.update(self._required(members, always=True))
        root["properties"] = properties
        root["additionalProperties"] = self._top_unknown(str(table.get("unknown", "strict")), properties)
        root["allOf"] = self._algorithm_blocks() + self._model_blocks() + self._cross_key_blocks()
        root["definitions"] = self._definitions()
        present = self._present_paths(properties)
        root["x-flash-other-releases"] = other_release_notes(self.timeline, self.release, present)
        allowed = {
            "model": [m["id"] for m in self.models],
            "algorithm": self.algorithms,
            "train.teacher_model": list(self.d.get("teachers", {}).get("aliases", [])),
        }
        root["x-flash-other-values"] = {
            key: found
            for key, values in allowed.items()
            if (found := other_release_values(self.timeline, self.release, key, values))
        }
        return root

    def _spec_owned(self) -> dict[str, Any]:
        """The resolved spec's fields Flash fills itself (releases.toml `[dialect.X.spec]`)."""
        spec = self.d.get("spec") or {}
        constants: dict[str, Any] = dict(spec.get("constants", {}))
        constants.update(dict.fromkeys(spec.get("nulls", [])))
        computed = dict.fromkeys(spec.get("sized", []), "sizing")
        computed.update(dict.fromkeys(spec.get("assigned", []), "assigned"))
        out: dict[str, Any] = {}
        if constants:
            out["constants"] = dict(sorted(constants.items()))
        if computed:
            out["computed"] = dict(sorted(computed.items()))
        return out

    def _catalog_entry(self, model: Entry) -> dict[str, Any]:
        out = {k: model[k] for k in ("id", "params", "max_lora_rank", "max_model_len", "min_vram_gb")}
        out["algorithms"] = list(model["algorithms"])
        out["thinking"] = model["thinking"]
        if model["id"] == self.catalog["default"]:
            out["default"] = True
        return out

    def _present_paths(self, properties: Mapping[str, Any], prefix: str = "") -> set[str]:
        out: set[str] = set()
        for key, node in properties.items():
            path = f"{prefix}{key}"
            out.add(path)
            if isinstance(node, Mapping) and isinstance(node.get("properties"), Mapping) and not prefix:
                out |= self._present_paths(node["properties"], path + ".")
        return out

    # -- members -----------------------------------------------------------------------------------

    def _top_member(self, name: str) -> tuple[dict[str, Any] | None, Entry | None]:
        top = self.tables["top"]
        if name in top and name != "table":
            entry = top[name]
            return self._key(entry, (name,)), entry
        if name in self.tables:
            table_entry = self.tables[name].get("table")
            if table_entry is None:
                return None, None
            return self._table(name), table_entry
        return None, None

    def _required(self, members: Mapping[str, Entry], *, always: bool = False) -> dict[str, Any]:
        """JSON Schema's ``required`` for the members marked ``required = true``, with their
        messages and hints (empty, unless ``always``, when none is required)."""
        required = [key for key, entry in members.items() if entry.get("required") is True]
        if not required and not always:
            return {}
        words = {"required_message": "x-flash-message-required", "required_hint": "x-flash-hint-required"}
        out: dict[str, Any] = {"required": required}
        for facet, keyword in words.items():
            out[keyword] = {k: fill(str(members[k][facet]), self.words) for k in required if facet in members[k]}
        return out

    def _table(self, name: str) -> dict[str, Any]:
        entries = self.tables[name]
        meta = entries["table"]
        node = self._key(meta, (name,))
        members = {key: entry for key, entry in entries.items() if key != "table"}
        props = {key: self._key(entry, (name, key)) for key, entry in members.items()}
        node.update(self._required(members))
        if props:
            node["properties"] = props
        unknown = meta.get("unknown")
        if unknown == "closed":
            node["additionalProperties"] = False
        elif unknown == "ignored":
            allowed = ", ".join(props)
            node["additionalProperties"] = {
                "x-flash-lint": [
                    {
                        "x-flash-rule": "ignored-key",
                        "x-flash-message": f"unknown key `{{key}}` in `[{name}]`; Flash ignores it",
                        "x-flash-hint": f"allowed keys: {allowed}",
                        "not": {},
                    }
                ]
            }
        elif unknown == "any":
            node["additionalProperties"] = True
        if meta.get("worker_env_names"):
            node["propertyNames"] = self._worker_env_names()
        return node

    def _key(self, entry: Entry, path: tuple[str, ...]) -> dict[str, Any]:
        """The subschema of one key (or table): JSON Schema facets copied, ours translated."""
        entry = fill_all(entry, {**self.words, "defaults": self._defaults_words(entry)})
        node: dict[str, Any] = {}
        for field in ("title", "description"):
            if field in entry:
                node[field] = entry[field]
        if "description" in entry:
            node["markdownDescription"] = entry["description"]
        if entry.get("catalog"):
            self._model_key(node)
        if entry.get("algorithm"):
            self._algorithm_key(node)
        node.update(self._fragment({k: v for k, v in entry.items() if k not in ("title", "description")}))
        self._number_rules(node, entry)
        applies = entry.get("applies_to")
        if applies is not None and set(applies) != set(self.algorithms):
            node["x-flash-applies-to"] = [a for a in self.algorithms if a in applies]
        if "example_with" in entry:
            node["x-flash-example-with"] = dict(entry["example_with"])
        if "thinking_default" in entry:
            node["x-flash-default-if-thinking"] = entry["thinking_default"]
        defaults = entry.get("defaults")
        if defaults and "default" not in node and self._uniform(defaults):
            node["default"] = defaults[self.algorithms[0]]  # else each algorithm's block states its own
        if entry.get("secret_names"):
            node["items"] = self._secret_items()
        if "spec" in entry:
            node["x-flash-spec"] = copy.deepcopy(entry["spec"])
            if "default" not in node and not entry.get("defaults"):
                text = _formula_text(entry["spec"].get("default"))
                if text:
                    node[kw.DEFAULT_TEXT] = text
        self._data_keywords(node)
        text = releases_text(self.timeline, ".".join(path))
        if text:
            node["x-flash-releases"] = text
        return node

    def _data_keywords(self, node: dict[str, Any]) -> None:
        """Fill custom keywords whose value is data stated elsewhere in the source."""
        if node.get("x-flash-teacher") is True:
            node["x-flash-teacher"] = dict(self.d["teachers"])
        if node.get("x-flash-gpu-class") is True:
            node["x-flash-gpu-class"] = self._gpu_aliases()
        if node.get("x-flash-gpu-pairing") is True:
            node["x-flash-gpu-pairing"] = self._gpu_aliases()
        env = node.get("x-flash-environment-id")
        if isinstance(env, dict):
            node["pattern"] = portable.environment_id_pattern(int(env.get("parts", 2)))
            changed = next((r["version"] for r in self.src.releases if "environment_id_parts" in r), None)
            if changed:
                node["x-flash-environment-id"] = {**env, "changed": changed}

    def _defaults_words(self, entry: Entry) -> str:
        """``{defaults}`` in a description: each algorithm's default, said once per value, so the
        exported schema reads whole in any editor (ours also narrows it to the config's algorithm)."""
        defaults = entry.get("defaults") or {}
        thinking = entry.get("thinking_defaults") or {}
        groups: dict[str, list[str]] = {}
        for algorithm in self.algorithms:
            if algorithm not in defaults:
                continue
            text = f"`{toml_short(defaults[algorithm])}`"
            if algorithm in thinking:
                text += f", `{toml_short(thinking[algorithm])}` with thinking"
            groups.setdefault(text, []).append(algorithm.upper())  # prose names them SFT, GRPO, OPD
        if not groups:
            return "none"
        return "; ".join(f"{text} ({join(names)})" for text, names in groups.items())

    def _number_rules(self, node: dict[str, Any], entry: Entry) -> None:
        kind = node.get("type")
        if kind == "number":
            node.setdefault("x-flash-finite", True)
        if isinstance(kind, str) and kind in _TYPE_MESSAGES:
            node.setdefault("x-flash-message-type", _TYPE_MESSAGES[kind])
        if kind == "integer":
            if entry.get("integer") == "strict":
                return  # a TOML integer only: `_fragment` wrote x-flash-toml-integer
            if self.d.get("float_exact"):
                node.setdefault("x-flash-float-exact", True)
            # Flash takes a whole float (`16.0`) for these; TOML tools (tombi) read `type: integer`
            # as "a TOML integer", so the portable spelling is a whole number.  "integer" stays in
            # the list (JSON Schema reads the pair as "number"): tombi matches a TOML integer only
            # against `integer`, and without it shows no hover or completion for `group_size = 8`.
            node["type"] = ["integer", "number"]
            node["multipleOf"] = 1
            node["x-flash-type"] = "integer"
            node.setdefault("x-flash-message-multipleOf", "`{path}` must be a finite integer, not {value}")

    def _fragment(self, source: Mapping[str, Any]) -> dict[str, Any]:
        """Translate source facets of a (sub)schema into JSON Schema + ``x-flash-*`` keywords."""
        out: dict[str, Any] = {}
        for key, value in source.items():
            if key in _KEYWORD_FACETS:
                out[_KEYWORD_FACETS[key]] = value
            elif key == "messages":
                for keyword, text in value.items():
                    out[f"x-flash-message-{keyword}"] = text
            elif key == "lint":
                out["x-flash-lint"] = [self._fragment(f) for f in value]
            elif key == "integer":
                if value == "strict":
                    out["x-flash-toml-integer"] = True
            elif key == "required" and isinstance(value, list):
                out[key] = list(value)  # JSON Schema's `required` (the facet is `required = true`)
            elif key in _FACETS:
                continue
            elif key in ("items", "additionalProperties", "not", "if", "then", "else") and isinstance(value, Mapping):
                out[key] = self._fragment(value)
            elif key in ("properties", "definitions") and isinstance(value, Mapping):
                out[key] = {k: self._fragment(v) for k, v in value.items()}
            elif key in ("anyOf", "allOf", "oneOf") and isinstance(value, list):
                out[key] = [self._fragment(v) for v in value]
            else:
                out[key] = copy.deepcopy(value)
        if isinstance(out.get("description"), str) and "markdownDescription" not in out:
            out["markdownDescription"] = out["description"]  # what VS Code's hover shows
        return out


def build_schema(source: Source, dialect: str) -> dict[str, Any]:
    """One dialect's schema as a JSON-able dict."""
    if dialect not in source.dialects:
        msg = f"unknown dialect {dialect!r}"
        raise SourceError(msg)
    schema = _Builder(source, dialect).build()
    portable.add_shadows(schema)
    return schema


def _formula_text(formula: Any) -> str | None:
    """A spec's computed default in words: ``{of = "train.lora_rank", times = 2}`` -> "2 × `lora_rank`"."""
    if not isinstance(formula, Mapping) or "of" not in formula:
        return None
    text = f"`{str(formula['of']).rsplit('.', 1)[-1]}`"
    if "times" in formula:
        text = f"{formula['times']} × {text}"
    if isinstance(formula.get("plus"), int | float):
        text += f" + {formula['plus']}"
    if "at_least" in formula:
        text += f", at least {formula['at_least']}"
    return text
