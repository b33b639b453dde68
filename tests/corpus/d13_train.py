"""Flash 1.3 corpus, part 3: [train] rules by algorithm: scoping, GRPO shape, prompt budgets, teachers,
structured outputs, credit assignment, stop sequences."""

from __future__ import annotations

from . import shared_rules as shared
from .d13_base import full_doc, grpo_doc, opd_doc, sft_doc
from .toml_doc import Builder, TomlValue, slug, v

# Knobs SFT cannot use, with a value that normalises to the default (passes) and one that does not.
SFT_INAPPLICABLE: dict[str, tuple[tuple[str, TomlValue], ...]] = {
    "structured_outputs": (("false", False), ("empty", ""), ("none", "none"), ("json", "json")),
    "group_size": (("8", 8),),
    "temperature": (("1.0", 1.0), ("neg", -1)),
    "max_completion_tokens": (("256", 256),),
    "kl_penalty_coef": (("0.0", 0.0),),
    "thinking_length_penalty_coef": (("0.0", 0.0),),
    "teacher_model": (("empty", ""), ("glm", "glm-5.3"), ("unknown", "gpt-4")),
    "credit_assignment": (
        ("per_episode", "per_episode"),
        ("padded", " PER_EPISODE "),
        ("blank", ""),
        ("per_turn", "per_turn"),
    ),
    "stop_sequences": (("empty-list", []), ("empty-string", ""), ("list-of-empty", [""]), ("list", ["</s>"])),
}


def _scoping(b: Builder) -> None:
    for key, variants in SFT_INAPPLICABLE.items():
        for name, value in variants:
            b.add(f"scope/sft/{key}/{name}", sft_doc().with_value("train", key, value))
    opd = opd_doc()
    b.each(
        "scope/opd/thinking_length_penalty_coef",
        opd,
        "train",
        "thinking_length_penalty_coef",
        v({"0.0": 0.0, "0.5": 0.5}),
    )
    b.each(
        "scope/opd/credit_assignment",
        opd,
        "train",
        "credit_assignment",
        v({"per_episode": "per_episode", "per_turn": "per_turn"}),
    )
    b.each("scope/grpo/teacher_model", grpo_doc(), "train", "teacher_model", v({"empty": "", "glm": "glm-5.3"}))
    b.add(
        "scope/sft/knob-then-missing-environment",
        sft_doc().without("environment").with_value("train", "temperature", 1.0),
    )


def _grpo_shape(b: Builder) -> None:
    grpo = grpo_doc()
    b.each(
        "grpo-shape/group_size",
        grpo,
        "train",
        "group_size",
        v(
            {
                "ok-2": 2,
                "ok-4": 4,
                "ok-8": 8,
                "bad-16-default-pps": 16,
                "bad-1": 1,
                "bad-3": 3,
                "bad-32": 32,
                "bad-8.0": 8.0,
                "bad-str": "8",
            }
        ),
    )
    b.add("grpo-shape/group_size/ok-16-pps-32", grpo.with_values("train", {"group_size": 16, "prompts_per_step": 32}))
    b.add("grpo-shape/group_size/bad-16-pps-33", grpo.with_values("train", {"group_size": 16, "prompts_per_step": 33}))
    b.each(
        "grpo-shape/prompts_per_step",
        grpo,
        "train",
        "prompts_per_step",
        v({"ok-64": 64, "ok-1": 1, "bad-65": 65, "bad-0": 0, "bad-neg": -1, "bad-8.0": 8.0, "bad-str": "8"}),
    )
    for pps, group in ((128, 4), (256, 2), (257, 2), (512, 1), (64, 8), (65, 8)):
        b.add(
            f"grpo-shape/product/{pps}x{group}",
            grpo.with_values("train", {"prompts_per_step": pps, "group_size": group}),
        )
    b.add("grpo-shape/before-unknown-gpu-key", grpo.with_value("train", "group_size", 3).with_table("gpu", {"x": 1}))
    opd = opd_doc()
    b.each(
        "opd-shape",
        opd,
        "train",
        "group_size",
        v({"ok-1": 1, "ok-3.0": 3.0, "ok-3": 3, "bad-0": 0}),
    )
    b.add("opd-shape/prompts_per_step-0", opd.with_value("train", "prompts_per_step", 0))
    b.add("opd-shape/prompts_per_step-100", opd.with_value("train", "prompts_per_step", 100))


