"""Flash 0.2.43 corpus, part 1: the catalog, valid base configs, typos, types, bounds, caps, algorithms.

Mutations follow /work/shared/flash/parser-facts-0.2.43.md (the generator does not decide verdicts).
"""

from __future__ import annotations

import math
from datetime import date

from . import shared_base as shared
from .shared_rules import RESERVED_SECRETS_CORE
from .toml_doc import Builder, Doc, Raw, pick, slug, v

# Catalog of freesolo-flash 0.2.43 (parser-facts §6), hard-coded so the generator does not depend
# on the system under test.
SERVING_LORA_RANK_CAP: dict[str, int] = {
    "openbmb/MiniCPM5-1B": 128,
    "Qwen/Qwen3.5-0.8B": 128,
    "Qwen/Qwen3.5-2B": 128,
    "Qwen/Qwen3.5-4B": 64,
    "Qwen/Qwen3.5-9B": 64,
    "Qwen/Qwen3.6-35B-A3B": 64,
}
MODELS: tuple[str, ...] = tuple(SERVING_LORA_RANK_CAP)
DEFAULT_MODEL = "Qwen/Qwen3.5-4B"

INT_KNOBS: dict[str, int] = {  # [train] integer knob -> parse-time minimum
    "steps": 1,
    "epochs": 1,
    "lora_rank": 1,
    "lora_alpha": 1,
    "batch_size": 1,
    "max_length": 1,
    "save_every": 1,
    "group_size": 1,
    "max_tokens": 1,
    "max_steps": 0,
    "max_examples": 0,
}
FLOAT_KNOBS: dict[str, float] = {  # [train] float knob -> parse-time minimum
    "learning_rate": 0.0,  # exclusive
    "temperature": 0.0,
    "kl_penalty_coef": 0.0,
    "advantage_clip": 0.0,
    "thinking_length_penalty_coef": 0.0,  # also <= 1
}
RESERVED_SECRETS = ("RUNPOD_API_KEY", *RESERVED_SECRETS_CORE, "FLASH_ARM")
# The named `algorithm` values (shared_base.ALGORITHM_VALUES) the dual config is tried with.
ALGORITHM_VARIANTS = (
    *("GRPO", "space-grpo", "empty", "false", "zero", "one", "opd"),
    *("empty-array", "empty-table", "true", "array", "SFT", "float-zero"),
)
# The kinds of wrong value 0.2.43's keys are tried with (WRONG_TYPES but a TOML time).
WRONG_KINDS = ("str", "bool", "array", "table", "date", "datetime")


def sft_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    return shared.config_doc(
        {"model": model, "algorithm": "sft"}, "acme/support-bot", {"max_examples": 500}, thinking=thinking
    )


def grpo_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    return shared.config_doc({"model": model, "algorithm": "grpo"}, "acme/math-rl", {"steps": 20}, thinking=thinking)


def dual_doc(model: str = DEFAULT_MODEL) -> Doc:
    """Valid under both algorithms (sets max_examples and steps); algorithm left to the caller."""
    return shared.config_doc({"model": model}, "acme/env", {"max_examples": 100, "steps": 10})


def full_sft_doc(model: str = DEFAULT_MODEL) -> Doc:
    doc = Doc().with_values("", {"model": model, "algorithm": "sft", "thinking": False})
    doc = shared.with_full_environment(doc, "acme/support-bot")
    doc = doc.with_table(
        "train",
        {
            "epochs": 2,
            "max_steps": 0,
            "max_examples": 1000,
            "lora_rank": 16,
            "lora_alpha": 32,
            "learning_rate": 1e-4,
            "batch_size": 16,
            "max_length": 1024,
            "save_every": 50,
        },
    )
    doc = doc.with_table("worker_env", {"FEATURE_FLAG": "enabled"})
    return doc.with_table("wandb", {"project": "flash-sft", "run_name": "baseline"})


