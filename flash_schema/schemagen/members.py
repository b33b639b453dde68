"""Schema members whose shape comes from dialect data: `model` (the catalog), `algorithm`, the
secret and `[worker_env]` name rules, GPU aliases, and what an unknown top-level key is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flash_schema.schemagen.common import BuilderBase, Entry, join, json_class, text_or_falsy
from flash_schema.schemagen.portable import ascii_case, lower_of


class MembersMixin(BuilderBase):
    def _model_key(self, node: dict[str, Any]) -> None:
        node["enum"] = [m["id"] for m in self.models]
        node["enumDescriptions"] = [
            f"{m['params']} parameters; LoRA rank up to {m['max_lora_rank']}; serving context "
            f"{m['max_model_len']} tokens" + self._model_extra(m)
            for m in self.models
        ]
        node["x-taplo"] = {
            "docs": {
                "enumValues": [f"{m['params']} parameters; LoRA rank up to {m['max_lora_rank']}" for m in self.models]
            }
        }
        node["examples"] = [self.catalog["default"]]

    def _model_extra(self, model: Entry) -> str:
        extra = []
        if set(model["algorithms"]) != set(self.algorithms):
            extra.append(join(list(model["algorithms"])) + " only")
        if model["thinking"] == "none":
            extra.append("no thinking mode")
        return "; " + "; ".join(extra) if extra else ""

    def _algorithm_key(self, node: dict[str, Any]) -> None:
        algos = self.algorithms
        quoted = join([f'"{a}"' for a in algos], "or")
        node["x-flash-enum"] = list(algos)
        node["enumDescriptions"] = [self.src.algorithms[a] for a in algos]
        node["allOf"] = [
            {
                "anyOf": text_or_falsy("^(?:" + "|".join(lower_of(a) for a in algos) + ")?$"),
                "x-flash-message": f"`algorithm` must be {quoted}",
                "x-flash-rule": "invalid-algorithm",
            },
            {
                "x-flash-lint": [
                    {
                        "enum": list(algos),
                        "x-flash-rule": "non-canonical-algorithm",
                        "x-flash-message": f"Flash reads `algorithm = {{value}}` as {{meaning}}; write it as {quoted}",
                    }
                ]
            },
        ]

    def _secret_items(self) -> dict[str, Any]:
        secrets = self.d["secrets"]
        reserved = list(secrets["reserved"])
        not_reserved: dict[str, Any]
        if secrets.get("case_insensitive"):
            not_reserved = {"pattern": "^(?:" + "|".join(ascii_case(r) for r in reserved) + ")$"}
        else:
            not_reserved = {"enum": sorted(reserved)}
        items: dict[str, Any] = {
            "type": "string",
            "allOf": [
                {"$ref": "#/definitions/envVarName"},
                {
                    "not": not_reserved,
                    "x-flash-rule": "reserved-secret",
                    "x-flash-message": "{value} is a platform-managed secret name; Flash provides it itself",
                },
            ],
        }
        if secrets.get("case_insensitive"):
            items["x-flash-reserved-names"] = sorted(reserved)
        return items

    def _worker_env_names(self) -> dict[str, Any]:
        rules = self.d["worker_env"]
        control = self.d.get("worker_env_reserved") or {}
        reserved = control.get("names", [])
        secret = "|".join(ascii_case(p) for p in rules["secret_parts"])
        key_with = "|".join(ascii_case(p) for p in rules["key_parts"])
        return {
            "allOf": [
                {"$ref": "#/definitions/envVarName"},
                {
                    "not": {
                        "anyOf": [
                            {"pattern": f"(?:^|_)(?:{secret})(?:_|$)"},
                            {
                                "allOf": [
                                    {"pattern": f"(?:^|_)(?:{ascii_case('KEY')})(?:_|$)"},
                                    {"pattern": f"(?:^|_)(?:{key_with})(?:_|$)"},
                                ]
                            },
                        ]
                    },
                    "x-flash-rule": "secret-key-name",
                    "x-flash-message": "{value} looks like a credential name; `[worker_env]` is stored in run "
                    "artifacts, so Flash rejects it",
                    "x-flash-hint": "list the name in `[environment] secrets` and set its value in your shell "
                    "or `.env`",
                },
                *(
                    [
                        {
                            "not": {"pattern": "^(?:" + "|".join(ascii_case(r) for r in reserved) + ")$"},
                            "x-flash-rule": "reserved-secret",
                            "x-flash-message": control["message"],
                            "x-flash-hint": control["hint"],
                            "x-flash-reserved-names": list(reserved),
                        }
                    ]
                    if reserved
                    else []
                ),
            ]
        }

    def _definitions(self) -> dict[str, Any]:
        secrets = self.d["secrets"]
        chars = "".join(json_class(c) for c in secrets["invalid_chars"])
        return {
            "envVarName": {
                "minLength": 1,
                "not": {"pattern": f"[{chars}]"},
                "x-flash-rule": "invalid-env-var-name",
                "x-flash-message": "{valuerepr} is not a valid environment variable name (it must be non-empty and "
                f"contain no {secrets['invalid_words']})",
            }
        }

    def _gpu_aliases(self) -> dict[str, Any]:
        """Flash's GPU alias table: as shipped (`alias_table`), or generated the way
        ``flash/providers/core/base.py`` generates it from the class names."""
        gpu = self.d["gpu"]
        classes = [c[0] for c in gpu["classes"]]
        if "alias_table" in gpu:
            aliases = dict(gpu["alias_table"])
        else:
            targets: dict[str, set[str]] = {}
            for name, provider_name in gpu["classes"]:
                for spelling in (name, provider_name):
                    base = spelling.lower()
                    keys = {base, base.replace(" ", ""), base.replace(" ", "_"), base.replace(" ", "-")}
                    if base.startswith("rtx "):
                        tail = base[4:]
                        keys |= {tail, tail.replace(" ", ""), tail.replace(" ", "_")}
                    keys.add(f"nvidia {base}")
                    for key in keys:
                        targets.setdefault(key, set()).add(name)
            aliases = {k: next(iter(v)) for k, v in targets.items() if len(v) == 1}
            aliases.update(gpu.get("aliases", {}))
        out: dict[str, Any] = {"classes": classes, "aliases": dict(sorted(aliases.items()))}
        if "class_providers" in gpu:
            out["providers"] = dict(gpu["class_providers"])
        return out

    def _top_unknown(self, mode: str, properties: Mapping[str, Any]) -> Any:
        # the tables a config may use: a deprecated one (0.2.43's ignored [gpu]) is not offered
        tables = [
            k
            for k, v in properties.items()
            if isinstance(v, Mapping) and v.get("type") == "object" and not v.get("deprecated")
        ]
        listed = ", ".join(f"[{t}]" for t in sorted(tables))
        if mode == "lax":
            return {
                "if": {"type": "object"},
                "then": {"x-flash-rule": "unknown-table", "not": {}, "x-flash-hint": f"allowed tables: {listed}"},
                "else": {"x-flash-lint": [{"x-flash-rule": "ignored-top-level-key", "not": {}}]},
            }
        return False
