"""Flash 1.3 corpus, part 2: project, environment ids, pip, secrets, [gpu], [wandb], warm starts, checkpoints,
seed, and keys of other releases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from . import shared_rules as shared
from .d13_base import PROJECT, base_doc, full_doc, grpo_doc, opd_doc, sft_doc
from .toml_doc import Builder, TomlValue, pick, slug, v

PROJECTS_OK = (
    PROJECT,
    PROJECT.upper(),
    "{" + PROJECT.upper() + "}",
    PROJECT.replace("-", ""),
    "urn:uuid:" + PROJECT,
    "uuid:" + PROJECT,
    "123e4567e89b-12d3a456-4266-14174000",
    "  " + PROJECT + "  ",
    "00000000-0000-0000-0000-000000000000",
    "0x" + "1" * 30,
    "+" + "1" * 31,
    "1_" + "1" * 30,
    "{" + PROJECT,
    "\uff11" * 32,
)
PROJECTS_BAD = (
    "abc",
    "1" * 31,
    "1" * 33,
    "URN:UUID:" + PROJECT,
    "my-project",
    PROJECT + "0",
    "g" * 32,
    "1_" + "1" * 31,
)


def _project(b: Builder) -> None:
    doc = sft_doc()
    for i, value in enumerate(PROJECTS_OK):
        b.add(f"project/ok-{i:02d}-{slug(value)}", doc.with_value("", "project", value))
    for i, value in enumerate(PROJECTS_BAD):
        b.add(f"project/bad-{i:02d}-{slug(value)}", doc.with_value("", "project", value))
    odd = v({"int": 123, "bool": True, "array": [PROJECT], "table": {"id": PROJECT}, "empty": "", "blank": "  "})
    b.each("project/type", doc, "", "project", odd)
    b.add("project/missing", doc.without("", "project"))
    b.add("project/missing-and-no-environment", doc.without("", "project").without("environment"))
    b.add("project/under-train", doc.without("", "project").with_value("train", "project", PROJECT))


VALID_ENV_IDS = (
    "acme/lab/env",
    "-a/_b/.c",
    "a.b/c-d/e_f",
    "  acme/lab/env  ",
    "github:acme/env",
    "github:acme/env@v1.2",
    "github:acme/env@v1.2:sub/dir/env.py",
    "github:acme/env:envs\\x.py",
    "github:freesolo-co/environment-hub@dev:envs/math.py",
    "https://github.com/acme/env",
    "http://github.com/acme/env.git",
    "https://github.com/acme/env/blob/main/env.py",
    "https://github.com/acme/env/tree/dev/envs/x",
    "https://github.com/acme/env/blob/main/envs%2Fx.py",
    *shared.ENV_ID_CORNERS_OK,
)
INVALID_ENV_IDS = (
    "acme/env",
    "a/b/c/d",
    "a/../c",
    "a/./c",
    "\u00e4/b/c",
    "a:b/c/d",
    "acme/lab/",
    "acme//env",
    "acme/la b/env",
    "github:acme/env@",
    "github:acme/env@:x.py",
    "github:acme/env:/abs.py",
    "github:acme/env:a/../x.py",
    "github:acme/env@feat/x",
    "github:acme",
    "https://gitlab.com/acme/env",
    "https://github.com/acme/env/issues",
    "https://www.github.com/acme/env",
    "git@github.com:acme/env.git",
    "acme",
    "//[a/b/c",
    *shared.ENV_ID_CORNERS_BAD,
)


def _environment_ids(b: Builder) -> None:
    shared.environment_ids(b, sft_doc(), grpo_doc(), VALID_ENV_IDS, INVALID_ENV_IDS)
    id_types = v({"int": 12, "false": False, "empty": "", "array": ["a/b/c"]})
    extra_keys = ("path", "resolved_sha", "name", "algorithm")
    shared.environment_id_edges(b, sft_doc(), id_types, extra_keys, empty_table=True)


PIP: dict[str, TomlValue] = {
    "ok-list": ["numpy", "openai>=1.0"],
    "ok-empty": [],
    "ok-padded": ["  numpy  "],
    "ok-duplicates": ["numpy", "numpy"],
    "ok-wheel-url": ["pkg @ https://host.example/x.whl"],
    "ok-git": ["git+https://github.com/o/r@v1"],
    "bad-string": "numpy",
    "bad-url-string": "https://host.example/x.whl",
    "bad-int": 5,
    "bad-table": {"numpy": "1"},
    "bad-int-entry": ["numpy", 1],
    "bad-blank-entry": ["  "],
    "bad-empty-entry": [""],
    "bad-option": ["--no-deps"],
    "bad-padded-option": ["  -e ./pkg"],
    "bad-userinfo": ["pkg @ https://user:pw@host.example/x.whl"],
    "bad-token-query": ["pkg @ https://host.example/x.whl?token=abc"],
    "bad-git-userinfo": ["git+https://tok@github.com/o/r"],
}


def _pip(b: Builder) -> None:
    b.each("pip/sft", sft_doc(), "environment", "pip", PIP)
    b.each("pip/grpo", grpo_doc(), "environment", "pip", pick(PIP, "ok-list", "bad-string", "bad-option"))


RESERVED = (
    "MODAL_TOKEN_ID",
    "MODAL_TOKEN_SECRET",
    *shared.RESERVED_SECRETS_CORE,
    "GIT_ASKPASS",
    "FLASH_ARM",
    "SEED",
    "FLASH_OPD_RESUME_REVISION",
    "FLASH_PUBLIC_URL",
    "FLASH_TEACHER_CAPABILITY",
    "FLASH_SECRET_ENV_KEYS",
    "PARASAIL_API_KEY",
)
RESERVED_GRPO = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RAYON_NUM_THREADS",
    "TOKENIZERS_PARALLELISM",
)


def _secrets(b: Builder) -> None:
    doc = sft_doc()
    cases: dict[str, TomlValue] = {
        "ok-service": ["SERVICE_API_KEY"],
        "ok-runpod": ["RUNPOD_API_KEY"],
        "ok-wandb": ["WANDB_API_KEY"],
        "ok-fireworks": ["FIREWORKS_API_KEY"],
        "ok-lower": ["my_key"],
        "ok-leading-digit": ["9LIVES"],
        "ok-dash": ["my-key"],
        "ok-unicode": ["CL\u00c9"],
        "ok-nbsp": ["A\u00a0B"],
        "ok-duplicates": ["A", "A", "B"],
        "ok-empty": [],
        "bad-empty-name": [""],
        "bad-equals": ["A=B"],
        "bad-comma": ["A,B"],
        "bad-space": ["MY KEY"],
        "bad-tab": ["A\tB"],
        "bad-newline": ["A\nB"],
        "bad-cr": ["A\rB"],
        "bad-nul": ["A\x00B"],
        "bad-reserved-lower": ["hf_token"],
        "bad-reserved-mixed": ["Run_Id", "GIT_ASKPASS"],
        "bad-invalid-and-reserved": ["HF_TOKEN", "A B"],
        "bad-bare-string": "SERVICE_API_KEY",
        "bad-int-entry": ["A", 1],
        "bad-table": {"A": "x"},
        "bad-int": 5,
    }
    b.each("secrets", doc, "environment", "secrets", cases)
    shared.reserved_secrets(b, "secrets/reserved", doc, RESERVED)
    shared.reserved_secrets(b, "secrets/reserved-grpo/grpo", grpo_doc(), RESERVED_GRPO)
    for name in RESERVED_GRPO[:3]:
        b.add(f"secrets/reserved-grpo/sft/{name}", doc.with_value("environment", "secrets", [name]))
        b.add(f"secrets/reserved-grpo/opd/{name}", opd_doc().with_value("environment", "secrets", [name]))
    b.add("secrets/reserved-grpo/grpo-lower", grpo_doc().with_value("environment", "secrets", ["omp_num_threads"]))


GPU_TABLES: dict[str, Mapping[str, TomlValue]] = {
    "ok-empty": {},
    "ok-count-1": {"count": 1},
    "ok-count-8": {"count": 8},
    "ok-count-3": {"count": 3},
    "ok-count-2.0": {"count": 2.0},
    "bad-count-0": {"count": 0},
    "bad-count-9": {"count": 9},
    "bad-count-bool": {"count": True},
    "bad-count-str": {"count": "2"},
    "bad-count-2.5": {"count": 2.5},
    "ok-type-H100": {"type": "H100"},
    "ok-type-h100": {"type": "h100"},
    "ok-type-nvidia-h200": {"type": "nvidia h200"},
    "ok-type-a100": {"type": "a100"},
    "ok-type-A100-80GB": {"type": "A100-80GB"},
    "ok-type-pro_6000": {"type": "pro_6000"},
    "ok-type-bang": {"type": "H100!"},
    "ok-type-blank": {"type": "  "},
    "ok-type-list": {"type": ["H100", "h100", "A100 SXM"]},
    "ok-type-B200": {"type": "B200"},
    "bad-type-4090": {"type": "RTX 4090"},
    "bad-type-A100-SXM-40GB": {"type": "A100-SXM 40GB"},
    "bad-type-pro-6000": {"type": "pro-6000"},
    "bad-type-nvidia_h100": {"type": "nvidia_h100"},
    "bad-type-empty-list": {"type": []},
    "bad-type-int": {"type": 80},
    "bad-type-int-entry": {"type": ["H100", 1]},
    "bad-type-blank-entry": {"type": ["H100", " "]},
    "sizing-type-L4": {"type": "L4"},
    "ok-type-H100-count-4": {"type": "H100", "count": 4},
    "ok-type-H200": {"type": "H200"},
    "ok-provider-modal": {"provider": "modal"},
    "ok-provider-padded": {"provider": " Modal "},
    "bad-provider-runpod": {"provider": "runpod"},
    "bad-provider-lambda": {"provider": "lambda"},
    "bad-provider-int": {"provider": 1},
    "ok-providers": {"providers": ["modal"]},
    "ok-providers-dupes": {"providers": ["Modal", "modal "]},
    "bad-providers-empty": {"providers": []},
    "bad-providers-string": {"providers": "modal"},
    "bad-providers-aws": {"providers": ["aws"]},
    "bad-provider-and-providers": {"provider": "modal", "providers": ["modal"]},
    "bad-disk_gb": {"disk_gb": 100},
    "bad-exact_type": {"exact_type": "H100"},
    "bad-max_retries": {"max_retries": 3},
    "bad-max_wall_seconds": {"max_wall_seconds": 3600},
    "bad-network_volume": {"network_volume": "vol"},
    "bad-type_fallbacks": {"type_fallbacks": ["A100 SXM"]},
}


def _gpu(b: Builder) -> None:
    b.each_table("gpu/sft", sft_doc(), "gpu", GPU_TABLES)
    big = grpo_doc("Qwen/Qwen3.6-35B-A3B")
    big_tables = pick(
        GPU_TABLES, "ok-count-8", "ok-type-blank", "sizing-type-L4", "ok-type-H100-count-4", "bad-count-0"
    )
    b.each_table("gpu/35b-grpo", big, "gpu", big_tables)
    b.add("gpu/35b-grpo/count-1", big.with_table("gpu", {"count": 1}))


WANDB: dict[str, Mapping[str, TomlValue]] = {
    "ok-project": {"project": "p"},
    "ok-run_name": {"run_name": "r"},
    "ok-padded": {"project": "  p  ", "run_name": "r"},
    "ok-empty-table": {},
    "bad-entity": {"project": "p", "entity": "team"},
    "bad-empty-project": {"project": ""},
    "bad-blank-run_name": {"run_name": "   "},
    "bad-int-project": {"project": 5},
    "bad-date-project": {"project": date(2024, 1, 1)},
    "bad-api-key": {"api_key": "x"},
}


def _wandb(b: Builder) -> None:
    b.each_table("wandb", full_doc("sft"), "wandb", WANDB)


ADAPTER_REFS: dict[str, str] = {
    "ok-final": "run-1/final",
    "ok-step": "run-1/step-5",
    "ok-padded": "  run-1/step-5  ",
    "ok-step-0": "run-1/step-0",
    "ok-step-18-digits": "run-1/step-" + "9" * 18,
    "ok-128-char-run": "a" * 128 + "/final",
    "ok-flash-id": "flash-1700000000-abcdef12/final",
    "ok-blank": "   ",
    "bad-bare-run": "run-1",
    "bad-step-leading-zero": "run-1/step-05",
    "bad-step-19-digits": "run-1/step-" + "9" * 19,
    "bad-leading-dash": "-run/final",
    "bad-129-char-run": "a" * 129 + "/final",
    "bad-checkpoints": "run-1/checkpoints/step-5",
    "bad-storage-ref": "o/r:rl/run-1",
    "bad-Final": "run-1/Final",
    "bad-step-empty": "run-1/step-",
}


def _init_from_adapter(b: Builder) -> None:
    b.each("adapter/sft", sft_doc(), "train", "init_from_adapter", ADAPTER_REFS)
    rollout_refs = pick(ADAPTER_REFS, "ok-final", "ok-step", "bad-bare-run", "bad-step-leading-zero")
    for algorithm in ("grpo", "opd"):
        b.each(f"adapter/{algorithm}", base_doc(algorithm), "train", "init_from_adapter", rollout_refs)
    b.each(
        "adapter/type", sft_doc(), "train", "init_from_adapter", v({"int": 5, "bool": True, "array": ["run-1/final"]})
    )
    shared.warm_start_with_lora(b, sft_doc().with_value("train", "init_from_adapter", "run-1/final"))
    blank = sft_doc().with_value("train", "init_from_adapter", "  ")
    b.add("adapter/blank-with-lora_rank", blank.with_value("train", "lora_rank", 16))
    b.add(
        "adapter/35b-grpo-warm-start",
        grpo_doc("Qwen/Qwen3.6-35B-A3B").with_value("train", "init_from_adapter", "r/final"),
    )


def _checkpoints(b: Builder) -> None:
    save_at_steps: dict[str, TomlValue] = {
        "ok": [5, 10],
        "ok-one": [1],
        "ok-empty": [],
        "bad-scalar": 5,
        "bad-float-entry": [5.0],
        "bad-str-entry": ["5"],
        "bad-zero": [0, 5],
        "bad-negative": [-1],
        "bad-decreasing": [3, 2],
        "bad-duplicate": [2, 2],
        "bad-beyond-max_steps": [5, 11],
    }
    shared.checkpoints(b, sft_doc(), grpo_doc(), save_at_steps, {"max_steps-0": 0, "max_steps-neg": -1})
    steps = sft_doc().with_values("train", {"max_steps": 10, "save_every": 5, "save_at_steps": [10]})
    b.add("save_every/with-save_at_steps", steps)


def _seed(b: Builder) -> None:
    shared.seeds(b, grpo_doc(), {**shared.SEEDS, "bad-date": date(2024, 1, 1), "bad-array": [7]})


def _other_releases(b: Builder) -> None:
    """Keys and values that belong to another Flash release (renamed, removed, not yet there)."""
    sft, grpo = sft_doc(), grpo_doc()
    for key, value in v(
        {
            "steps": 300,
            "max_length": 2048,
            "max_tokens": 256,
            "advantage_clip": 0.2,
            "hf_repo": "me/adapters",
            "entropy_quantile": 0.2,
            "loraplus_ratio": 16.0,
            "opd_eos_loss_coef": 0.1,
            "opd_entropy_floor": 0.1,
            "init_from_adapter_revision": "abc",
        }
    ).items():
        b.add(f"other-release/train.{key}", grpo.with_value("train", key, value))
    b.add("other-release/train.batch_size-under-grpo", grpo.with_value("train", "batch_size", 8))
    b.add("other-release/train.batch_size-under-opd", opd_doc().with_value("train", "batch_size", 8))
    b.add("other-release/train.prompts_per_step-under-sft", sft.with_value("train", "prompts_per_step", 8))
    for key, value in v(
        {"model_revision": "main", "model_revision-empty": "", "model_policy": "allow", "run_id": "r"}
    ).items():
        b.add(f"other-release/top.{key}", sft.with_value("", key.split("-")[0], value))
    b.add("other-release/worker_env", sft.with_table("worker_env", {"FLAG": "1"}))
    b.add("other-release/worker_env-empty", sft.with_table("worker_env"))
    b.add("other-release/two-part-id", grpo.with_value("environment", "id", "acme/math-rl"))
    b.add("other-release/bare-run-ref", grpo.with_value("train", "init_from_adapter", "run-1"))
    b.add(
        "other-release/opd-fireworks-teacher",
        opd_doc().with_value("train", "teacher_model", "accounts/fireworks/models/glm-5p1"),
    )
    scalars = v({"lora_rank": 8, "steps": 300, "dry_run": True, "group_size": [8], "extra": date(2024, 1, 1)})
    shared.unknown_top_level(b, sft, scalars, ("grpo", "sft", "opd", "foo"))
    b.add("top/unknown-table/empty-foo", sft.with_table("foo"))
    b.add("top/unknown-table/scalar-and-table", sft.with_value("", "zeta", 1).with_table("alpha", {"x": 1}))
    b.add("top/unknown-table/two-scalars", sft.with_values("", {"b_key": 1, "a_key": 2}))
    shared.arrays_of_tables(b, sft, ("grpo", "foo"))
    shared.subtables(b, sft, ("train", "environment", "gpu"))


FAMILIES = (
    _project,
    _environment_ids,
    _pip,
    _secrets,
    _gpu,
    _wandb,
    _init_from_adapter,
    _checkpoints,
    _seed,
    _other_releases,
)
