"""Flash 1.0 corpus, part 1: the catalog, valid bases, typos, types, bounds, caps, algorithms.

Dialect C of /work/shared/flash/versions.md (0.2.58-1.0.13), exact for Flash 1.0.1: strict top level,
`seed`, `model_revision`, validated `[gpu]`, `save_at_steps`, OPD, two-part environment ids, no SFT warm
start. Read from the 1.0.1 package's `flash/schema/`; the oracle (Flash 1.0.1) decides every verdict.
"""

from __future__ import annotations

import math
from datetime import date
from functools import partial

from . import shared_base as shared
from .d0243_base import SERVING_LORA_RANK_CAP
from .toml_doc import Builder, Doc, Raw, TomlValue, pick, v

# Catalog of freesolo-flash 1.0.1 (flash/catalog.py): id -> serving rank cap, the same six models and caps
# as 0.2.43's; every model runs sft, grpo and opd, and every model is "hybrid" (thinking on or off).
CATALOG: dict[str, int] = SERVING_LORA_RANK_CAP
LATER_MODELS = ("Qwen/Qwen3.6-27B", "Qwen/Qwen3.8-27B")  # added in 1.0.13 and 1.3.8
DEFAULT_MODEL = "Qwen/Qwen3.5-4B"
ALGORITHMS = ("sft", "grpo", "opd")

# The named `algorithm` values (shared_base.ALGORITHM_VALUES) the OPD config is tried with.
ALGORITHM_VARIANTS = (
    *("GRPO", "Opd", "space-grpo", "empty", "false", "zero", "empty-array"),
    *("one", "true", "array", "rl", "opsd", "dpo"),
)

# [train] integer knob -> (parse-time minimum, algorithm of the base config it is tried under)
INT_KNOBS: dict[str, tuple[int, str]] = {
    "epochs": (1, "sft"),
    "lora_rank": (1, "grpo"),
    "lora_alpha": (1, "sft"),
    "batch_size": (1, "grpo"),
    "max_context_tokens": (1, "sft"),
    "save_every": (1, "grpo"),
    "group_size": (1, "grpo"),
    "max_completion_tokens": (1, "grpo"),
    "max_examples": (0, "grpo"),
}
# [train] float knob -> (minimum, base algorithm)
FLOAT_KNOBS: dict[str, tuple[float, str]] = {
    "learning_rate": (0.0, "sft"),  # exclusive
    "temperature": (0.0, "grpo"),
    "kl_penalty_coef": (0.0, "grpo"),
    "advantage_clip": (0.0, "sft"),
    "thinking_length_penalty_coef": (0.0, "grpo"),  # also <= 1
}


