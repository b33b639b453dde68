"""Flash 0.2.43 corpus, part 3: `--set` typing, `--config` merging, TOML syntax errors."""

from __future__ import annotations

from . import shared_cli as shared
from .d0243_base import DEFAULT_MODEL, dual_doc, full_grpo_doc, full_sft_doc, grpo_doc, sft_doc
from .shared_cli import table, top
from .toml_doc import Builder

SFT_SETS = (
    "train.lora_rank=1e1",
    "train.lora_rank=16",
    "train.lora_rank=1e3",
    "train.lora_rank=+8",
    "train.lora_rank=-3",
    "train.lora_rank=1e400",
    "train.lora_rank=0x10",
    "train.lora_rank=1_6",
    "train.learning_rate=inf",
    "train.learning_rate=nan",
    "train.learning_rate=1e-4",
    "train.learning_rate=0",
    "train.max_examples=0",
    "train.max_examples=1_000",
    "train.max_examples= 7 ",
    " train.lora_rank = 16 ",
    "train.max_examples=null",
    "thinking=true",
    "thinking=TRUE",
    "thinking=1",
    "thinking=yes",
    "train.stop_sequences=[a, b]",
    "train.stop_sequences=[1, 2]",
    "train.stop_sequences=[]",
    "train.stop_sequences=[ , ]",
    "environment.secrets=[A, B]",
    "environment.secrets=[HF_TOKEN]",
    "environment.secrets=[a b]",
    "environment.secrets=X",
    'environment.pip=["openai"]',
    "environment.params.split=validation",
    "environment.params=1",
    "environment.id=acme/other",
    "environment.id=null",
    "environment.id=github:acme/x@v2",
    "wandb.project=x",
    "wandb.project=123",
    "wandb.project=",
    "wandb.entity=x",
    "wandb=foo",
    "model=Qwen/Qwen3.5-2B",
    'model="Qwen/Qwen3.5-2B"',
    "model=",
    "model.x=1",
    "train.lora_rank.x=1",
    "foo.bar=1",
    "grpo.group_size=8",
    "steps=300",
    "train.steps=0",
    "train.lora_rank",
    "=5",
    "train=5",
    "worker_env.OPENAI_API_KEY=x",
    "worker_env.FLAG=1",
    "gpu.type=H100",
    "gpu=H100",
    "run_id=abc",
    "train.hf_repo=a/b",
)
GRPO_SETS = (
    "train.thinking_length_penalty_coef=1",
    "train.thinking_length_penalty_coef=1.0000001",
    "train.temperature=-0.0",
    "train.temperature=-1",
    "train.group_size=1",
    "train.kl_penalty_coef=1e-3",
    "train.max_tokens=8192",
    "train.stop_sequences=</s>",
    "algorithm=sft",
    "train.batch_size=16.0",
)
DUAL_SETS = (
    "algorithm=grpo",
    "algorithm=GRPO",
    "algorithm=1",
    "algorithm=0",
    "algorithm=",
    "algorithm=opd",
    "algorithm=false",
    "algorithm=[]",
    "algorithm=[grpo]",
    "algorithm= grpo",
)


def _sets(b: Builder) -> None:
    sft = full_sft_doc()
    shared.single_sets(
        b, (("sft", sft, SFT_SETS), ("grpo", full_grpo_doc(), GRPO_SETS), ("dual", dual_doc(), DUAL_SETS))
    )
    shared.set_sequences(b, sft, {"bad-then-missing-eq": ["train.lora_rank=999", "oops"]})
    b.add("set/seq/env-table-from-nothing", sft.without("environment"), sets=["environment.id=acme/env"])
    b.add("set/seq/train-from-nothing", sft_doc().without("train"), sets=["train.max_examples=5", "train.lora_rank=8"])


def _overlays(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    shared.merge_overlays(b, sft, grpo)
    secrets = sft.with_value("environment", "secrets", ["A"])
    b.add("overlay/list-replace-breaks", secrets, overlays=[table("environment", secrets=["HF_TOKEN"])])
    stops = grpo.with_value("train", "stop_sequences", ["a", 1])
    b.add("overlay/list-not-appended", stops, overlays=[table("train", stop_sequences=["b"])])
    b.add("overlay/scalar-replaces-train", sft, overlays=[top(train=5)])
    b.add("overlay/scalar-replaces-environment", sft, overlays=[top(environment="acme/env")])
    b.add("overlay/table-replaces-scalar-model", sft, overlays=[table("model", id=DEFAULT_MODEL)])
    b.add("overlay/later-wins-sft", dual_doc(), overlays=[top(algorithm="opd"), top(algorithm="sft")])
    b.add("overlay/later-wins-opd", dual_doc(), overlays=[top(algorithm="sft"), top(algorithm="opd")])
    as_sft = grpo.with_value("", "algorithm", "sft")
    b.add("overlay/adds-max_examples", as_sft, overlays=[table("train", max_examples=9)])
    b.add("overlay/syntax-error", sft, overlays=["[train\n"])
    b.add("overlay/empty", sft, overlays=[""])
    b.add("overlay/unknown-table", sft, overlays=[table("grpo", steps=1)])
    b.add("overlay/uncatalogued-model", sft, overlays=[top(model="x/y")])
    rank_128 = sft.with_value("train", "lora_rank", 128)
    b.add("overlay/model-switch-cap", rank_128, overlays=[top(model="Qwen/Qwen3.5-2B")])
    rank_128 = sft_doc("Qwen/Qwen3.5-2B").with_value("train", "lora_rank", 128)
    b.add("overlay/model-switch-cap-bad", rank_128, overlays=[top(model=DEFAULT_MODEL)])
    b.add("overlay/then-set", sft, overlays=[table("train", lora_rank=999)], sets=["train.lora_rank=32"])
    b.add(
        "overlay/set-then-bad-overlay-order", sft, overlays=[table("train", lora_rank=8)], sets=["train.lora_rank=999"]
    )
    params = sft.with_table("environment.params", {"split": "train"})
    b.add("overlay/params-deep-merge", params, overlays=[table("environment.params", difficulty="hard")])
    b.add("overlay/only-overlay-has-model", sft.without("", "model"), overlays=[top(model="Qwen/Qwen3.5-9B")])
    b.add("overlay/wandb-int", sft, overlays=[table("wandb", project=1)])


def _syntax(b: Builder) -> None:
    shared.syntax_errors(b, sft_doc().render())


FAMILIES = (_sets, _overlays, _syntax)