def _budgets(b: Builder) -> None:
    for algorithm, default in (("grpo", 320), ("opd", 512)):
        doc = grpo_doc() if algorithm == "grpo" else opd_doc()
        completions = ((1000, 1000), (1001, 1000), (100, 2000))
        shared.prompt_budgets(b, f"budget/{algorithm}", doc, (default, default + 1), (1536, 1537), completions)
        b.add(f"budget/{algorithm}/completion-only", doc.with_value("train", "max_completion_tokens", 9000))
    b.add("budget/sft/context-1", sft_doc().with_value("train", "max_context_tokens", 1))
    b.add("budget/sft/thinking-context-1", sft_doc(thinking=True).with_value("train", "max_context_tokens", 1))
    b.each(
        "opd-kl",
        opd_doc(),
        "train",
        "kl_penalty_coef",
        v({"bad-0": 0, "bad-0.0": 0.0, "ok-1e-3": 1e-3, "bad-neg": -1.0}),
    )
    b.add("grpo-kl/ok-0", grpo_doc().with_value("train", "kl_penalty_coef", 0))
    b.add(
        "opd-kl/zero-and-budget",
        opd_doc().with_values("train", {"kl_penalty_coef": 0, "max_context_tokens": 10}),
    )


TEACHERS = ("kimi-k3", "glm-5.3", "deepseek-v4.1-flash-1017", "qwen3.8-27b", "qwen3.5-397b-a17b", "qwen3-vl-235b")


def _teachers(b: Builder) -> None:
    opd = opd_doc()
    for name in TEACHERS:
        b.add(f"teacher/ok/{name}", opd.with_value("train", "teacher_model", name))
    variants: dict[str, TomlValue] = {
        "ok-spaced": " GLM_5.3 ",
        "ok-words": "Kimi K3",
        "ok-blank": "  ",
        "ok-upper": "QWEN3-VL-235B",
        "ok-dashes": "glm--5.3",
        "bad-glm-5.2": "glm-5.2",
        "bad-deepseek-v4-pro": "deepseek-v4-pro",
        "bad-kimi-k2.6": "kimi-k2.6",
        "bad-parasail": "parasail-glm-53",
        "bad-fireworks": "accounts/fireworks/models/glm-5p2",
        "bad-gpt-4": "gpt-4",
        "bad-int": 5,
        "bad-array": ["glm-5.3"],
    }
    b.each("teacher", opd, "train", "teacher_model", variants)


