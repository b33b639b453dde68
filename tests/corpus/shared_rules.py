"""What the dialects' rule corpora (parts 2 and 3) share: values every release is tried with, and case
builders that take a dialect's base configs and its own value tables.

The builders only move code that the dialect modules used to repeat; each dialect still says, with its
own data, which ids, names and values it tries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .toml_doc import Builder, Doc, TomlValue, slug

# Environment-id corners every release's grammar is tried with: URL corners Python's parser allows (empty
# segments, params, a fragment, a tab it drops), then a blank-padded and a `...` path behind `github:`.
ENV_ID_CORNERS_OK = (
    "https://github.com//acme//env//",
    "https://github.com/acme/env;params",
    "https://github.com/acme/env/;x",
    "https://github.com/acme/env#readme",
    "https://git\thub.com/acme/env",
    "github:acme/env: envs/x.py ",
    "github:acme/env:a/.../x.py",
)
# The tail of every dialect's invalid ids: a bracket Python's URL parser refuses ("Invalid IPv6 URL"; the
# dialect puts its own bracketed id, of its number of parts, first), dot segments in URLs and behind `\\`.
ENV_ID_CORNERS_BAD = (
    "https://[github.com/acme/env",
    "https://github.com/acme/env/blob/main/./x.py",
    "https://github.com/acme/env/blob/main/x/..?y",
    "github:acme/env:a\\..\\x.py",
)

# Secret names every release reserves for its own workers (each dialect adds its own around them).
RESERVED_SECRETS_CORE = (
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "GITHUB_TOKEN",
    "FREESOLO_API_KEY",
    "FREESOLO_INTERNAL_KEY",
    "RUN_ID",
    "HF_REPO",
)

# `stop_sequences` values: strings, lists, other types (1.0 leaves out `bad-bool` and `bad-nested`).
STOP_SEQUENCES: dict[str, TomlValue] = {
    "ok-string": "</s>",
    "ok-empty-string": "",
    "ok-list": ["a", "b"],
    "ok-empty-list": [],
    "ok-list-with-empty": ["a", ""],
    "bad-int-entry": ["a", 1],
    "bad-int": 5,
    "bad-bool": True,
    "bad-table": {"a": "b"},
    "bad-nested": [["a"]],
}

# The `max_steps` values 1.0 and 1.3 are tried with.
MAX_STEPS: dict[str, TomlValue] = {
    "ok-100": 100,
    "ok-0": 0,
    "ok-neg": -5,
    "bad-10.0": 10.0,
    "bad-true": True,
    "bad-str": "10",
}

# The top-level `seed` values 1.0 and 1.3 are tried with (1.3 adds its own).
SEEDS: dict[str, TomlValue] = {
    "ok-42": 42,
    "ok-0": 0,
    "ok-max": 2**63 - 1,
    "bad-neg": -1,
    "bad-2e63": 2**63,
    "bad-float": 7.0,
    "bad-bool": True,
    "bad-str": "7",
}


def environment_ids(b: Builder, sft: Doc, grpo: Doc, valid: Sequence[str], invalid: Sequence[str]) -> None:
    """``env-id/<algorithm>/ok-NN-…`` and ``bad-NN-…``: every id under SFT; under GRPO every other valid
    id and every third invalid one."""
    for algorithm, doc in (("sft", sft), ("grpo", grpo)):
        for i, env_id in enumerate(valid):
            if algorithm == "grpo" and i % 2:
                continue
            b.add(f"env-id/{algorithm}/ok-{i:02d}-{slug(env_id)}", doc.with_value("environment", "id", env_id))
        for i, env_id in enumerate(invalid):
            if algorithm == "grpo" and i % 3:
                continue
            b.add(f"env-id/{algorithm}/bad-{i:02d}-{slug(env_id)}", doc.with_value("environment", "id", env_id))


def environment_id_edges(
    b: Builder, doc: Doc, id_types: Mapping[str, TomlValue], extra_keys: Iterable[str], *, empty_table: bool = False
) -> None:
    """1.x: ``env-id/type/<kind>``, a missing id, no ``[environment]`` (and, with ``empty_table``, an empty
    one), and ``env-id/extra-key/<key>``: another key beside the id."""
    b.each("env-id/type", doc, "environment", "id", id_types)
    b.add("env-id/missing", doc.without("environment", "id"))
    b.add("env-id/no-environment", doc.without("environment"))
    if empty_table:
        b.add("env-id/empty-environment", doc.with_table("environment"))
    for key in extra_keys:
        b.add(f"env-id/extra-key/{key}", doc.with_value("environment", key, "x"))


def reserved_secrets(b: Builder, prefix: str, doc: Doc, names: Iterable[str]) -> None:
    """``<prefix>/<name>``: ``secrets`` naming one reserved variable."""
    for name in names:
        b.add(f"{prefix}/{name}", doc.with_value("environment", "secrets", [name]))


def worker_env(b: Builder, doc: Doc, keys: Iterable[str], values: Mapping[str, TomlValue]) -> None:
    """``worker_env/key/NN-<key>``: ``[worker_env]`` with each key; ``worker_env/value/<name>``: with each
    value; ``worker_env/empty-table``."""
    for i, key in enumerate(keys):
        b.add(f"worker_env/key/{i:02d}-{slug(key)}", doc.with_table("worker_env", {key: "1"}))
    for name, value in values.items():
        b.add(f"worker_env/value/{name}", doc.with_table("worker_env", {"FEATURE_FLAG": value}))
    b.add("worker_env/empty-table", doc.with_table("worker_env"))


def warm_start_with_lora(b: Builder, warm: Doc) -> None:
    """A warm start (``init_from_adapter``) that also sets the LoRA shape, within and over the rank cap."""
    b.add("adapter/with-lora_rank", warm.with_value("train", "lora_rank", 16))
    b.add("adapter/with-lora_alpha", warm.with_value("train", "lora_alpha", 32))
    b.add("adapter/with-rank-over-cap", warm.with_value("train", "lora_rank", 999))


def checkpoints(
    b: Builder, sft: Doc, grpo: Doc, save_at_steps: Mapping[str, TomlValue], unbounded: Mapping[str, int]
) -> None:
    """1.x: ``max_steps/<name>``; ``save_at_steps`` lists under ``max_steps = 10``, without ``max_steps``,
    with each ``unbounded`` ``max_steps`` value, and in a GRPO config."""
    b.each("max_steps", sft, "train", "max_steps", MAX_STEPS)
    steps = sft.with_value("train", "max_steps", 10)
    b.each("save_at_steps/with-max_steps-10", steps, "train", "save_at_steps", save_at_steps)
    b.add("save_at_steps/without-max_steps/ok-empty", sft.with_value("train", "save_at_steps", []))
    b.add("save_at_steps/without-max_steps/bad", sft.with_value("train", "save_at_steps", [5]))
    for name, max_steps in unbounded.items():
        b.add(f"save_at_steps/{name}", sft.with_values("train", {"max_steps": max_steps, "save_at_steps": [5]}))
    b.add("save_at_steps/grpo-ok", grpo.with_values("train", {"max_steps": 50, "save_at_steps": [10, 50]}))


def seeds(b: Builder, doc: Doc, values: Mapping[str, TomlValue]) -> None:
    """``seed/<name>``: top-level ``seed`` values, and ``seed`` under ``[train]``."""
    b.each("seed", doc, "", "seed", values)
    b.add("seed/under-train", doc.with_value("train", "seed", 7))


def unknown_top_level(b: Builder, doc: Doc, scalars: Mapping[str, TomlValue], tables: Iterable[str]) -> None:
    """``top/unknown-scalar/<key>`` and ``top/unknown-table/<name>``: keys and tables the release does not know."""
    for key, value in scalars.items():
        b.add(f"top/unknown-scalar/{key}", doc.with_value("", key, value))
    for name in tables:
        b.add(f"top/unknown-table/{name}", doc.with_table(name, {"x": 1}))


def arrays_of_tables(b: Builder, doc: Doc, names: Iterable[str]) -> None:
    """``top/array-of-tables/<name>``: an unknown ``[[name]]`` after the config."""
    for name in names:
        b.add(f"top/array-of-tables/{name}", doc.with_tail(f"[[{name}]]\ngroup_size = 8\n"))


def subtables(b: Builder, doc: Doc, tables: Iterable[str]) -> None:
    """``top/<table>-subtable``: an unknown ``[<table>.extra]`` under a known table."""
    for table in tables:
        b.add(f"top/{table}-subtable", doc.with_table(f"{table}.extra", {"x": 1}))


def max_examples(b: Builder, sft: Doc, grpo: Doc) -> None:
    """``max_examples/…``: SFT without, with 0 and 1 row, and without ``[train]``; GRPO without the key."""
    b.add("max_examples/sft-missing", sft.without("train", "max_examples"))
    b.add("max_examples/sft-zero", sft.with_value("train", "max_examples", 0))
    b.add("max_examples/sft-one", sft.with_value("train", "max_examples", 1))
    b.add("max_examples/sft-no-train", sft.without("train"))
    b.add("max_examples/grpo-missing", grpo.without("train", "max_examples"))


def prompt_budgets(
    b: Builder,
    prefix: str,
    doc: Doc,
    contexts: Iterable[int],
    thinking_contexts: Iterable[int],
    completions: Iterable[tuple[int, int]],
) -> None:
    """``<prefix>/context-N``, ``<prefix>/thinking-context-N`` (thinking on) and
    ``<prefix>/context-N-completion-M``: ``max_context_tokens`` against the prompt budget of a rollout."""
    for ctx in contexts:
        b.add(f"{prefix}/context-{ctx}", doc.with_value("train", "max_context_tokens", ctx))
    thinking = doc.with_value("", "thinking", True)
    for ctx in thinking_contexts:
        b.add(f"{prefix}/thinking-context-{ctx}", thinking.with_value("train", "max_context_tokens", ctx))
    for ctx, completion in completions:
        budget = {"max_context_tokens": ctx, "max_completion_tokens": completion}
        b.add(f"{prefix}/context-{ctx}-completion-{completion}", doc.with_values("train", budget))
