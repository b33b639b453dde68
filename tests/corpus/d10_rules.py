"""Flash 1.0 corpus, part 2: environment ids, secrets, [worker_env], [gpu], [wandb], warm starts,
checkpoints, seed, model_revision, top-level keys, and keys of other releases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from . import shared_rules as shared
from .d10_base import full_doc, grpo_doc, opd_doc, sft_doc
from .toml_doc import Builder, TomlValue, pick, v

VALID_ENV_IDS = (
    "acme/env",
    "-org/_name.",
    "a.b/c-d_e",
    "  acme/env  ",
    "github:acme/env",
    "github:acme/env@v1.2",
    "github:acme/env@main:sub/env.py",
    "https://github.com/acme/env",
    "http://github.com/acme/env.git",
    "https://github.com/acme/env/blob/main/env.py",
    "https://github.com/acme/env/tree/dev/envs/x",
    "HTTPS://GitHub.com/acme/env",
    *shared.ENV_ID_CORNERS_OK,
)
INVALID_ENV_IDS = (
    "acme/lab/env",
    "org/na me",
    "\u00f6rg/name",
    "../x",
    "acme",
    "acme/",
    "acme//env",
    "github:acme/env@",
    "github:acme/env:../x.py",
    "github:acme",
    "https://gitlab.com/acme/env",
    "https://github.com/acme/env/issues",
    "git@github.com:acme/env.git",
    "//[a/b",
    *shared.ENV_ID_CORNERS_BAD,
)


def _environment_ids(b: Builder) -> None:
    shared.environment_ids(b, sft_doc(), grpo_doc(), VALID_ENV_IDS, INVALID_ENV_IDS)
    id_types = v({"int": 12, "false": False, "empty": "", "array": ["a/b"]})
    shared.environment_id_edges(b, sft_doc(), id_types, ("path", "resolved_sha", "name"))


RESERVED = ("RUNPOD_API_KEY", *shared.RESERVED_SECRETS_CORE, "FLASH_ARM", "SEED")


def _secrets(b: Builder) -> None:
    cases: dict[str, TomlValue] = {
        "ok-service": ["SERVICE_API_KEY"],
        "ok-lowercase-hf_token": ["hf_token"],
        "ok-comma": ["A,B"],
        "ok-fireworks": ["FIREWORKS_API_KEY"],
        "ok-modal": ["MODAL_TOKEN_ID"],
        "ok-omp": ["OMP_NUM_THREADS"],
        "ok-duplicates": ["A", "A"],
        "ok-empty": [],
        "bad-empty-name": [""],
        "bad-equals": ["A=B"],
        "bad-space": ["MY KEY"],
        "bad-newline": ["A\nB"],
        "bad-nul": ["A\x00B"],
        "bad-bare-string": "SERVICE_API_KEY",
        "bad-int-entry": ["A", 1],
        "bad-int": 5,
    }
    b.each("secrets", sft_doc(), "environment", "secrets", cases)
    shared.reserved_secrets(b, "secrets/reserved", sft_doc(), RESERVED)


def _worker_env(b: Builder) -> None:
    keys = (
        "FEATURE_FLAG",
        "MY_KEY",
        "TOKENIZERS_PARALLELISM",
        "PUBLIC_KEY",
        "lower_case",
        "RUN_ID",
        "run_id",
        "SEED",
        "Seed",
        "HF_REPO",
        "FLASH_ARM",
        "FLASH_OPD_RESUME_REVISION",
        "OPENAI_API_KEY",
        "GITHUB_PAT",
        "SSH_KEY",
        "DB_PASSWORD",
        "A B",
        "",
        "A=B",
    )
    values: dict[str, TomlValue] = {
        "str": "enabled",
        "int": 5,
        "bool": True,
        "array": ["a", 1],
        "table": {"x": 1},
        "date": date(2024, 1, 1),
    }
    shared.worker_env(b, full_doc("grpo"), keys, values)


GPU_TABLES: dict[str, Mapping[str, TomlValue]] = {
    "ok-empty": {},
    "ok-type-ignored": {"type": "TPU v5"},
    "ok-type-int-ignored": {"type": 5},
    "ok-provider-runpod": {"provider": "runpod"},
    "ok-provider-padded": {"provider": " Lambda "},
    "ok-provider-vast": {"provider": "vast"},
    "bad-provider-modal": {"provider": "modal"},
    "bad-provider-int": {"provider": 1},
    "ok-exact_type-H100": {"exact_type": "H100"},
    "ok-exact_type-alias": {"exact_type": "nvidia h200"},
    "ok-exact_type-a100": {"exact_type": "a100"},
    "ok-exact_type-blank": {"exact_type": "  "},
    "bad-exact_type-unknown": {"exact_type": "TPU v5"},
    "bad-exact_type-retired": {"exact_type": "a6000"},
    "bad-exact_type-int": {"exact_type": 80},
    "sizing-exact_type-small": {"exact_type": "RTX 4090"},
    "ok-exact_type-provider": {"exact_type": "H200", "provider": "runpod"},
    "bad-exact_type-provider": {"exact_type": "H200", "provider": "lambda"},
    "ok-max_retries": {"max_retries": 0},
    "bad-max_retries-neg": {"max_retries": -1},
    "bad-max_retries-str": {"max_retries": "3"},
    "ok-max_wall_seconds": {"max_wall_seconds": 60},
    "bad-max_wall_seconds-59": {"max_wall_seconds": 59},
    "ok-max_wall_seconds-float": {"max_wall_seconds": 3600.0},
    "ok-disk_gb": {"disk_gb": 200},
    "ok-disk_gb-str": {"disk_gb": "big"},
    "ok-network_volume": {"network_volume": "vol-1", "network_volume_gb": 50},
    "bad-count": {"count": 2},
    "bad-providers": {"providers": ["runpod"]},
    "bad-type_fallbacks": {"type_fallbacks": ["H100"]},
}


def _gpu(b: Builder) -> None:
    b.each_table("gpu/sft", sft_doc(), "gpu", GPU_TABLES)
    grpo_tables = pick(GPU_TABLES, "ok-exact_type-H100", "sizing-exact_type-small", "ok-provider-vast")
    b.each_table("gpu/grpo", grpo_doc(), "gpu", grpo_tables)


WANDB: dict[str, Mapping[str, TomlValue]] = {
    "ok-project": {"project": "p"},
    "ok-padded": {"project": "  p  ", "run_name": "r"},
    "ok-empty-table": {},
    "bad-entity": {"project": "p", "entity": "team"},
    "bad-empty-project": {"project": ""},
    "bad-int-project": {"project": 5},
}


def _wandb(b: Builder) -> None:
    b.each_table("wandb", full_doc("sft"), "wandb", WANDB)


ADAPTER_REFS: dict[str, str] = {
    "ok-run": "run-1",
    "ok-flash-id": "flash-1700000000-abcdef12",
    "ok-step": "run-1/step-5",
    "ok-step-leading-zero": "run-1/step-007",
    "ok-step-18-digits": "run-1/step-" + "9" * 18,
    "ok-padded": "  run-1  ",
    "ok-blank": "  ",
    "ok-128-chars": "a" * 128,
    "bad-final": "run-1/final",
    "bad-step-19-digits": "run-1/step-" + "9" * 19,
    "bad-leading-dash": "-run",
    "bad-129-chars": "a" * 129,
    "bad-storage-ref": "owner/repo:rl/run-1",
    "bad-checkpoints": "run-1/checkpoints/step-5",
    "bad-space": "run 1",
}


def _init_from_adapter(b: Builder) -> None:
    b.each("adapter/grpo", grpo_doc(), "train", "init_from_adapter", ADAPTER_REFS)
    opd_refs = pick(ADAPTER_REFS, "ok-run", "ok-step", "bad-final", "bad-space")
    b.each("adapter/opd", opd_doc(), "train", "init_from_adapter", opd_refs)
    sft_refs = pick(ADAPTER_REFS, "ok-run", "ok-step", "ok-blank", "bad-final")
    b.each("adapter/sft", sft_doc(), "train", "init_from_adapter", sft_refs)
    b.each("adapter/type", grpo_doc(), "train", "init_from_adapter", v({"int": 5, "bool": True}))
    shared.warm_start_with_lora(b, grpo_doc().with_value("train", "init_from_adapter", "run-1"))
    b.add("adapter/blank-with-lora_rank", grpo_doc().with_values("train", {"init_from_adapter": " ", "lora_rank": 8}))


def _checkpoints(b: Builder) -> None:
    save_at_steps: dict[str, TomlValue] = {
        "ok": [5, 10],
        "ok-empty": [],
        "bad-scalar": 5,
        "bad-float-entry": [5.0],
        "bad-zero": [0, 5],
        "bad-decreasing": [3, 2],
        "bad-duplicate": [2, 2],
        "bad-beyond-max_steps": [5, 11],
    }
    shared.checkpoints(b, sft_doc(), grpo_doc(), save_at_steps, {"max_steps-0": 0})


def _top_level(b: Builder) -> None:
    shared.seeds(b, grpo_doc(), shared.SEEDS)
    revisions = v(
        {"ok-main": "main", "ok-sha": "0123456789abcdef0123456789abcdef01234567", "ok-empty": "", "bad-int": 1}
    )
    b.each("model_revision", sft_doc(), "", "model_revision", revisions)
    b.add(
        "model_revision/with-exact_type",
        sft_doc().with_value("", "model_revision", "main").with_table("gpu", {"exact_type": "RTX 4090"}),
    )
    b.each("model_policy", sft_doc(), "", "model_policy", v({"allow": "allow", "int": 5, "table": {"x": 1}}))
    b.add("model_policy/allow-uncatalogued", sft_doc("meta-llama/Llama-3.1-8B").with_value("", "model_policy", "allow"))
    b.each("run_id", sft_doc(), "", "run_id", v({"str": "my-run", "int": 7}))
    sft = sft_doc()
    scalars = v({"lora_rank": 8, "steps": 300, "project": "123e4567-e89b-12d3-a456-426614174000", "dry_run": True})
    shared.unknown_top_level(b, sft, scalars, ("grpo", "sft", "opd", "foo", "project"))
    b.add("top/unknown-table/scalar-and-table", sft.with_value("", "zeta", 1).with_table("alpha", {"x": 1}))
    shared.arrays_of_tables(b, sft, ("grpo",))
    shared.subtables(b, sft, ("train",))


def _other_releases(b: Builder) -> None:
    """Keys and values that belong to another Flash release (renamed, removed, or not yet there)."""
    grpo = grpo_doc()
    keys = v(
        {
            "steps": 300,
            "max_length": 2048,
            "max_tokens": 256,
            "prompts_per_step": 8,
            "credit_assignment": "per_turn",
            "entropy_quantile": 0.2,
            "loraplus_ratio": 16.0,
            "opd_eos_loss_coef": 0.1,
            "init_from_adapter_revision": "abc",
            "seed": 7,
        }
    )
    for key, value in keys.items():
        b.add(f"other-release/train.{key}", grpo.with_value("train", key, value))
    b.add("other-release/train.hf_repo", grpo.with_value("train", "hf_repo", "me/adapters"))
    b.add("other-release/train.hf_repo-int", grpo.with_value("train", "hf_repo", 5))
    b.add("other-release/three-part-id", grpo.with_value("environment", "id", "acme/lab/env"))
    b.add("other-release/final-ref", grpo.with_value("train", "init_from_adapter", "run-1/final"))
    b.add("other-release/gpu-count", grpo.with_table("gpu", {"count": 2}))
    b.add("other-release/gpu-provider-modal", grpo.with_table("gpu", {"provider": "modal"}))
    for teacher in ("glm-5.3", "kimi-k3", "qwen3.5-397b-a17b"):
        b.add(f"other-release/teacher-{teacher}", opd_doc().with_value("train", "teacher_model", teacher))


FAMILIES = (
    _environment_ids,
    _secrets,
    _worker_env,
    _gpu,
    _wandb,
    _init_from_adapter,
    _checkpoints,
    _top_level,
    _other_releases,
)
