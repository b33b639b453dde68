"""Flash 1.3 corpus, part 1: the catalog, valid bases, typos, types, bounds, caps, algorithms, thinking.

Mutations follow /work/shared/flash/parser-facts-1.3.28.md; the oracle (Flash 1.3.28) decides.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from functools import partial

from . import shared_base as shared
from .toml_doc import Builder, Doc, Raw, TomlValue, slug, v

# Catalog of freesolo-flash 1.3.28 (facts §6): id -> (rank cap, algorithms, thinking capability).
CATALOG: dict[str, tuple[int, tuple[str, ...], str]] = {
    "Qwen/Qwen3.5-0.8B": (64, ("sft", "grpo"), "none"),
    "Qwen/Qwen3.5-4B": (64, ("sft", "grpo"), "hybrid"),
    "Qwen/Qwen3.5-9B": (128, ("sft", "grpo", "opd"), "hybrid"),
    "Qwen/Qwen3.8-27B": (64, ("sft", "grpo", "opd"), "hybrid"),
    "Qwen/Qwen3.6-35B-A3B": (64, ("sft", "grpo", "opd"), "hybrid"),
}
RETIRED_MODELS = ("openbmb/MiniCPM5-1B", "Qwen/Qwen3.5-2B", "Qwen/Qwen3.6-27B")
DEFAULT_MODEL = "Qwen/Qwen3.5-9B"
PROJECT = "123e4567-e89b-12d3-a456-426614174000"
ALGORITHMS = ("sft", "grpo", "opd")

# [train] integer knob -> (parse-time minimum, the algorithm whose base config it is valid under)
INT_KNOBS: dict[str, tuple[int, str]] = {
    "epochs": (1, "sft"),
    "lora_rank": (1, "grpo"),
    "lora_alpha": (1, "sft"),
    "batch_size": (1, "sft"),
    "prompts_per_step": (1, "opd"),
    "max_context_tokens": (1, "sft"),
    "save_every": (1, "grpo"),
    "group_size": (1, "opd"),
    "max_completion_tokens": (1, "grpo"),
    "max_examples": (0, "grpo"),
}
# [train] float knob -> (minimum, base algorithm)
FLOAT_KNOBS: dict[str, tuple[float, str]] = {
    "learning_rate": (0.0, "sft"),  # exclusive
    "temperature": (0.0, "grpo"),
    "kl_penalty_coef": (0.0, "grpo"),
    "thinking_length_penalty_coef": (0.0, "grpo"),
}


def base_doc(algorithm: str = "sft", model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    """The smallest valid config of an algorithm: model, project, algorithm, a three-part id."""
    top: dict[str, TomlValue] = {"model": model, "project": PROJECT, "algorithm": algorithm}
    train: dict[str, TomlValue] = {"max_examples": 500} if algorithm == "sft" else {"epochs": 1}
    return shared.config_doc(top, f"acme/{algorithm}-lab/env", train, thinking=thinking)


sft_doc = partial(base_doc, "sft")
grpo_doc = partial(base_doc, "grpo")
opd_doc = partial(base_doc, "opd")


def full_doc(algorithm: str, model: str = DEFAULT_MODEL) -> Doc:
    """Every key its algorithm can use, set to a valid value."""
    doc = base_doc(algorithm, model).with_values("", {"thinking": False, "seed": 7})
    doc = shared.with_full_environment(doc, "acme/lab/env")
    common: dict[str, TomlValue] = {
        "epochs": 2,
        "max_steps": 0,
        "max_examples": 1000,
        "lora_rank": 16,
        "lora_alpha": 32,
        "save_every": 50,
        "save_at_steps": [],
    }
    per_algorithm: dict[str, dict[str, TomlValue]] = {
        "sft": {"learning_rate": 1e-4, "batch_size": 16, "max_context_tokens": 1024},
        "grpo": {
            "learning_rate": 1e-5,
            "prompts_per_step": 32,
            "group_size": 8,
            "max_context_tokens": 2048,
            "max_completion_tokens": 256,
            "temperature": 1.0,
            "kl_penalty_coef": 0.0,
            "thinking_length_penalty_coef": 0.0,
            "stop_sequences": ["</answer>"],
            "credit_assignment": "per_episode",
        },
        "opd": {
            "learning_rate": 1e-5,
            "prompts_per_step": 8,
            "group_size": 1,
            "max_context_tokens": 2048,
            "max_completion_tokens": 512,
            "temperature": 1.0,
            "kl_penalty_coef": 1.0,
            "teacher_model": "glm-5.3",
            "stop_sequences": "</s>",
        },
    }
    doc = doc.with_table("train", {**common, **per_algorithm[algorithm]})
    return doc.with_table("wandb", {"project": f"flash-{algorithm}", "run_name": "baseline"})


def _valid_bases(b: Builder) -> None:
    algorithms = {model: model_algorithms for model, (_cap, model_algorithms, _thinking) in CATALOG.items()}
    shared.valid_bases(b, base_doc, full_doc, algorithms)
    b.add("base/sft-without-max_examples", sft_doc().without("train", "max_examples"))
    b.add("base/sft-max_examples-0", sft_doc().with_value("train", "max_examples", 0))
    b.add("base/sft-no-train", sft_doc().without("train"))
    b.add("base/grpo-empty-train", grpo_doc().with_table("train"))
    b.add(
        "base/dotted-keys",
        f'model = "Qwen/Qwen3.5-4B"\nproject = "{PROJECT}"\nenvironment.id = "a/b/c"\ntrain.lora_rank = 8\n',
    )


def _typos(b: Builder) -> None:
    sft, grpo, opd = full_doc("sft"), full_doc("grpo"), full_doc("opd")
    top_typos = (("model", "modle"), ("model", "Model"), ("project", "projet"), ("project", "project_id"))
    shared.renamed_keys(b, "top-key", sft, "", top_typos)
    shared.renamed_keys(b, "top-key", grpo, "", (("algorithm", "algoritm"), ("thinking", "thinkng"), ("seed", "sed")))
    # 1.3 has no [worker_env]
    shared.renamed_tables(b, sft, [(old, new) for old, new in shared.TABLE_TYPOS if old != "worker_env"])
    b.add("typo/table/gpus", sft.with_table("gpus", {"count": 1}))
    train_typos = (
        *shared.TRAIN_KEY_TYPOS,
        ("max_context_tokens", "max_context_token"),
        ("save_at_steps", "save_steps"),
    )
    shared.renamed_keys(b, "train-key", sft, "train", train_typos)
    rollout_typos = (
        ("group_size", "group-size"),
        ("prompts_per_step", "prompt_per_step"),
        ("max_completion_tokens", "max_new_tokens"),
        ("credit_assignment", "credit"),
    )
    shared.renamed_keys(b, "train-key", grpo, "train", rollout_typos)
    b.add("typo/train-key/teacher", opd.renamed_key("train", "teacher_model", "teacher"))
    b.add("typo/train-key/Lora_Rank", sft.renamed_key("train", "lora_rank", "Lora_Rank"))
    shared.renamed_keys(b, "env-key", sft, "environment", (("id", "idd"), ("secrets", "secret"), ("pip", "pips")))
    shared.renamed_keys(b, "wandb-key", sft, "wandb", (("project", "projcet"), ("run_name", "name")))
    shared.misspelled_models(
        b,
        sft,
        (
            "qwen/qwen3.5-9b",
            "Qwen/Qwen3.5-9b",
            "Qwen/Qwen3.5-9B ",
            " Qwen/Qwen3.5-9B",
            "Qwen3.5-9B",
            "Qwen/Qwen3-9B",
            "Qwen/Qwen3.5-9B-Instruct",
            "Qwen/Qwen3.8-27b",
            "Qwen/Qwen3.6-35B",
            "meta-llama/Llama-3.1-8B",
            *RETIRED_MODELS,
        ),
    )


def _wrong_types(b: Builder) -> None:
    for key, (_minimum, algorithm) in INT_KNOBS.items():
        kinds = shared.WRONG_TYPES if key in ("epochs", "save_every") else ("str", "bool", "array", "table", "date")
        shared.wrong_types(b, full_doc(algorithm), "train", key, kinds)
    for key, (_fmin, algorithm) in FLOAT_KNOBS.items():
        shared.wrong_types(b, full_doc(algorithm), "train", key, ("str", "bool", "array", "date"))
    sft = full_doc("sft")
    shared.model_types(b, sft, DEFAULT_MODEL)
    shared.table_types(b, sft, ("environment", "train", "gpu", "wandb"))
    b.each(
        "type/thinking",
        sft,
        "",
        "thinking",
        v({"int": 0, "one": 1, "str-true": "true", "float": 1.0, "empty-array": [], "date": date(2024, 1, 1)}),
    )
    params = v({"str": "split=train", "int": 1, "false": False, "array": ["train"], "empty-table": {}})
    b.each("type/environment.params", sft.without("environment.params"), "environment", "params", params)
    b.add("type/environment.params/nested-ok", sft.with_value("environment.params", "extra", {"k": [1, 2.5, "x"]}))
    b.add("type/environment.params/nan-inside", sft.with_value("environment.params", "weight", math.nan))
    b.add("type/environment.params/secret-looking", sft.with_value("environment.params", "token", "sk-abcdef"))
    b.add("type/environment.params/traversal", sft.with_value("environment.params", "split", "../../x"))
    for kind, value in v(
        {"date": date(2024, 1, 1), "datetime": datetime(2024, 1, 1, 7, 0), "time": time(7, 0)}
    ).items():
        b.add(f"type/environment.params/{kind}-inside", sft.with_value("environment.params", "since", value))


def _bounds(b: Builder) -> None:
    for key, (minimum, algorithm) in INT_KNOBS.items():
        shared.bounds(b, full_doc(algorithm), key, {**shared.int_bounds(minimum), "nan": math.nan})
    for key in ("epochs", "save_every", "max_examples"):  # not sized: only the type rule sees them
        huge = {"2e53+1": 2**53 + 1, "2e63": 2**63, "26-digits": 10**25 + 7}
        shared.bounds(b, full_doc(INT_KNOBS[key][1]), key, huge)
    b.add("bound/train.lora_rank/400-digits", sft_doc().with_value("train", "lora_rank", 10**400))
    b.add("bound/train.lora_rank/neg", sft_doc().with_value("train", "lora_rank", -32))
    for key, (fmin, algorithm) in FLOAT_KNOBS.items():
        values = {**shared.float_bounds(fmin), "0.5": 0.5, "huge-int": 10**400, **shared.SPECIAL_FLOATS}
        shared.bounds(b, full_doc(algorithm), key, values)
    lr, sft = "learning_rate", full_doc("sft")
    b.add("bound/train.learning_rate/-0.0", sft.with_value("train", lr, Raw("-0.0")))
    b.add("bound/train.learning_rate/5e-324", sft.with_value("train", lr, 5e-324))
    b.add("bound/train.learning_rate/1e400", sft.with_value("train", lr, Raw("1e400")))
    b.add("bound/train.learning_rate/big", sft.with_value("train", lr, 1e300))
    grpo, tlp = full_doc("grpo"), "thinking_length_penalty_coef"
    b.add("bound/train.temperature/100", grpo.with_value("train", "temperature", 100))
    b.add(f"bound/train.{tlp}/1.0", grpo.with_value("train", tlp, 1.0))
    b.add(f"bound/train.{tlp}/1.0000001", grpo.with_value("train", tlp, 1.0000001))
    b.add(f"bound/train.{tlp}/2", grpo.with_value("train", tlp, 2))
    # GPU sizing (facts §7): out of the schema's scope, flagged by the oracle.
    b.add("sizing/9b-grpo-rank-100000", grpo_doc().with_value("train", "lora_rank", 100000))
    b.add("sizing/9b-grpo-rank-str-100000", grpo_doc().with_value("train", "lora_rank", "100000"))
    b.add("sizing/9b-sft-context-2000000", sft_doc().with_value("train", "max_context_tokens", 2000000))
    b.add("sizing/9b-sft-context-200000", sft_doc().with_value("train", "max_context_tokens", 200000))
    b.add(
        "sizing/35b-grpo-context-131072",
        grpo_doc("Qwen/Qwen3.6-35B-A3B").with_value("train", "max_context_tokens", 131072),
    )
    b.add("sizing/9b-sft-batch-1000000", sft_doc().with_value("train", "batch_size", 1000000))
    b.add("sizing/9b-opd-1000x2", opd_doc().with_values("train", {"prompts_per_step": 1000, "group_size": 2}))


def _catalog(b: Builder) -> None:
    for model, (cap, algorithms, thinking) in CATALOG.items():
        shared.rank_caps(b, model, cap, {algorithm: base_doc(algorithm, model) for algorithm in algorithms})
        m = slug(model)
        for algorithm in (a for a in ALGORITHMS if a not in algorithms):
            b.add(f"catalog/unsupported-{algorithm}/{m}", base_doc(algorithm, model))
        if thinking == "none":
            for algorithm in algorithms:
                b.add(f"catalog/thinking-none/{algorithm}/{m}", base_doc(algorithm, model, thinking=True))
    adapter = sft_doc().with_value("train", "init_from_adapter", "run-1/final")
    b.add("cap/sft/9B/adapter-without-rank", adapter)
    b.add("cap/sft/9B/cap-float", sft_doc().with_value("train", "lora_rank", 128.0))
    b.add("cap/sft/9B/cap+1-float", sft_doc().with_value("train", "lora_rank", 129.0))
    b.add("cap/sft/9B/alpha-big", sft_doc().with_value("train", "lora_alpha", 4096))
    for model in RETIRED_MODELS:
        b.add(f"catalog/retired/{slug(model)}", grpo_doc(model))


def _algorithms(b: Builder) -> None:
    # Every named value but `opd` itself, the base config's own algorithm.
    variants = {name: value for name, value in shared.ALGORITHM_VALUES.items() if name != "opd"}
    b.each("algorithm/opd-base", opd_doc(), "", "algorithm", variants)
    shared.misplaced_algorithm(b, grpo_doc())
    b.add("thinking/under-train", grpo_doc().with_value("train", "thinking", True))
    for algorithm in ALGORITHMS:
        b.add(f"thinking/true/{algorithm}", full_doc(algorithm).with_value("", "thinking", True))


FAMILIES = (_valid_bases, _typos, _wrong_types, _bounds, _catalog, _algorithms)