def full_grpo_doc(model: str = DEFAULT_MODEL) -> Doc:
    doc = Doc().with_values("", {"model": model, "algorithm": "grpo", "thinking": False})
    doc = doc.with_table("environment", {"id": "github:acme/math-rl@v1:envs/math.py"})
    doc = doc.with_table(
        "train",
        {
            "steps": 50,
            "lora_rank": 16,
            "lora_alpha": 32,
            "learning_rate": 1e-5,
            "batch_size": 32,
            "max_length": 2048,
            "save_every": 10,
            "group_size": 8,
            "temperature": 1.0,
            "max_tokens": 256,
            "kl_penalty_coef": 0.0,
            "advantage_clip": 0.0,
            "thinking_length_penalty_coef": 0.0,
            "stop_sequences": ["</answer>"],
        },
    )
    return doc.with_table("wandb", {"project": "flash-grpo"})


def all_knobs_doc(algorithm: str) -> Doc:
    """Every [train] knob set to a valid value (except hf_repo), for one algorithm, on 4B."""
    doc = full_grpo_doc().with_value("", "algorithm", algorithm)
    for key, value in full_sft_doc().tables["train"].items():
        doc.tables["train"].setdefault(key, value)
    return doc.with_value("train", "init_from_adapter", "flash-1700000000-abcdef12")


def _valid_bases(b: Builder) -> None:
    for model in MODELS:
        m = slug(model)
        for thinking, t in shared.THINKING:
            b.add(f"base/sft/{m}/{t}", sft_doc(model, thinking=thinking))
            b.add(f"base/grpo/{m}/{t}", grpo_doc(model, thinking=thinking))
        b.add(f"base/full-sft/{m}", full_sft_doc(model))
        b.add(f"base/full-grpo/{m}", full_grpo_doc(model))
    b.add("base/all-knobs/sft", all_knobs_doc("sft"))
    b.add("base/all-knobs/grpo", all_knobs_doc("grpo"))
    b.add("base/docs-example", full_sft_doc().without("worker_env").without("wandb"))
    shared.layout_variants(b, sft_doc(), grpo_doc())


def _typos(b: Builder) -> None:
    sft, grpo, dual = full_sft_doc(), full_grpo_doc(), dual_doc()
    shared.renamed_keys(b, "top-key", sft, "", (("model", "modle"), ("model", "Model")))
    b.add("typo/top-key/algoritm", grpo.renamed_key("", "algorithm", "algoritm"))
    b.add("typo/top-key/algoritm-dual", dual.with_value("", "algoritm", "grpo"))
    b.add("typo/top-key/thinkng", grpo.renamed_key("", "thinking", "thinkng"))
    shared.renamed_tables(b, sft, shared.TABLE_TYPOS)
    shared.renamed_keys(b, "train-key", sft, "train", shared.TRAIN_KEY_TYPOS)
    shared.renamed_keys(
        b, "train-key", grpo, "train", (("group_size", "group-size"), ("steps", "step"), ("max_tokens", "max_new"))
    )
    b.add("typo/train-key/Lora_Rank", sft.renamed_key("train", "lora_rank", "Lora_Rank"))
    shared.renamed_keys(
        b, "env-key", sft, "environment", (("id", "idd"), ("id", "ID"), ("secrets", "secret"), ("pip", "pips"))
    )
    shared.renamed_keys(b, "wandb-key", sft, "wandb", (("project", "projcet"), ("run_name", "run-name")))
    for value in ("sfft", "gpro", "GRPO", "Sft", "rl", "grpo "):
        b.add(f"typo/algorithm/{slug(value)}", dual.with_value("", "algorithm", value))
    shared.misspelled_models(
        b,
        sft,
        (
            "qwen/qwen3.5-4b",
            "Qwen/Qwen3.5-4b",
            "Qwen/Qwen3.5-4B ",
            " Qwen/Qwen3.5-4B",
            "Qwen3.5-4B",
            "Qwen/Qwen3-4B",
            "Qwen/Qwen3.5-4B-Instruct",
            "openbmb/MiniCPM5-1b",
            "Qwen/Qwen3.6-35B",
            "meta-llama/Llama-3.1-8B",
            "Qwen/Qwen2.5-72B-Instruct",
        ),
    )