def base_doc(algorithm: str = "sft", model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    """The smallest valid config of an algorithm (SFT needs a positive `max_examples`)."""
    train: dict[str, TomlValue] = {"max_examples": 500} if algorithm == "sft" else {"epochs": 1}
    return shared.config_doc(
        {"model": model, "algorithm": algorithm}, f"acme/{algorithm}-env", train, thinking=thinking
    )


sft_doc = partial(base_doc, "sft")
grpo_doc = partial(base_doc, "grpo")
opd_doc = partial(base_doc, "opd")


def full_doc(algorithm: str, model: str = DEFAULT_MODEL) -> Doc:
    """Every key of the release set to a valid value (1.0 has no algorithm scoping)."""
    doc = base_doc(algorithm, model).with_values("", {"thinking": False, "seed": 7})
    doc = shared.with_full_environment(doc, "acme/lab-env")
    train: dict[str, TomlValue] = {
        "epochs": 2,
        "max_steps": 0,
        "max_examples": 1000,
        "lora_rank": 16,
        "lora_alpha": 32,
        "learning_rate": 1e-4 if algorithm == "sft" else 1e-5,
        "batch_size": 16,
        "max_context_tokens": 2048,
        "save_every": 50,
        "save_at_steps": [],
        "max_completion_tokens": 512,
        "temperature": 1.0,
        "kl_penalty_coef": 1.0 if algorithm == "opd" else 0.0,
        "advantage_clip": 0.0,
        "thinking_length_penalty_coef": 0.0,
        "stop_sequences": ["</answer>"],
        "teacher_model": "glm-5.2",
    }
    if algorithm != "sft":
        train["group_size"] = 8 if algorithm == "grpo" else 1
    if algorithm != "opd":
        train["teacher_model"] = ""
    doc = doc.with_table("train", train)
    doc = doc.with_table("worker_env", {"FEATURE_FLAG": "enabled"})
    return doc.with_table("wandb", {"project": f"flash-{algorithm}", "run_name": "baseline"})


def _valid_bases(b: Builder) -> None:
    shared.valid_bases(b, base_doc, full_doc, dict.fromkeys(CATALOG, ALGORITHMS))
    b.add("base/grpo-no-train", grpo_doc().without("train"))
    b.add("base/dotted-keys", 'model = "Qwen/Qwen3.5-2B"\nenvironment.id = "a/b"\ntrain.max_examples = 3\n')


def _typos(b: Builder) -> None:
    sft, grpo, opd = full_doc("sft"), full_doc("grpo"), full_doc("opd")
    top_typos = (("model", "modle"), ("model", "Model"), ("seed", "sed"), ("seed", "random_seed"))
    shared.renamed_keys(b, "top-key", sft, "", top_typos)
    b.add("typo/top-key/algoritm", grpo.renamed_key("", "algorithm", "algoritm"))
    b.add("typo/top-key/thinkng", grpo.renamed_key("", "thinking", "thinkng"))
    shared.renamed_tables(b, sft, shared.TABLE_TYPOS)
    train_typos = (
        *((old, new) for old, new in shared.TRAIN_KEY_TYPOS if new != "learning-rate"),
        ("max_context_tokens", "max_context_token"),
        ("max_context_tokens", "max_seq_len"),
        ("save_at_steps", "save_steps"),
    )
    shared.renamed_keys(b, "train-key", sft, "train", train_typos)
    shared.renamed_keys(
        b, "train-key", grpo, "train", (("group_size", "group-size"), ("max_completion_tokens", "max_new_tokens"))
    )
    b.add("typo/train-key/teacher", opd.renamed_key("train", "teacher_model", "teacher"))
    shared.renamed_keys(b, "env-key", sft, "environment", (("id", "idd"), ("secrets", "secret")))
    b.add("typo/wandb-key/projcet", sft.renamed_key("wandb", "project", "projcet"))
    shared.misspelled_models(
        b,
        sft,
        (
            "qwen/qwen3.5-4b",
            "Qwen/Qwen3.5-4B ",
            "Qwen3.5-4B",
            "Qwen/Qwen3.5-4B-Instruct",
            "openbmb/MiniCPM5-1b",
            "Qwen/Qwen3.6-35B",
            "meta-llama/Llama-3.1-8B",
            *LATER_MODELS,
        ),
    )


def _wrong_types(b: Builder) -> None:
    for key, (_minimum, algorithm) in INT_KNOBS.items():
        kinds = shared.WRONG_TYPES if key in ("epochs", "save_every") else ("str", "bool", "array", "date")
        shared.wrong_types(b, full_doc(algorithm), "train", key, kinds)
    for key, (_fmin, algorithm) in FLOAT_KNOBS.items():
        shared.wrong_types(b, full_doc(algorithm), "train", key, ("str", "bool", "array"))
    sft = full_doc("sft")
    shared.model_types(b, sft, DEFAULT_MODEL, as_table=False)
    shared.table_types(b, sft, ("environment", "train", "gpu", "wandb", "worker_env"), ("str", "int", "false"))
    b.each("type/thinking", sft, "", "thinking", v({"int": 0, "str-true": "true", "float": 1.0}))
    env = sft.without("environment.params")
    b.each("type/environment.params", env, "environment", "params", v({"str": "x=1", "false": False, "array": [1]}))
    b.add("type/environment.params/nested-ok", sft.with_value("environment.params", "extra", {"k": [1, 2.5]}))
    b.add("type/environment.params/date-inside", sft.with_value("environment.params", "since", date(2024, 1, 1)))
    b.add("type/environment.params/nan-inside", sft.with_value("environment.params", "weight", math.nan))
    b.each(
        "type/environment.pip",
        sft,
        "environment",
        "pip",
        v(
            {
                "str": "openai",
                "int-entry": ["openai", 1],
                "ok-empty": [],
                "ok-odd": ["", "--no-deps", "https://u:p@h/x"],
            }
        ),
    )


def _bounds(b: Builder) -> None:
    for key, (minimum, algorithm) in INT_KNOBS.items():
        shared.bounds(b, full_doc(algorithm), key, shared.int_bounds(minimum))
    for key in ("epochs", "save_every", "max_examples"):  # not sized: only the type rule sees them
        shared.bounds(b, full_doc("sft"), key, {"2e53": 2**53, "2e53+1": 2**53 + 1, "2e63": 2**63})
    b.add("bound/train.lora_rank/neg", sft_doc().with_value("train", "lora_rank", -32))
    for key, (fmin, algorithm) in FLOAT_KNOBS.items():
        shared.bounds(b, full_doc(algorithm), key, {**shared.float_bounds(fmin), "nan": math.nan, "inf": math.inf})
    sft, grpo = full_doc("sft"), full_doc("grpo")
    b.add("bound/train.learning_rate/-0.0", sft.with_value("train", "learning_rate", Raw("-0.0")))
    b.add("bound/train.learning_rate/5e-324", sft.with_value("train", "learning_rate", 5e-324))
    b.add("bound/train.learning_rate/huge-int", sft.with_value("train", "learning_rate", 10**400))
    tlp = "thinking_length_penalty_coef"
    b.add(f"bound/train.{tlp}/1.0", grpo.with_value("train", tlp, 1.0))
    b.add(f"bound/train.{tlp}/1.0000001", grpo.with_value("train", tlp, 1.0000001))
    b.add("bound/train.temperature/100", grpo.with_value("train", "temperature", 100))
    # GPU sizing: out of the schema's scope, flagged by the oracle.
    b.add("sizing/4b-grpo-rank-100000", grpo_doc().with_value("train", "lora_rank", 100000))
    b.add("sizing/4b-grpo-rank-str-100000", grpo_doc().with_value("train", "lora_rank", "100000"))
    b.add("sizing/4b-grpo-context-200000", grpo_doc().with_value("train", "max_context_tokens", 200000))
    b.add("sizing/4b-sft-context-16384", sft_doc().with_value("train", "max_context_tokens", 16384))
    big = "Qwen/Qwen3.6-35B-A3B"
    b.add("sizing/35b-grpo-context-16384", grpo_doc(big).with_value("train", "max_context_tokens", 16384))
    b.add("sizing/35b-opd-group-16", opd_doc(big).with_value("train", "group_size", 16))


def _catalog(b: Builder) -> None:
    for model, cap in CATALOG.items():
        shared.rank_caps(b, model, cap, {algorithm: base_doc(algorithm, model) for algorithm in ("sft", "grpo")})
    warm = grpo_doc().with_value("train", "init_from_adapter", "run-1")
    b.add("cap/grpo/4B/adapter-no-rank", warm)
    b.add("cap/sft/4B/cap-float", sft_doc().with_value("train", "lora_rank", 64.0))
    b.add("cap/sft/4B/alpha-big", sft_doc().with_value("train", "lora_alpha", 4096))


def _algorithms(b: Builder) -> None:
    variants = pick(shared.ALGORITHM_VALUES, *ALGORITHM_VARIANTS)
    b.each("algorithm/opd-base", opd_doc(), "", "algorithm", variants)
    shared.misplaced_algorithm(b, grpo_doc())
    for algorithm in ALGORITHMS:
        doc = full_doc(algorithm).with_value("", "thinking", True).with_value("train", "max_context_tokens", 4096)
        b.add(f"thinking/true/{algorithm}", doc)


FAMILIES = (_valid_bases, _typos, _wrong_types, _bounds, _catalog, _algorithms)
