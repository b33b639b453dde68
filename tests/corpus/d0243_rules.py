"""Flash 0.2.43 corpus, part 2: environment ids, secrets, [worker_env], [wandb], warm starts, stops, top level."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

from . import shared_rules as shared
from .d0243_base import RESERVED_SECRETS, full_grpo_doc, full_sft_doc, grpo_doc, sft_doc
from .toml_doc import Builder, TomlValue, v

VALID_ENV_IDS = (
    "acme/env",
    "-org/_name.",
    "a.b/c-d_e",
    "  acme/env  ",
    "acme/env\n",
    "github:acme/env",
    "github:acme/env@v1.2",
    "github:acme/env@main:sub/env.py",
    "github:acme/env:envs/x.py",
    "github:acme/env@main:",
    "https://github.com/acme/env",
    "http://github.com/acme/env.git",
    "https://github.com/acme/env/blob/main/env.py",
    "https://github.com/acme/env/tree/dev/envs/x",
    "https://github.com/acme/env/",
    "HTTPS://GitHub.com/acme/env",
    "https://github.com/acme/env?tab=readme",
    *shared.ENV_ID_CORNERS_OK,
)
INVALID_ENV_IDS = (
    "a/b/c",
    "org/na me",
    "\u00f6rg/name",
    "../x",
    "./env",
    "org:x/name",
    "acme",
    "acme/",
    "/env",
    "acme//env",
    "github:acme/env@",
    "github:acme/env:/abs.py",
    "github:acme/env:../x.py",
    "github:acme",
    "github:acme/env/extra",
    "github:acme/en v",
    "https://gitlab.com/acme/env",
    "https://github.com/acme",
    "https://www.github.com/acme/env",
    "https://github.com:443/acme/env",
    "https://github.com/acme/env/blob/main",
    "https://github.com/acme/env/issues",
    "https://github.com/acme/env/blob/main/../x.py",
    "ftp://github.com/acme/env",
    "git@github.com:acme/env.git",
    "null",
    "//[a/b",
    *shared.ENV_ID_CORNERS_BAD,
)


def _environment_ids(b: Builder) -> None:
    shared.environment_ids(b, sft_doc(), grpo_doc(), VALID_ENV_IDS, INVALID_ENV_IDS)
    b.add("env-id/missing", sft_doc().without("environment", "id"))
    b.add("env-id/empty", sft_doc().with_value("environment", "id", ""))
    b.add("env-id/no-environment", sft_doc().without("environment"))
    b.add("env-id/no-environment-grpo", grpo_doc().without("environment"))
    b.add(
        "env-id/missing-and-no-max_examples",
        sft_doc().without("environment", "id").without("train", "max_examples"),
    )
    env = sft_doc().with_value("environment", "path", "./env")
    b.add("env-id/extra-keys-ignored", env.with_value("environment", "resolved_sha", "abc"))


def _secrets(b: Builder) -> None:
    doc = sft_doc()
    cases: dict[str, TomlValue] = {
        "ok-service": ["SERVICE_API_KEY"],
        "ok-lowercase-hf_token": ["hf_token"],
        "ok-mixed-Hf_Token": ["Hf_Token"],
        "ok-seed": ["SEED"],
        "ok-wandb": ["WANDB_API_KEY"],
        "ok-leading-digit": ["9LIVES"],
        "ok-dash": ["my-key"],
        "ok-unicode": ["CL\u00c9"],
        "ok-duplicates": ["A", "A", "B"],
        "ok-empty": [],
        "bad-dup-reserved": ["HF_TOKEN", "HF_TOKEN"],
        "bad-two-reserved": ["RUN_ID", "OK", "HF_TOKEN"],
        "bad-empty-name": [""],
        "bad-equals": ["A=B"],
        "bad-space": ["MY KEY"],
        "bad-tab": ["A\tB"],
        "bad-newline": ["A\nB"],
        "bad-cr": ["A\rB"],
        "bad-nul": ["A\x00B"],
        "bad-invalid-and-reserved": ["HF_TOKEN", "A B"],
        "bad-bare-string": "SERVICE_API_KEY",
        "bad-int-entry": ["A", 1],
        "bad-table": {"A": "x"},
        "bad-int": 5,
        "bad-false": False,
    }
    b.each("secrets", doc, "environment", "secrets", cases)
    for name in RESERVED_SECRETS:
        b.add(f"secrets/reserved/{name}", doc.with_value("environment", "secrets", [name]))
        b.add(
            f"secrets/reserved-lower/{name.lower()}",
            doc.with_value("environment", "secrets", [name.lower()]),
        )


def _worker_env(b: Builder) -> None:
    doc = full_grpo_doc()
    keys_ok = (
        "FEATURE_FLAG",
        "MY_KEY",
        "KEYBOARD_LAYOUT",
        "TOKENIZERS_PARALLELISM",
        "MYTOKEN",
        "API-KEY",
        "RUN_ID",
        "SEED",
        "HF_REPO",
        "PUBLIC_KEY",
        "lower_case",
    )
    keys_bad = (
        "OPENAI_API_KEY",
        "SERVICE_APIKEY",
        "GITHUB_PAT",
        "SSH_KEY",
        "HF_TOKEN_X",
        "my_token",
        "AWS_ACCESS_KEY_ID",
        "DB_PASSWORD",
        "CLIENT_SECRET",
        "TLS_KEY",
        "A B",
        "",
        "A=B",
        "A\tB",
    )
    values: dict[str, TomlValue] = {
        "str": "enabled",
        "secret-looking-value": "sk-proj-abcdefghijklmnop",
        "ghp-value": "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "int": 5,
        "float": 0.5,
        "nan": math.nan,
        "bool": True,
        "array": ["a", 1],
        "table": {"x": 1},
        "date": date(2024, 1, 1),
        "empty": "",
    }
    shared.worker_env(b, doc, keys_ok + keys_bad, values)
    b.add(
        "worker_env/two-secret-keys",
        doc.with_table("worker_env", {"SSH_KEY": "x", "OPENAI_API_KEY": "y", "OK": "z"}),
    )


def _wandb(b: Builder) -> None:
    doc = full_sft_doc()
    cases: dict[str, Mapping[str, TomlValue]] = {
        "ok-project": {"project": "p"},
        "ok-run_name": {"run_name": "r"},
        "ok-both-padded": {"project": "  p  ", "run_name": "r"},
        "ok-empty-table": {},
        "bad-entity": {"project": "p", "entity": "team"},
        "bad-empty-project": {"project": ""},
        "bad-blank-run_name": {"run_name": "   "},
        "bad-int-project": {"project": 5},
        "bad-bool-run_name": {"run_name": True},
        "bad-array-project": {"project": ["p"]},
        "bad-api-key": {"api_key": "x"},
    }
    b.each_table("wandb", doc, "wandb", cases)


INIT_FROM_ADAPTER: dict[str, str] = {
    "ok-run": "run-1",
    "ok-flash-id": "flash-1700000000-abcdef12",
    "ok-step": "run-1/step-5",
    "ok-step-0": "run-1/step-0",
    "ok-step-leading-zero": "run-1/step-007",
    "ok-step-18-digits": "run-1/step-" + "9" * 18,
    "ok-empty": "",
    "ok-blank": "   ",
    "ok-padded": "  run-1  ",
    "ok-128-chars": "a" * 128,
    "ok-dots": "a.b_c-d",
    "bad-step-19-digits": "run-1/step-" + "9" * 19,
    "bad-step-empty": "run-1/step-",
    "bad-storage-ref": "owner/repo:sft/run-1",
    "bad-checkpoints-ref": "run-1/checkpoints/step-5",
    "bad-leading-dash": "-run",
    "bad-129-chars": "a" * 129,
    "bad-space": "run 1",
    "bad-Step": "run-1/Step-5",
    "bad-two-steps": "run-1/step-1/step-2",
}


def _init_from_adapter(b: Builder) -> None:
    b.each("adapter/sft", sft_doc(), "train", "init_from_adapter", INIT_FROM_ADAPTER)
    # Under GRPO: two good references and every bad one.
    grpo_refs = {n: ref for n, ref in INIT_FROM_ADAPTER.items() if n in ("ok-run", "ok-step") or n.startswith("bad-")}
    b.each("adapter/grpo", grpo_doc(), "train", "init_from_adapter", grpo_refs)


def _stop_sequences(b: Builder) -> None:
    b.each("stop_sequences", full_grpo_doc(), "train", "stop_sequences", shared.STOP_SEQUENCES)
    b.add("stop_sequences/ok-under-sft", full_sft_doc().with_value("train", "stop_sequences", "x"))


def _top_level_unknowns(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    scalars: dict[str, TomlValue] = {
        "seed": 42,
        "project": "x",
        "lora_rank": 999,
        "steps": 300,
        "dry_run": True,
        "group_size": [8],
        "extra": date(2024, 1, 1),
    }
    shared.unknown_top_level(b, sft, scalars, ("project", "seed", "grpo", "sft", "foo"))
    b.add("top/unknown-table/empty-foo", sft.with_table("foo"))
    b.add("top/unknown-table/inline-empty", sft.with_value("", "foo", {}))
    b.add("top/unknown-table/inline-grpo", grpo.with_value("", "grpo", {"group_size": 8}))
    b.add("top/unknown-table/dotted-grpo", "grpo.group_size = 8\n" + grpo.render())
    b.add("top/unknown-table/grpo-and-zeta", grpo.with_table("zeta").with_table("grpo"))
    b.add("top/unknown-table/Train", sft.with_table("Train", {"lora_rank": 8}))
    shared.arrays_of_tables(b, sft, ("grpo", "foo", "sft"))
    b.add("top/array-of-tables/train", sft.without("train").with_tail("[[train]]\nmax_examples = 5\n"))
    shared.subtables(b, sft, ("train", "environment", "wandb"))


def _managed_keys(b: Builder) -> None:
    sft = sft_doc()
    gpu_tables: dict[str, dict[str, TomlValue]] = {
        "gpu-type": {"type": "H100"},
        "gpu-bogus-type": {"type": "TPU v5"},
        "gpu-unknown-key": {"count": 8, "disk_gb": "big"},
        "gpu-empty": {},
    }
    b.each_table("managed", sft, "gpu", gpu_tables)
    policy: dict[str, TomlValue] = {
        "allow": "allow",
        "catalog": "catalog",
        "int": 5,
        "table": {"x": 1},
        "array": [],
    }
    b.each("managed/model_policy", sft, "", "model_policy", policy)
    b.add(
        "managed/model_policy/allow-uncatalogued",
        sft.with_value("", "model_policy", "allow").with_value("", "model", "meta-llama/Llama-3.1-8B"),
    )
    b.add("managed/model_policy/table-section", sft.with_table("model_policy", {"mode": "allow"}))
    b.each("managed/run_id", sft, "", "run_id", v({"str": "my-run", "int": 7, "table": {"x": 1}, "empty": ""}))
    b.add("managed/run_id/table-section", sft.with_table("run_id", {"x": 1}))
    hf_repos = v({"str": "me/adapters", "int": 5, "table": {"x": 1}, "bool": False})
    b.each("managed/hf_repo", sft, "train", "hf_repo", hf_repos)
    b.add("managed/hf_repo/top-level", sft.with_value("", "hf_repo", "me/adapters"))


def _max_examples(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    shared.max_examples(b, sft, grpo)
    b.add("max_examples/grpo-zero", grpo.with_value("train", "max_examples", 0))
    b.add("max_examples/grpo-no-train", grpo.without("train"))
    b.add("max_examples/grpo-empty-train", grpo.with_table("train"))
    b.add("max_examples/sft-steps-0", sft.with_value("train", "steps", 0))
    b.add("max_examples/grpo-epochs-0", grpo.with_value("train", "epochs", 0))
    b.add("max_examples/sft-top-level", sft.without("train").with_value("", "max_examples", 5))
    b.add(
        "max_examples/minimal-grpo",
        'model = "Qwen/Qwen3.5-0.8B"\nalgorithm = "grpo"\n[environment]\nid = "a/b"\n',
    )
    b.add(
        "max_examples/minimal-sft",
        'model = "Qwen/Qwen3.5-0.8B"\n[environment]\nid = "a/b"\n[train]\nmax_examples = 1\n',
    )
    b.add(
        "max_examples/dotted-keys",
        'model = "Qwen/Qwen3.5-2B"\nenvironment.id = "a/b"\ntrain.max_examples = 3\ntrain.lora_rank = 8\n',
    )


FAMILIES = (
    _environment_ids,
    _secrets,
    _worker_env,
    _wandb,
    _init_from_adapter,
    _stop_sequences,
    _top_level_unknowns,
    _managed_keys,
    _max_examples,
)