def _wrong_types(b: Builder) -> None:
    base = all_knobs_doc("grpo")
    for key in (*INT_KNOBS, *FLOAT_KNOBS):
        shared.wrong_types(b, base, "train", key, WRONG_KINDS)
    for kind in WRONG_KINDS:
        value = shared.WRONG_TYPES[kind]
        b.add(f"type/train.hf_repo/{kind}", base.with_value("train", "hf_repo", value))
        if kind != "str":
            b.add(
                f"type/train.init_from_adapter/{kind}",
                base.with_value("train", "init_from_adapter", value),
            )
            b.add(
                f"type/train.stop_sequences/{kind}",
                base.with_value("train", "stop_sequences", value),
            )
    sft = full_sft_doc()
    shared.model_types(b, sft, DEFAULT_MODEL)
    shared.table_types(b, sft, ("environment", "train", "worker_env", "wandb", "gpu"))
    env = sft.without("environment.params")
    for kind, value in v({"int": 12, "bool": True, "array": ["acme/env"], "float": 1.5}).items():
        b.add(f"type/environment.id/{kind}", env.with_value("environment", "id", value))
    for kind, value in v({"empty-array": [], "empty-table": {}, "false": False, "zero": 0}).items():
        b.add(f"type/environment.id/{kind}", env.with_value("environment", "id", value))
    for kind, value in v(
        {
            "str": "split=train",
            "int": 1,
            "false": False,
            "array": ["train"],
            "empty-table": {},
        }
    ).items():
        b.add(f"type/environment.params/{kind}", env.with_value("environment", "params", value))
    b.add(
        "type/environment.params/date-inside",
        sft.with_value("environment.params", "since", date(2024, 1, 1)),
    )
    b.add(
        "type/environment.params/nested-ok",
        sft.with_value("environment.params", "extra", {"k": [1, 2.5, True, "x"]}),
    )
    b.add(
        "type/environment.params/nan-inside",
        sft.with_value("environment.params", "weight", math.nan),
    )
    for kind, value in v(
        {
            "str": "openai",
            "int-entry": ["openai", 1],
            "table": {"openai": "1.0"},
            "empty-strings-and-url": ["", "git+https://github.com/a/b.git"],
            "empty": [],
        }
    ).items():
        b.add(f"type/environment.pip/{kind}", sft.with_value("environment", "pip", value))
    for kind, value in v({"int": 0, "one": 1, "str-true": "true", "str-yes": "yes", "float": 1.0}).items():
        b.add(f"type/thinking/{kind}", sft.with_value("", "thinking", value))
    b.add("type/thinking/empty-array", sft.with_value("", "thinking", []))
    b.add("type/thinking/str-false", grpo_doc().with_value("", "thinking", "false"))


