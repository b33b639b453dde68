"""Flash 0.2.43 corpus, part 1: the catalog, valid base configs, typos, types, bounds, caps, algorithms.

Mutations follow /work/shared/flash/parser-facts-0.2.43.md (the generator does not decide verdicts).
"""

from __future__ import annotations

import math
from datetime import date, datetime

from .common_rules import RESERVED_SECRETS_CORE
from .toml_doc import Builder, Doc, Raw, TomlValue, slug, toml_literal, v

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


def sft_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("sft")})
    if thinking is not None:
        doc = doc.with_value("", "thinking", thinking)
    doc = doc.with_table("environment", {"id": "acme/support-bot"})
    return doc.with_table("train", {"max_examples": 500})


def grpo_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("grpo")})
    if thinking is not None:
        doc = doc.with_value("", "thinking", thinking)
    doc = doc.with_table("environment", {"id": "acme/math-rl"})
    return doc.with_table("train", {"steps": 20})


def dual_doc(model: str = DEFAULT_MODEL) -> Doc:
    """Valid under both algorithms (sets max_examples and steps); algorithm left to the caller."""
    doc = Doc(top={"model": toml_literal(model)})
    doc = doc.with_table("environment", {"id": "acme/env"})
    return doc.with_table("train", {"max_examples": 100, "steps": 10})


def full_sft_doc(model: str = DEFAULT_MODEL) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("sft")})
    doc = doc.with_value("", "thinking", False)
    doc = doc.with_table(
        "environment",
        {"id": "acme/support-bot", "pip": ["openai>=1.0.0"], "secrets": ["SERVICE_API_KEY"]},
    )
    doc = doc.with_table("environment.params", {"split": "train"})
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
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("grpo")})
    doc = doc.with_value("", "thinking", False)
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
        for thinking in (None, True, False):
            t = {None: "default", True: "thinking", False: "no-thinking"}[thinking]
            b.add(f"base/sft/{m}/{t}", sft_doc(model, thinking=thinking))
            b.add(f"base/grpo/{m}/{t}", grpo_doc(model, thinking=thinking))
        b.add(f"base/full-sft/{m}", full_sft_doc(model))
        b.add(f"base/full-grpo/{m}", full_grpo_doc(model))
    b.add("base/all-knobs/sft", all_knobs_doc("sft"))
    b.add("base/all-knobs/grpo", all_knobs_doc("grpo"))
    b.add("base/docs-example", full_sft_doc().without("worker_env").without("wandb"))
    b.add("base/crlf", sft_doc().render().replace("\n", "\r\n"))
    b.add("base/comments", "# a comment\n" + grpo_doc().render().replace("\n[", "\n# x\n["))


def _typos(b: Builder) -> None:
    sft, grpo = full_sft_doc(), full_grpo_doc()
    for old, new in (("model", "modle"), ("model", "Model")):
        b.add(f"typo/top-key/{new}", sft.renamed_key("", old, new))
    b.add("typo/top-key/algoritm", grpo.renamed_key("", "algorithm", "algoritm"))
    b.add("typo/top-key/algoritm-dual", dual_doc().with_value("", "algoritm", "grpo"))
    b.add("typo/top-key/thinkng", grpo.renamed_key("", "thinking", "thinkng"))
    for old, new in (
        ("environment", "enviroment"),
        ("environment", "env"),
        ("train", "trian"),
        ("train", "training"),
        ("wandb", "wandn"),
        ("worker_env", "worker-env"),
        ("worker_env", "env_vars"),
        ("environment.params", "environment.param"),
    ):
        b.add(f"typo/table/{new}", sft.renamed_table(old, new))
    for old, new in (
        ("lora_rank", "lora_rnak"),
        ("learning_rate", "learning-rate"),
        ("learning_rate", "lr"),
        ("max_examples", "max_example"),
        ("batch_size", "batchsize"),
        ("epochs", "num_epochs"),
    ):
        b.add(f"typo/train-key/{new}", sft.renamed_key("train", old, new))
    for old, new in (("group_size", "group-size"), ("steps", "step"), ("max_tokens", "max_new")):
        b.add(f"typo/train-key/{new}", grpo.renamed_key("train", old, new))
    b.add("typo/train-key/Lora_Rank", sft.renamed_key("train", "lora_rank", "Lora_Rank"))
    b.add("typo/env-key/idd", sft.renamed_key("environment", "id", "idd"))
    b.add("typo/env-key/ID", sft.renamed_key("environment", "id", "ID"))
    b.add("typo/env-key/secret", sft.renamed_key("environment", "secrets", "secret"))
    b.add("typo/env-key/pips", sft.renamed_key("environment", "pip", "pips"))
    b.add("typo/wandb-key/projcet", sft.renamed_key("wandb", "project", "projcet"))
    b.add("typo/wandb-key/run-name", sft.renamed_key("wandb", "run_name", "run-name"))
    dual = dual_doc()
    for value in ("sfft", "gpro", "GRPO", "Sft", "rl", "grpo "):
        b.add(f"typo/algorithm/{slug(value)}", dual.with_value("", "algorithm", value))
    for i, value in enumerate(
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
        )
    ):
        b.add(f"typo/model/{i:02d}-{slug(value)}", sft.with_value("", "model", value))


