"""Flash 1.3 corpus, part 1: the catalog, valid bases, typos, types, bounds, caps, algorithms, thinking.

Mutations follow /work/shared/flash/parser-facts-1.3.28.md; the oracle (Flash 1.3.28) decides.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time

from .toml_doc import Builder, Doc, Raw, TomlValue, slug, toml_literal, v

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
# [train] float knob -> (minimum, inclusive?, base algorithm)
FLOAT_KNOBS: dict[str, tuple[float, bool, str]] = {
    "learning_rate": (0.0, False, "sft"),
    "temperature": (0.0, True, "grpo"),
    "kl_penalty_coef": (0.0, True, "grpo"),
    "thinking_length_penalty_coef": (0.0, True, "grpo"),
}


def base_doc(algorithm: str = "sft", model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    """The smallest valid config of an algorithm: model, project, algorithm, a three-part id."""
    doc = Doc(
        top={
            "model": toml_literal(model),
            "project": toml_literal(PROJECT),
            "algorithm": toml_literal(algorithm),
        }
    )
    if thinking is not None:
        doc = doc.with_value("", "thinking", thinking)
    doc = doc.with_table("environment", {"id": f"acme/{algorithm}-lab/env"})
    train: dict[str, TomlValue] = {"max_examples": 500} if algorithm == "sft" else {"epochs": 1}
    return doc.with_table("train", train)


def sft_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    return base_doc("sft", model, thinking=thinking)


def grpo_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    return base_doc("grpo", model, thinking=thinking)


def opd_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    return base_doc("opd", model, thinking=thinking)


def full_doc(algorithm: str, model: str = DEFAULT_MODEL) -> Doc:
    """Every key its algorithm can use, set to a valid value."""
    doc = base_doc(algorithm, model).with_values("", {"thinking": False, "seed": 7})
    doc = doc.with_table(
        "environment",
        {"id": "acme/lab/env", "pip": ["openai>=1.0.0"], "secrets": ["SERVICE_API_KEY"]},
    )
    doc = doc.with_table("environment.params", {"split": "train"})
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
    for model, (_cap, algorithms, _thinking) in CATALOG.items():
        m = slug(model)
        for algorithm in algorithms:
            for thinking in (None, True, False):
                t = {None: "default", True: "thinking", False: "no-thinking"}[thinking]
                b.add(f"base/{algorithm}/{m}/{t}", base_doc(algorithm, model, thinking=thinking))
            b.add(f"base/full-{algorithm}/{m}", full_doc(algorithm, model))
    b.add("base/crlf", sft_doc().render().replace("\n", "\r\n"))
    b.add("base/comments", "# a comment\n" + grpo_doc().render().replace("\n[", "\n# x\n["))
    b.add("base/no-algorithm", sft_doc().without("", "algorithm"))
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
    for old, new in (("model", "modle"), ("model", "Model"), ("project", "projet"), ("project", "project_id")):
        b.add(f"typo/top-key/{new}", sft.renamed_key("", old, new))
    b.add("typo/top-key/algoritm", grpo.renamed_key("", "algorithm", "algoritm"))
    b.add("typo/top-key/thinkng", grpo.renamed_key("", "thinking", "thinkng"))
    b.add("typo/top-key/sed", grpo.renamed_key("", "seed", "sed"))
    for old, new in (
        ("environment", "enviroment"),
        ("environment", "env"),
        ("train", "trian"),
        ("train", "training"),
        ("wandb", "wandn"),
        ("environment.params", "environment.param"),
    ):
        b.add(f"typo/table/{new}", sft.renamed_table(old, new))
    b.add("typo/table/gpus", sft.with_table("gpus", {"count": 1}))
    for old, new in (
        ("lora_rank", "lora_rnak"),
        ("learning_rate", "learning-rate"),
        ("learning_rate", "lr"),
        ("max_examples", "max_example"),
        ("batch_size", "batchsize"),
        ("epochs", "num_epochs"),
        ("max_context_tokens", "max_context_token"),
        ("save_at_steps", "save_steps"),
    ):
        b.add(f"typo/train-key/{new}", sft.renamed_key("train", old, new))
    for old, new in (
        ("group_size", "group-size"),
        ("prompts_per_step", "prompt_per_step"),
        ("max_completion_tokens", "max_new_tokens"),
        ("credit_assignment", "credit"),
    ):
        b.add(f"typo/train-key/{new}", grpo.renamed_key("train", old, new))
    b.add("typo/train-key/teacher", opd.renamed_key("train", "teacher_model", "teacher"))
    b.add("typo/train-key/Lora_Rank", sft.renamed_key("train", "lora_rank", "Lora_Rank"))
    b.add("typo/env-key/idd", sft.renamed_key("environment", "id", "idd"))
    b.add("typo/env-key/secret", sft.renamed_key("environment", "secrets", "secret"))
    b.add("typo/env-key/pips", sft.renamed_key("environment", "pip", "pips"))
    b.add("typo/wandb-key/projcet", sft.renamed_key("wandb", "project", "projcet"))
    b.add("typo/wandb-key/name", sft.renamed_key("wandb", "run_name", "name"))
    for i, value in enumerate(
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
        )
    ):
        b.add(f"typo/model/{i:02d}-{slug(value)}", sft.with_value("", "model", value))


WRONG_TYPES: dict[str, TomlValue] = {
    "str": "8",
    "bool": True,
    "array": [8],
    "table": {"value": 8},
    "date": date(1979, 5, 27),
    "datetime": datetime(1979, 5, 27, 7, 32),
    "time": time(7, 32, 0),
}


def _wrong_types(b: Builder) -> None:
    for key, (_minimum, algorithm) in INT_KNOBS.items():
        for kind, value in WRONG_TYPES.items():
            if kind in ("datetime", "time") and key not in ("epochs", "save_every"):
                continue
            b.add(f"type/train.{key}/{kind}", full_doc(algorithm).with_value("train", key, value))
    for key, (_minimum, _inclusive, algorithm) in FLOAT_KNOBS.items():
        for kind in ("str", "bool", "array", "date"):
            b.add(f"type/train.{key}/{kind}", full_doc(algorithm).with_value("train", key, WRONG_TYPES[kind]))
    sft = full_doc("sft")
    models = v({"int": 4, "bool": True, "array": [DEFAULT_MODEL], "empty": "", "blank": "   "})
    b.each("type/model", sft, "", "model", {**models, "inline-table": {"id": DEFAULT_MODEL}})
    b.add("type/model/missing", sft.without("", "model"))
    b.add("type/model/table", sft.without("", "model").with_table("model", {"id": DEFAULT_MODEL}))
    for table in ("environment", "train", "gpu", "wandb"):
        for kind, value in v({"str": "x", "int": 1, "false": False, "array": []}).items():
            b.add(f"type/{table}/{kind}", sft.without(table).with_value("", table, value))
        b.add(f"type/{table}/array-of-tables", sft.without(table).with_tail(f"[[{table}]]\n"))
        b.add(f"type/{table}/inline-empty", sft.without(table).with_value("", table, {}))
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
        base = full_doc(algorithm)
        b.add(f"bound/train.{key}/min-1", base.with_value("train", key, minimum - 1))
        b.add(f"bound/train.{key}/min", base.with_value("train", key, minimum))
        b.add(f"bound/train.{key}/16.0", base.with_value("train", key, 16.0))
        b.add(f"bound/train.{key}/16.5", base.with_value("train", key, 16.5))
        b.add(f"bound/train.{key}/inf", base.with_value("train", key, math.inf))
        b.add(f"bound/train.{key}/nan", base.with_value("train", key, math.nan))
    for key in ("epochs", "save_every", "max_examples"):  # not sized: only the type rule sees them
        base = full_doc(INT_KNOBS[key][1])
        for name, value in (("2e53+1", 2**53 + 1), ("2e63", 2**63), ("26-digits", 10**25 + 7)):
            b.add(f"bound/train.{key}/{name}", base.with_value("train", key, value))
    b.add("bound/train.lora_rank/400-digits", sft_doc().with_value("train", "lora_rank", 10**400))
    b.add("bound/train.lora_rank/neg", sft_doc().with_value("train", "lora_rank", -32))
    for key, (fmin, inclusive, algorithm) in FLOAT_KNOBS.items():
        base = full_doc(algorithm)
        b.add(f"bound/train.{key}/min-1", base.with_value("train", key, fmin - 1))
        b.add(f"bound/train.{key}/min", base.with_value("train", key, fmin))
        b.add(f"bound/train.{key}/int-1", base.with_value("train", key, 1))
        b.add(f"bound/train.{key}/0.5", base.with_value("train", key, 0.5))
        b.add(f"bound/train.{key}/huge-int", base.with_value("train", key, 10**400))
        for special in (math.nan, math.inf, -math.inf):
            b.add(f"bound/train.{key}/{special}", base.with_value("train", key, special))
        del inclusive
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
        m = slug(model)
        for algorithm in algorithms:
            doc = base_doc(algorithm, model)
            b.add(f"cap/{algorithm}/{m}/cap", doc.with_value("train", "lora_rank", cap))
            b.add(f"cap/{algorithm}/{m}/cap+1", doc.with_value("train", "lora_rank", cap + 1))
        for algorithm in set(ALGORITHMS) - set(algorithms):
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
    variants: dict[str, TomlValue] = {
        "GRPO": "GRPO",
        "Opd": "Opd",
        "SFT": "SFT",
        "space-grpo": " grpo",
        "grpo-space": "grpo ",
        "empty": "",
        "false": False,
        "zero": 0,
        "float-zero": 0.0,
        "empty-array": [],
        "empty-table": {},
        "one": 1,
        "true": True,
        "array": ["grpo"],
        "table": {"name": "grpo"},
        "rl": "rl",
        "opsd": "opsd",
        "ppo": "ppo",
        "dpo": "dpo",
    }
    b.each("algorithm/opd-base", opd_doc(), "", "algorithm", variants)
    b.add("algorithm/missing/grpo-base", grpo_doc().without("", "algorithm"))
    b.add("algorithm/under-environment", grpo_doc().with_value("environment", "algorithm", "grpo"))
    b.add("algorithm/under-train", grpo_doc().with_value("train", "algorithm", "grpo"))
    b.add("thinking/under-train", grpo_doc().with_value("train", "thinking", True))
    for algorithm in ALGORITHMS:
        b.add(f"thinking/true/{algorithm}", full_doc(algorithm).with_value("", "thinking", True))


FAMILIES = (_valid_bases, _typos, _wrong_types, _bounds, _catalog, _algorithms)
