"""Flash 1.0 corpus, part 4: `--set` typing (lists split on commas), `--config` merging, TOML syntax."""

from __future__ import annotations

from . import shared_cli as shared
from .d10_base import full_doc, grpo_doc, opd_doc, sft_doc
from .shared_cli import table, top
from .toml_doc import Builder

SFT_SETS = (
    "train.lora_rank=1e1",
    "train.lora_rank=16",
    "train.lora_rank=-3",
    "train.lora_rank=0x10",
    "train.lora_rank=1_6",
    "train.learning_rate=inf",
    "train.learning_rate=1e-4",
    "train.max_examples=0",
    "train.max_examples=1_000",
    " train.lora_rank = 16 ",
    "thinking=TRUE",
    "thinking=1",
    "seed=7",
    "seed=7.0",
    "seed=null",
    "model=Qwen/Qwen3.5-2B",
    'model="Qwen/Qwen3.5-2B"',
    "model.x=1",
    "model_revision=main",
    "model_revision=1",
    "environment.id=acme/other",
    "environment.id=acme/lab/env",
    "environment.params=1",
    "environment.params.split=validation",
    "environment.pip=[numpy, openai]",
    'environment.pip=["numpy"]',
    "environment.pip=numpy",
    'environment.secrets=["A,B", "C"]',
    "environment.secrets=[A, B]",
    "environment.secrets=[HF_TOKEN]",
    "environment.secrets=X",
    "train.save_at_steps=[5, 10]",
    "train.max_steps=10",
    "train.max_steps=10.0",
    "train.stop_sequences=[a, b]",
    "train.stop_sequences=[1, 2]",
    "train.stop_sequences=[]",
    "wandb.project=123",
    "wandb=foo",
    "gpu.provider=runpod",
    "gpu.provider=modal",
    "gpu.exact_type=H100",
    "gpu.max_retries=3",
    "gpu.count=2",
    "worker_env.FLAG=1",
    "worker_env.OPENAI_API_KEY=x",
    "foo.bar=1",
    "grpo.group_size=8",
    "steps=300",
    "project=abc",
    "train.lora_rank",
    "=5",
    "train=5",
    "train.hf_repo=a/b",
    "train.init_from_adapter=run-1",
)
GRPO_SETS = (
    "train.group_size=1",
    "train.group_size=2.0",
    "train.temperature=-0.0",
    "train.structured_outputs=json",
    'train.structured_outputs={"type": "object"}',
    "train.teacher_model=glm-5.2",
    "train.init_from_adapter=run-1/step-5",
    "train.init_from_adapter=run-1/final",
    "algorithm=sft",
    "algorithm=opd",
    "algorithm=GRPO",
    "algorithm=",
    "algorithm=1",
    "algorithm=[]",
    "algorithm=[grpo]",
)
OPD_SETS = (
    'train.teacher_model="kimi-k2.6"',
    "train.teacher_model=kimi-k2.6",
    "train.teacher_model=GLM 5.2",
    "train.kl_penalty_coef=0",
    "train.max_context_tokens=512",
    "model=openbmb/MiniCPM5-1B",
)


def _sets(b: Builder) -> None:
    sft = full_doc("sft")
    shared.single_sets(b, (("sft", sft, SFT_SETS), ("grpo", grpo_doc(), GRPO_SETS), ("opd", opd_doc(), OPD_SETS)))
    shared.set_sequences(b, sft, {})
    b.add("set/seq/env-from-nothing", sft_doc().without("environment"), sets=["environment.id=acme/env"])
    b.add("set/seq/switch-to-sft", grpo_doc(), sets=["algorithm=sft"])
    b.add("set/seq/switch-to-sft-with-rows", grpo_doc(), sets=["algorithm=sft", "train.max_examples=10"])


def _overlays(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    shared.merge_overlays(b, sft)
    b.add("overlay/scalar-replaces-train", sft, overlays=[top(train=5)])
    b.add("overlay/table-replaces-model", sft, overlays=[table("model", id="x")])
    b.add("overlay/switch-to-sft", grpo, overlays=[top(algorithm="sft")])
    with_rows = top(algorithm="sft").with_table("train", {"max_examples": 9})
    b.add("overlay/switch-to-sft-with-rows", grpo, overlays=[with_rows])
    b.add("overlay/switch-to-opd", grpo, overlays=[top(algorithm="opd")])
    rank_128 = sft_doc("Qwen/Qwen3.5-2B").with_value("train", "lora_rank", 128)
    b.add("overlay/model-cap", rank_128, overlays=[top(model="Qwen/Qwen3.5-4B")])
    b.add("overlay/gpu", sft, overlays=[table("gpu", exact_type="H100")])
    b.add("overlay/then-set", sft, overlays=[table("train", lora_rank=999)], sets=["train.lora_rank=32"])
    b.add("overlay/syntax-error", sft, overlays=["[train\n"])
    b.add("overlay/empty", sft, overlays=[""])
    b.add("overlay/unknown-table", sft, overlays=[table("grpo", group_size=8)])
    b.add("overlay/seed", sft, overlays=[top(seed=11)])


def _syntax(b: Builder) -> None:
    shared.syntax_errors(b, sft_doc().render())


FAMILIES = (_sets, _overlays, _syntax)