_WRONG_TYPES: dict[str, TomlValue] = {
    "str": "8",
    "bool": True,
    "array": [8],
    "table": {"value": 8},
    "date": date(1979, 5, 27),
    "datetime": datetime(1979, 5, 27, 7, 32),
}


def _wrong_types(b: Builder) -> None:
    base = all_knobs_doc("grpo")
    for key in (*INT_KNOBS, *FLOAT_KNOBS):
        for kind, value in _WRONG_TYPES.items():
            b.add(f"type/train.{key}/{kind}", base.with_value("train", key, value))
    for kind, value in _WRONG_TYPES.items():
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
    for kind, value in v(
        {
            "int": 4,
            "bool": True,
            "array": ["Qwen/Qwen3.5-4B"],
            "empty": "",
            "blank": "   ",
            "inline-table": {"id": "Qwen/Qwen3.5-4B"},
        }
    ).items():
        b.add(f"type/model/{kind}", sft.with_value("", "model", value))
    b.add("type/model/missing", sft.without("", "model"))
    b.add("type/model/table", sft.without("", "model").with_table("model", {"id": DEFAULT_MODEL}))
    for table in ("environment", "train", "worker_env", "wandb", "gpu"):
        for kind, value in v({"str": "x", "int": 1, "false": False, "array": []}).items():
            b.add(f"type/{table}/{kind}", sft.without(table).with_value("", table, value))
        b.add(f"type/{table}/array-of-tables", sft.without(table).with_tail(f"[[{table}]]\n"))
        b.add(f"type/{table}/inline-empty", sft.without(table).with_value("", table, {}))
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
        base = sft if i % 2 == 0 else grpo
        b.add(f"bound/train.{key}/min-1", base.with_value("train", key, minimum - 1))
        b.add(f"bound/train.{key}/min", base.with_value("train", key, minimum))
        b.add(f"bound/train.{key}/16.0", base.with_value("train", key, 16.0))
        b.add(f"bound/train.{key}/16.5", base.with_value("train", key, 16.5))
        b.add(f"bound/train.{key}/inf", base.with_value("train", key, math.inf))
        # Always SFT: under GRPO a huge max_length/group_size hangs Flash's sizing (see below).
        for name, value in (("2e53", 2**53), ("2e53+1", 2**53 + 1), ("2e63", 2**63)):
            b.add(f"bound/train.{key}/{name}", sft.with_value("train", key, value))
    b.add("bound/train.max_examples/10e400", sft.with_value("train", "max_examples", 10**400))
    b.add("bound/train.lora_rank/neg", sft.with_value("train", "lora_rank", -32))
    for i, (key, fmin) in enumerate(FLOAT_KNOBS.items()):
        base = grpo if i % 2 == 0 else sft
        b.add(f"bound/train.{key}/min-1", base.with_value("train", key, fmin - 1))
        b.add(f"bound/train.{key}/min", base.with_value("train", key, fmin))
        b.add(f"bound/train.{key}/int-1", base.with_value("train", key, 1))
        for special in (math.nan, math.inf, -math.inf):
            b.add(f"bound/train.{key}/{special}", base.with_value("train", key, special))
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
        m = slug(model)
        b.add(f"cap/sft/{m}/cap", sft_doc(model).with_value("train", "lora_rank", cap))
        b.add(f"cap/sft/{m}/cap+1", sft_doc(model).with_value("train", "lora_rank", cap + 1))
        b.add(f"cap/grpo/{m}/cap", grpo_doc(model).with_value("train", "lora_rank", cap))
        b.add(f"cap/grpo/{m}/cap+1", grpo_doc(model).with_value("train", "lora_rank", cap + 1))
    adapter = sft_doc().with_value("train", "init_from_adapter", "run-1")
    b.add("cap/sft/4B/adapter-cap+1", adapter.with_value("train", "lora_rank", 65))
    b.add("cap/sft/4B/cap-float", sft_doc().with_value("train", "lora_rank", 64.0))
    b.add("cap/sft/4B/cap+1-float", sft_doc().with_value("train", "lora_rank", 65.0))


def _algorithms(b: Builder) -> None:
    variants: dict[str, TomlValue] = {
        "GRPO": "GRPO",
        "space-grpo": " grpo",
        "empty": "",
        "false": False,
        "zero": 0,
        "one": 1,
        "opd": "opd",
        "empty-array": [],
        "empty-table": {},
        "true": True,
        "array": ["grpo"],
        "SFT": "SFT",
        "float-zero": 0.0,
    }
    for name, value in variants.items():
        b.add(f"algorithm/dual/{name}", dual_doc().with_value("", "algorithm", value))
    for name in ("GRPO", "empty", "false", "opd"):
        b.add(f"algorithm/grpo-base/{name}", grpo_doc().with_value("", "algorithm", variants[name]))
    b.add("algorithm/missing/sft-base", sft_doc().without("", "algorithm"))
    b.add("algorithm/missing/grpo-base", grpo_doc().without("", "algorithm"))
    b.add(
        "algorithm/under-environment",
        grpo_doc().without("", "algorithm").with_value("environment", "algorithm", "grpo"),
    )


FAMILIES = (_valid_bases, _typos, _wrong_types, _bounds, _lora_caps, _algorithms)
