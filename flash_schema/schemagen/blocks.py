"""The conditional blocks of a dialect's schema, derived from data: per algorithm (defaults, knobs
another algorithm uses, budgets, GRPO's rollout shape), per model (the catalog's caps, algorithms
and thinking) and across keys (a warm start's conflicts)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flash_schema import keywords as kw
from flash_schema.schemagen.common import BuilderBase, Entry, fill, fill_all, join, text_or_falsy
from flash_schema.schemagen.portable import ascii_case, lower_of


class BlocksMixin(BuilderBase):
    def _algorithm_test(self, algorithm: str) -> dict[str, Any]:
        # Flash lowercases `algorithm`, and reads it unset, blank or falsy as its default
        if algorithm == self.tables["top"]["algorithm"].get("default"):
            falsy = text_or_falsy("^(?:" + lower_of(algorithm) + ")?$")
            return {"anyOf": [{"not": {"required": ["algorithm"]}}, {"properties": {"algorithm": {"anyOf": falsy}}}]}
        return {
            "properties": {"algorithm": {"type": "string", "pattern": f"^{lower_of(algorithm)}$"}},
            "required": ["algorithm"],
        }

    def _algorithm_blocks(self) -> list[dict[str, Any]]:
        blocks = []
        for algorithm in self.algorithms:
            then = self._algorithm_then(algorithm)
            blocks.append(
                {"if": self._algorithm_test(algorithm), "then": then, "x-flash-when": {"algorithm": algorithm}}
            )
        return blocks

    def _algorithm_then(self, algorithm: str) -> dict[str, Any]:
        train_props: dict[str, Any] = {}
        required_train: list[str] = []
        req_messages: dict[str, str] = {}
        req_hints: dict[str, str] = {}
        for key, raw in self.tables["train"].items():
            if key == "table":
                continue
            entry = fill_all(raw, self.words)
            part: dict[str, Any] = {}
            defaults = entry.get("defaults") or {}
            if algorithm in defaults and not self._uniform(defaults):
                part["default"] = defaults[algorithm]
            thinking = entry.get("thinking_defaults") or {}
            if algorithm in thinking:
                part["x-flash-default-if-thinking"] = thinking[algorithm]
            applies = entry.get("applies_to")
            if applies is not None and algorithm not in applies:
                part.update(self._inapplicable(entry, algorithm, list(applies)))
            when = (entry.get("when") or {}).get(algorithm)
            if when:
                part.update(self._fragment(when))
            if algorithm in entry.get("required_for", []):
                required_train.append(key)
                req_messages[key] = str(entry.get("required_message", ""))
                req_hints[key] = str(entry.get("required_hint", ""))
            if part:
                train_props[key] = part
        then: dict[str, Any] = {}
        if train_props:
            then["properties"] = {"train": {"properties": train_props}}
        if required_train:
            train = then.setdefault("properties", {}).setdefault("train", {})
            train["required"] = required_train
            train["x-flash-message-required"] = req_messages
            train["x-flash-hint-required"] = req_hints
            table = fill_all(self.tables["train"]["table"], self.words)
            then["required"] = ["train"]
            then["x-flash-message-required"] = {"train": table["required_message"]}
            then["x-flash-hint-required"] = {"train": table["required_hint"]}
        extra = (self.d.get("algorithm_rules") or {}).get(algorithm)
        if extra:
            then.update(copy.deepcopy(extra))
        if then.get(kw.GRPO_LENGTH) is True:  # the completion it must leave room for: max_tokens' defaults
            completion = self.tables["train"]["max_tokens"]
            then[kw.GRPO_LENGTH] = {"completion": completion["default"], "thinking": completion["thinking_default"]}
        if algorithm in self.d.get("budget", []):
            completion = self.tables["train"].get("max_completion_tokens", {})
            then["x-flash-prompt-budget"] = {
                "algorithm": algorithm,
                "completion": completion["defaults"][algorithm],
                "thinking": completion["thinking_defaults"][algorithm],
            }
        if algorithm == "grpo" and "grpo" in self.d:
            then.setdefault("allOf", []).extend(self._grpo_shape())
        secrets = self.d.get("secrets", {})
        reserved = (secrets.get("reserved_for") or {}).get(algorithm)
        if reserved:
            env = then.setdefault("properties", {}).setdefault("environment", {}).setdefault("properties", {})
            env["secrets"] = {
                "items": {
                    "not": {"type": "string", "pattern": "^(?:" + "|".join(ascii_case(r) for r in reserved) + ")$"},
                    "x-flash-rule": "reserved-secret",
                    "x-flash-message": fill(secrets["reserved_for_message"], {"algorithm": algorithm}),
                    "x-flash-reserved-names": sorted(reserved),
                }
            }
        return then

    def _grpo_shape(self) -> list[dict[str, Any]]:
        """GRPO's rollout shape as portable if/then blocks: the product of the two is bounded."""
        grpo = self.d["grpo"]
        sizes: list[int] = list(grpo["group_sizes"])
        limit = int(grpo["max_rollouts"])
        train = self.tables["train"]
        default_group = int(train["group_size"]["defaults"]["grpo"])
        default_prompts = int(train["prompts_per_step"]["defaults"]["grpo"])
        blocks: list[dict[str, Any]] = [
            {
                "properties": {
                    "train": {
                        "properties": {
                            "group_size": {
                                "enum": sizes,
                                "x-flash-toml-integer": True,
                                "x-flash-rule": "grpo-rollout-shape",
                                "x-flash-message": f"`train.group_size` must be {join([str(s) for s in sizes], 'or')} "
                                "for GRPO, not {value}",
                            },
                            "prompts_per_step": {"x-flash-toml-integer": True},
                        }
                    }
                }
            }
        ]

        def cap(group: int, present: bool) -> dict[str, Any]:
            most = limit // group
            node: dict[str, Any] = {
                "maximum": most,
                "x-flash-rule": "grpo-rollout-shape",
                "x-flash-message": f"`train.prompts_per_step` × `group_size` must be at most {limit} for GRPO (got "
                f"{{value}} × {group})",
                "x-flash-hint": f"lower `prompts_per_step` to {most} or less"
                + ("" if present else ", or set `group_size`"),
            }
            train_then: dict[str, Any] = {"properties": {"prompts_per_step": node}}
            if default_prompts > most:
                train_then["x-flash-rule"] = "grpo-rollout-shape"
                train_then["required"] = ["prompts_per_step"]
                train_then["x-flash-message-required"] = {
                    "prompts_per_step": f"`group_size = {group}` needs `prompts_per_step` of at most {most} in "
                    f"`[train]` (the default {default_prompts} × {group} exceeds {limit})"
                }
                train_then["x-flash-hint-required"] = {"prompts_per_step": f"add `prompts_per_step = {most}`"}
            return {"properties": {"train": train_then}}

        for group in sizes:
            blocks.append(
                {
                    "if": {
                        "properties": {
                            "train": {"properties": {"group_size": {"const": group}}, "required": ["group_size"]}
                        },
                        "required": ["train"],
                    },
                    "then": cap(group, True),
                }
            )
        blocks.append(
            {
                "if": {"properties": {"train": {"not": {"required": ["group_size"]}}}, "required": ["train"]},
                "then": cap(default_group, False),
            }
        )
        return blocks

    def _uniform(self, defaults: Mapping[str, Any]) -> bool:
        """Every algorithm has the same default (the key's own `default`, not per algorithm)."""
        return all(a in defaults for a in self.algorithms) and len({repr(defaults[a]) for a in self.algorithms}) == 1

    def _inapplicable(self, entry: Entry, algorithm: str, applies: list[str]) -> dict[str, Any]:
        if entry.get("scope") == "when":
            return {}  # the key's own `when` fragments say what the other algorithms get
        group = next((n for n, g in self.src.algorithm_groups.items() if set(g["algorithms"]) == set(applies)), None)
        if self.d["scoping"] == "ignored":
            code = (group or "-".join(applies)) + "-only-key"
            lint: dict[str, Any] = {"x-flash-rule": code, "not": {}, "x-flash-args": {"algorithm": algorithm}}
            if "inapplicable_hint" in entry:
                lint["x-flash-hint"] = entry["inapplicable_hint"]
            return {"x-flash-lint": [lint]}
        reason = (entry.get("reason") or {}).get(algorithm, "")
        applies_words = self.src.algorithm_groups[group]["words"] if group else " and ".join(applies)
        out: dict[str, Any] = {
            "x-flash-rule": "inapplicable-key",
            "x-flash-args": {"applies": applies_words, "reason": reason, "algorithm": algorithm},
        }
        if entry.get("scope") == "presence":
            out["not"] = {}
            out["x-flash-message"] = f"`{{path}}` does not apply to {algorithm}: {reason}"
            if entry.get("rename_to"):
                out["x-flash-args"]["rename"] = entry["rename_to"]
        elif "unset" in entry:
            # Accepted only in one of the spellings Flash reads as "unset" (its default).
            out.update(self._fragment(entry["unset"]))
            out["x-flash-message"] = "`{path}` only applies to {applies}; {reason}"
        else:
            out["not"] = {}
            out["x-flash-message"] = "`{path}` only applies to {applies}; {reason}"
        return out

    def _model_blocks(self) -> list[dict[str, Any]]:
        blocks = []
        length_key = next((k for k, e in self.tables["train"].items() if e.get("serving_context")), None)
        for model in self.models:
            mid = str(model["id"])
            cap = int(model["max_lora_rank"])
            train: dict[str, Any] = {
                "lora_rank": {
                    "maximum": cap,
                    "x-flash-rule": "lora-rank-cap",
                    "x-flash-message": f"`train.lora_rank` = {{value}} exceeds {mid}'s serving limit of {cap}",
                    "x-flash-hint": f"lower `lora_rank` to {cap} or less",
                }
            }
            if length_key is not None:
                limit = int(model["max_model_len"])
                train[length_key] = {
                    "x-flash-lint": [
                        {
                            "maximum": limit,
                            "x-flash-rule": "exceeds-serving-context",
                            "x-flash-message": f"`train.{length_key}` = {{value}} exceeds {mid}'s serving context of "
                            f"{limit} tokens; Flash's service rejects it when you submit",
                            "x-flash-hint": f"lower `{length_key}` to {limit} or less",
                        }
                    ]
                }
            then: dict[str, Any] = {"properties": {"train": {"properties": train}}}
            missing = [a for a in self.algorithms if a not in model["algorithms"]]
            if missing:
                then["properties"]["algorithm"] = {
                    "not": {"type": "string", "pattern": "^(?:" + "|".join(lower_of(a) for a in missing) + ")$"},
                    "x-flash-rule": "model-algorithm",
                    "x-flash-message": f"{mid} supports {', '.join(model['algorithms'])}, not {{lowered}}",
                    "x-flash-hint": "pick a model that supports this algorithm (see the catalog)",
                }
            if model["thinking"] == "none":
                then["properties"]["thinking"] = {
                    "not": {"const": True},
                    "x-flash-rule": "model-thinking",
                    "x-flash-message": f"{mid} does not support thinking mode "
                    "(its chat template has no <think> support)",
                    "x-flash-hint": "set `thinking = false`, or pick a thinking-capable model",
                }
            cond: dict[str, Any] = {"properties": {"model": {"const": mid}}, "required": ["model"]}
            if self.d.get("warm_start_skips_rank_cap"):
                cond["not"] = self._warm_start()
            blocks.append({"if": cond, "then": then, "x-flash-when": {"model": mid}})
        return blocks

    def _warm_start(self) -> dict[str, Any]:
        return {
            "properties": {
                "train": {
                    "properties": {"init_from_adapter": {"type": "string", "pattern": "\\S"}},
                    "required": ["init_from_adapter"],
                }
            },
            "required": ["train"],
        }

    def _cross_key_blocks(self) -> list[dict[str, Any]]:
        blocks = [copy.deepcopy(b) for b in self.d.get("cross_key", [])]
        conflicts = self.d.get("warm_start_conflicts", [])
        if conflicts:
            props = {
                key: {
                    "not": {},
                    "x-flash-rule": "adapter-conflict",
                    "x-flash-message": f"`train.{key}` cannot be set with `init_from_adapter`: the source adapter's "
                    f"{key.split('_')[-1]} is authoritative",
                }
                for key in conflicts
            }
            blocks.append({"if": self._warm_start(), "then": {"properties": {"train": {"properties": props}}}})
        return blocks
