"""Flash 1.0 corpus, part 3: [train] rules by algorithm: SFT row count, GRPO group size, OPD budget and
KL, teachers, structured outputs, stop sequences, knobs of other algorithms (1.0 does not scope them)."""

from __future__ import annotations

from . import shared_rules as shared
from .d10_base import full_doc, grpo_doc, opd_doc, sft_doc
from .d13_train import STRUCTURED
from .toml_doc import Builder, TomlValue, v


def _max_examples(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    shared.max_examples(b, sft, grpo)
    b.add("max_examples/opd-zero", opd_doc().with_value("train", "max_examples", 0))
    b.add("max_examples/sft-top-level", sft.without("train").with_value("", "max_examples", 5))


def _algorithm_rules(b: Builder) -> None:
    grpo, opd = grpo_doc(), opd_doc()
    b.each(
        "grpo/group_size",
        grpo,
        "train",
        "group_size",
        v({"bad-1": 1, "ok-2": 2, "ok-3": 3, "ok-64": 64, "ok-2.0": 2.0}),
    )
    b.each("opd/group_size", opd, "train", "group_size", v({"ok-1": 1, "bad-0": 0}))
    b.each("opd/kl", opd, "train", "kl_penalty_coef", v({"bad-0": 0, "bad-0.0": 0.0, "ok-1e-3": 1e-3}))
    b.add("grpo/kl-0", grpo.with_value("train", "kl_penalty_coef", 0))
    shared.prompt_budgets(b, "opd/budget", opd, (512, 513, 1), (1536, 1537), ((1000, 1000), (1001, 1000)))
    shared.prompt_budgets(b, "grpo/budget", grpo, (320,), (), ((100, 2000),))
    # No algorithm scoping in 1.0: rollout knobs under SFT, teachers under GRPO/SFT...
    knobs: dict[str, TomlValue] = {
        "temperature": 0.7,
        "group_size": 8,
        "max_completion_tokens": 256,
        "kl_penalty_coef": 0.1,
        "thinking_length_penalty_coef": 0.5,
        "stop_sequences": ["</s>"],
        "advantage_clip": 0.2,
        "teacher_model": "kimi-k2.6",
    }
    for key, value in knobs.items():
        b.add(f"unscoped/sft/{key}", sft_doc().with_value("train", key, value))
    b.add("unscoped/grpo/teacher_model", grpo.with_value("train", "teacher_model", "deepseek-v4-pro"))
    b.add("unscoped/grpo/teacher_model-bad", grpo.with_value("train", "teacher_model", "gpt-4"))


TEACHERS: dict[str, TomlValue] = {
    "ok-glm-5.2": "glm-5.2",
    "ok-deepseek-v4-pro": "deepseek-v4-pro",
    "ok-kimi-k2.6": "kimi-k2.6",
    "ok-spaced": " GLM 5.2 ",
    "ok-underscore": "glm_5.2",
    "ok-upper": "KIMI-K2.6",
    "ok-fireworks-id": "accounts/fireworks/models/glm-5p2",
    "ok-fireworks-kimi": "accounts/fireworks/models/kimi-k2p6",
    "ok-blank": "  ",
    "bad-fireworks-padded-case": "Accounts/fireworks/models/glm-5p2",
    "bad-glm-5p1": "accounts/fireworks/models/glm-5p1",
    "bad-glm-5.3": "glm-5.3",
    "bad-gpt-4": "gpt-4",
    "bad-int": 5,
}


def _teachers(b: Builder) -> None:
    b.each("teacher/opd", opd_doc(), "train", "teacher_model", TEACHERS)


def _structured_outputs(b: Builder) -> None:
    # The variants' ok-/bad- names are 1.3.28's verdicts; 1.0.1 predates the 1.3.23 tightening.
    b.each("structured/grpo", grpo_doc(), "train", "structured_outputs", STRUCTURED)
    for name in ("ok-false", "ok-none", "ok-json", "ok-regex", "bad-true"):
        b.add(f"structured/sft/{name}", sft_doc().with_value("train", "structured_outputs", STRUCTURED[name]))
    for name in ("ok-json", "ok-choice"):
        b.add(f"structured/opd/{name}", opd_doc().with_value("train", "structured_outputs", STRUCTURED[name]))
    thinking = grpo_doc(thinking=True)
    b.add("structured/grpo-thinking/json", thinking.with_value("train", "structured_outputs", "json"))
    b.add("structured/table-section", grpo_doc().with_table("train.structured_outputs", {"regex": "[a-z]+"}))


def _stops(b: Builder) -> None:
    stops = {name: value for name, value in shared.STOP_SEQUENCES.items() if name not in ("bad-bool", "bad-nested")}
    b.each("stop_sequences/grpo", full_doc("grpo"), "train", "stop_sequences", stops)


FAMILIES = (_max_examples, _algorithm_rules, _teachers, _structured_outputs, _stops)
