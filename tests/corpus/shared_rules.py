"""What the dialects' rule corpora (parts 2 and 3) share: values every release is tried with, and case
builders that take a dialect's base configs and its own value tables.

The builders only move code that the dialect modules used to repeat; each dialect still says, with its
own data, which ids, names and values it tries.
"""

from __future__ import annotations

from collections.abc import Sequence

from .toml_doc import Builder, Doc, slug

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
# Bad everywhere: a bracket Python's URL parser refuses ("Invalid IPv6 URL"; the dialect adds its own
# bracketed id of the right number of parts first), dot segments in URLs and behind `\\`.
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