def _bounds(b: Builder) -> None:
    sft, grpo = all_knobs_doc("sft"), all_knobs_doc("grpo")
    for i, (key, minimum) in enumerate(INT_KNOBS.items()):
        shared.bounds(b, sft if i % 2 == 0 else grpo, key, shared.int_bounds(minimum))
        # Always SFT: under GRPO a huge max_length/group_size hangs Flash's sizing (see below).
        shared.bounds(b, sft, key, {"2e53": 2**53, "2e53+1": 2**53 + 1, "2e63": 2**63})
    b.add("bound/train.max_examples/10e400", sft.with_value("train", "max_examples", 10**400))
    b.add("bound/train.lora_rank/neg", sft.with_value("train", "lora_rank", -32))
    for i, (key, fmin) in enumerate(FLOAT_KNOBS.items()):
        shared.bounds(b, grpo if i % 2 == 0 else sft, key, {**shared.float_bounds(fmin), **shared.SPECIAL_FLOATS})
    lr = "learning_rate"
    b.add("bound/train.learning_rate/-0.0", sft.with_value("train", lr, Raw("-0.0")))
    b.add("bound/train.learning_rate/5e-324", sft.with_value("train", lr, 5e-324))
    b.add("bound/train.learning_rate/big", sft.with_value("train", lr, 1e300))
    b.add("bound/train.temperature/100", grpo.with_value("train", "temperature", 100))
    tlp = "thinking_length_penalty_coef"
    b.add(f"bound/train.{tlp}/1.0", grpo.with_value("train", tlp, 1.0))
    b.add(f"bound/train.{tlp}/1.0000001", grpo.with_value("train", tlp, 1.0000001))
    b.add(f"bound/train.{tlp}/2", grpo.with_value("train", tlp, 2))
    b.add(f"bound/train.{tlp}/0.5", grpo.with_value("train", tlp, 0.5))
    # GPU sizing (parse-facts §7): the schema does not model these.
    b.add("sizing/4b-grpo-rank-100000", grpo_doc().with_value("train", "lora_rank", 100000))
    # Sizing reads numeric strings as numbers and runs before the type checks (facts §10).
    b.add("sizing/4b-grpo-rank-str-100000", grpo_doc().with_value("train", "lora_rank", "100000"))
    b.add("sizing/4b-grpo-rank-str-64", grpo_doc().with_value("train", "lora_rank", "64"))
    b.add("sizing/4b-grpo-max_length-200000", grpo_doc().with_value("train", "max_length", 200000))
    b.add("sizing/4b-sft-max_length-200000", sft_doc().with_value("train", "max_length", 200000))
    b.add("sizing/4b-sft-max_length-16384", sft_doc().with_value("train", "max_length", 16384))
    big = "Qwen/Qwen3.6-35B-A3B"
    b.add("sizing/35b-grpo-max_length-16384", grpo_doc(big).with_value("train", "max_length", 16384))
    b.add(
        "sizing/35b-grpo-thinking-max_tokens-8192",
        grpo_doc(big, thinking=True).with_value("train", "max_tokens", 8192),
    )
    b.add("sizing/35b-grpo-max_tokens-1024", grpo_doc(big).with_value("train", "max_tokens", 1024))
    # Flash 0.2.43 never finishes these (grpo_kv_floor_gb loops ~10**15 times); the oracle times
    # out on them.
    b.add("sizing/4b-grpo-max_length-2e53-hangs", grpo_doc().with_value("train", "max_length", 2**53))
    b.add("sizing/4b-grpo-group_size-2e63-hangs", grpo_doc().with_value("train", "group_size", 2**63))


def _lora_caps(b: Builder) -> None:
    for model, cap in SERVING_LORA_RANK_CAP.items():
        shared.rank_caps(b, model, cap, {"sft": sft_doc(model), "grpo": grpo_doc(model)})
    adapter = sft_doc().with_value("train", "init_from_adapter", "run-1")
    b.add("cap/sft/4B/adapter-cap+1", adapter.with_value("train", "lora_rank", 65))
    b.add("cap/sft/4B/cap-float", sft_doc().with_value("train", "lora_rank", 64.0))
    b.add("cap/sft/4B/cap+1-float", sft_doc().with_value("train", "lora_rank", 65.0))


def _algorithms(b: Builder) -> None:
    variants = pick(shared.ALGORITHM_VALUES, *ALGORITHM_VARIANTS)
    b.each("algorithm/dual", dual_doc(), "", "algorithm", variants)
    for name in ("GRPO", "empty", "false", "opd"):
        b.add(f"algorithm/grpo-base/{name}", grpo_doc().with_value("", "algorithm", variants[name]))
    b.add("algorithm/missing/sft-base", sft_doc().without("", "algorithm"))
    b.add("algorithm/missing/grpo-base", grpo_doc().without("", "algorithm"))
    b.add(
        "algorithm/under-environment",
        grpo_doc().without("", "algorithm").with_value("environment", "algorithm", "grpo"),
    )


FAMILIES = (_valid_bases, _typos, _wrong_types, _bounds, _lora_caps, _algorithms)