STRUCTURED: dict[str, TomlValue] = {
    "ok-false": False,
    "ok-empty": "",
    "ok-none": "none",
    "ok-json": "json",
    "ok-JSON_OBJECT": "JSON_OBJECT",
    "ok-json-string": '{"type": "object"}',
    "ok-json-string-regex": '{"regex": "[a-z]+"}',
    "bad-json-string-array": "[1, 2]",
    "bad-unparseable": "yes please",
    "bad-true": True,
    "bad-int": 1,
    "bad-list": ["json"],
    "ok-table-json": {"json": {"type": "object"}},
    "ok-table-schema-alias": {"schema": {"type": "object"}},
    "ok-table-json_schema-alias": {"json_schema": {"type": "string"}},
    "bad-alias-twice": {"json": {"type": "object"}, "json_schema": {"type": "object"}},
    "ok-regex": {"regex": "[0-9]+"},
    "bad-regex-blank": {"regex": " "},
    "ok-choice": {"choice": ["a", "b"]},
    "ok-choices-alias": {"choices": ["yes", "no"]},
    "bad-choice-empty": {"choice": []},
    "bad-choice-empty-entry": {"choice": ["a", ""]},
    "ok-json_object": {"json_object": True},
    "bad-json_object-false": {"json_object": False},
    "bad-grammar": {"grammar": "root ::= 'a'"},
    "bad-structural_tag": {"structural_tag": {"x": 1}},
    "ok-bare-schema": {"type": "object", "properties": {"a": {"type": "string"}}},
    "ok-empty-table": {},
    "bad-option-only": {"disable_any_whitespace": True},
    "bad-schema-and-option": {"type": "object", "disable_any_whitespace": True},
    "bad-unknown-key": {"json": {"type": "object"}, "foo": 1},
    "bad-two-constraints": {"regex": "a", "choice": ["a"]},
    "ok-json-with-option": {"json": {"type": "object"}, "disable_any_whitespace": True},
    "bad-option-not-bool": {"json": {"type": "object"}, "disable_any_whitespace": "yes"},
    "bad-whitespace_pattern": {"json": {"type": "object"}, "whitespace_pattern": "[ ]*"},
    "bad-regex-with-option": {"regex": "a+", "disable_any_whitespace": True},
    "ok-regex-with-false-option": {"regex": "a+", "disable_any_whitespace": False},
    "ok-dap": {
        "json": {"type": "object", "properties": {"a": {"type": "string"}}},
        "disable_additional_properties": True,
    },
    "bad-dap-oneOf": {
        "json": {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
        "disable_additional_properties": True,
    },
    "bad-dap-ref": {"json": {"type": "object", "$ref": "#/definitions/x"}, "disable_additional_properties": True},
    "ok-oneOf-without-dap": {"json": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
    "bad-json-not-table": {"json": 5},
    "ok-json-as-string": {"json": '{"type": "object"}'},
    "bad-json-string-invalid": {"json": "{not json"},
}


def _structured_outputs(b: Builder) -> None:
    b.each("structured/grpo", grpo_doc(), "train", "structured_outputs", STRUCTURED)
    opd = opd_doc()
    for name in ("ok-json", "ok-regex", "bad-grammar", "bad-two-constraints"):
        b.add(f"structured/opd/{name}", opd.with_value("train", "structured_outputs", STRUCTURED[name]))
    thinking = grpo_doc(thinking=True).with_value("train", "max_context_tokens", 4096)
    b.add("structured/grpo-thinking/json", thinking.with_value("train", "structured_outputs", "json"))
    b.add(
        "structured/table-section",
        grpo_doc().with_table("train.structured_outputs", {"regex": "[a-z]+"}),
    )
    b.add("structured/table-section-empty", grpo_doc().with_table("train.structured_outputs"))


def _credit_and_stops(b: Builder) -> None:
    grpo = grpo_doc()
    credit = v(
        {
            "ok-per_episode": "per_episode",
            "ok-per_turn": "per_turn",
            "ok-upper": "PER_TURN",
            "ok-padded": " per_turn ",
            "ok-blank": " ",
            "bad-per_step": "per_step",
            "bad-per-turn-dash": "per-turn",
            "bad-int": 1,
            "bad-bool": True,
        }
    )
    b.each("credit/grpo", grpo, "train", "credit_assignment", credit)
    b.each("stop_sequences/grpo", grpo, "train", "stop_sequences", shared.STOP_SEQUENCES)
    b.add("stop_sequences/opd/list", opd_doc().with_value("train", "stop_sequences", ["</s>"]))


def _full_mixes(b: Builder) -> None:
    """Valid configs that touch many rules at once, by model and algorithm."""
    for algorithm in ("grpo", "opd"):
        doc = full_doc(algorithm).with_table("gpu", {"count": 2, "provider": "modal"})
        b.add(f"mix/{algorithm}/gpu-and-wandb", doc)
        b.add(
            f"mix/{algorithm}/thinking",
            doc.with_value("", "thinking", True).with_value("train", "max_context_tokens", 4096),
        )
        b.add(
            f"mix/{algorithm}/warm-start",
            doc.without("train", "lora_rank")
            .without("train", "lora_alpha")
            .with_value("train", "init_from_adapter", "base-run/step-100"),
        )
    sft = full_doc("sft").with_values("train", {"max_steps": 200, "save_at_steps": [50, 100, 200]})
    b.add("mix/sft/checkpoints", sft)
    b.add(
        "mix/sft/warm-start",
        sft.without("train", "lora_rank")
        .without("train", "lora_alpha")
        .with_value("train", "init_from_adapter", "base-run/final"),
    )
    for model in ("Qwen/Qwen3.5-4B", "Qwen/Qwen3.8-27B"):
        b.add(
            f"mix/grpo-structured/{slug(model)}",
            grpo_doc(model).with_value("train", "structured_outputs", {"choice": ["A", "B"]}),
        )


FAMILIES = (_scoping, _grpo_shape, _budgets, _teachers, _structured_outputs, _credit_and_stops, _full_mixes)
