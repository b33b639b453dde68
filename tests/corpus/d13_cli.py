"""Flash 1.3 corpus, part 4: `--set` typing (with 1.3's TOML arrays), `--config` merging, TOML syntax."""

from __future__ import annotations

from . import shared_cli as shared
from .d13_base import PROJECT, full_doc, grpo_doc, opd_doc, sft_doc
from .shared_cli import table, top
from .toml_doc import Builder

SFT_SETS = (
    "train.lora_rank=1e1",
    "train.lora_rank=16",
    "train.lora_rank=+8",
    "train.lora_rank=-3",
    "train.lora_rank=0x10",
    "train.lora_rank=1_6",
    "train.lora_rank=1e400",
    "train.learning_rate=inf",
    "train.learning_rate=1e-4",
    "train.learning_rate=0",
    "train.max_examples=0",
    "train.max_examples= 7 ",
    " train.lora_rank = 16 ",
    "train.max_examples=null",
    "thinking=true",
    "thinking=TRUE",
    "thinking=1",
    "seed=7",
    "seed=7.0",
    "seed=null",
    "seed=-1",
    f"project={PROJECT.upper()}",
    "project=abc",
    "project=",
    "model=Qwen/Qwen3.5-4B",
    'model="Qwen/Qwen3.5-4B"',
    "model=",
    "model.x=1",
    "environment.id=acme/other/env",
    "environment.id=acme/env",
    "environment.id=null",
    "environment.params={a=1}",
    "environment.params=1",
    "environment.params.split=validation",
    "environment.pip=[numpy, openai]",
    'environment.pip=["numpy"]',
    "environment.pip=numpy",
    "environment.pip=[]",
    'environment.secrets=["A,B", "C"]',
    "environment.secrets=[A, B]",
    "environment.secrets=[hf_token]",
    'environment.secrets=["A", B]',
    "environment.secrets=X",
    "train.save_at_steps=[5, 10]",
    "train.max_steps=10",
    "train.max_steps=10.0",
    "train.init_from_adapter=run-1/final",
    "train.init_from_adapter=run-1",
    "wandb.project=123",
    "wandb.project=",
    "wandb.entity=x",
    "wandb=foo",
    "gpu.count=2",
    "gpu.count=9",
    "gpu.count=two",
    "gpu.type=H100",
    "gpu.type=[H100, H200]",
    'gpu.type=["H100","A100 SXM"]',
    "gpu.type=[]",
    "gpu.provider=modal",
    "gpu.provider=runpod",
    "gpu.providers=[modal]",
    "gpu=H100",
    "foo.bar=1",
    "grpo.group_size=8",
    "steps=300",
    "train.steps=10",
    "train.lora_rank",
    "=5",
    "train=5",
    "worker_env.FLAG=1",
    "train.hf_repo=a/b",
    "train.temperature=1.0",
)
GRPO_SETS = (
    "train.group_size=16",
    "train.group_size=4",
    "train.group_size=8.0",
    "train.group_size=3",
    "train.prompts_per_step=32",
    "train.prompts_per_step=[1]",
    "train.stop_sequences=[a, b]",
    'train.stop_sequences=["a,b", "c"]',
    "train.stop_sequences=[[1]]",
    "train.stop_sequences=[1, 2]",
    "train.stop_sequences=[]",
    "train.stop_sequences=</s>",
    "train.structured_outputs=json",
    "train.structured_outputs=false",
    'train.structured_outputs={"type": "object"}',
    "train.credit_assignment=per_turn",
    "train.teacher_model=glm-5.3",
    "train.thinking_length_penalty_coef=1",
    "train.max_context_tokens=320",
    "train.batch_size=16",
    "algorithm=sft",
    "algorithm=opd",
    "algorithm=GRPO",
    "algorithm=",
    "algorithm=0",
    "algorithm=1",
    "algorithm=[]",
    "algorithm= grpo",
)
OPD_SETS = (
    'train.teacher_model="kimi-k3"',
    "train.teacher_model=kimi-k3",
    "train.teacher_model=Kimi K3",
    "train.kl_penalty_coef=0",
    "train.group_size=3.0",
    "model=Qwen/Qwen3.5-4B",
)


def _sets(b: Builder) -> None:
    sft = full_doc("sft")
    shared.single_sets(b, (("sft", sft, SFT_SETS), ("grpo", grpo_doc(), GRPO_SETS), ("opd", opd_doc(), OPD_SETS)))
    gpus = {"gpus-then-count": ["gpu.count=2", "gpu.count=9"], "count-then-gpus": ["gpu.count=9", "gpu.count=2"]}
    shared.set_sequences(b, sft, gpus)
    b.add("set/seq/env-from-nothing", sft_doc().without("environment"), sets=["environment.id=acme/lab/env"])
    b.add("set/seq/project-from-nothing", sft_doc().without("", "project"), sets=[f"project={PROJECT}"])
    b.add("set/seq/switch-to-grpo-with-batch", sft, sets=["algorithm=grpo"])
    b.add(
        "set/seq/switch-to-grpo-clean",
        sft_doc().with_value("train", "epochs", 1),
        sets=["algorithm=grpo", "train.group_size=4"],
    )


def _overlays(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    shared.merge_overlays(b, sft, grpo)
    pip = sft.with_value("environment", "pip", ["numpy"])
    b.add("overlay/list-replace-breaks", pip, overlays=[table("environment", pip=["--no-deps"])])
    b.add("overlay/scalar-replaces-train", sft, overlays=[top(train=5)])
    b.add("overlay/scalar-replaces-environment", sft, overlays=[top(environment="a/b/c")])
    b.add("overlay/table-replaces-model", sft, overlays=[table("model", id="x")])
    temperature = grpo.with_value("train", "temperature", 0.7)
    b.add("overlay/switch-to-sft-trips-scoping", temperature, overlays=[top(algorithm="sft")])
    b.add("overlay/switch-to-opd", grpo, overlays=[top(algorithm="opd")])
    b.add("overlay/later-wins", grpo, overlays=[top(algorithm="sft"), top(algorithm="grpo")])
    b.add("overlay/project", sft.without("", "project"), overlays=[top(project=PROJECT)])
    b.add("overlay/model-to-4b-opd", opd_doc(), overlays=[top(model="Qwen/Qwen3.5-4B")])
    rank_128 = sft.with_value("train", "lora_rank", 128)
    b.add("overlay/model-cap", rank_128, overlays=[top(model="Qwen/Qwen3.5-4B")])
    b.add("overlay/gpu", sft, overlays=[table("gpu", type="H100")])
    b.add("overlay/gpu-bad", sft, overlays=[table("gpu", provider="vast")])
    b.add("overlay/then-set", sft, overlays=[table("train", lora_rank=999)], sets=["train.lora_rank=32"])
    params = sft.with_table("environment.params", {"split": "train"})
    b.add("overlay/params-deep-merge", params, overlays=[table("environment.params", difficulty="hard")])
    b.add("overlay/syntax-error", sft, overlays=["[train\n"])
    b.add("overlay/empty", sft, overlays=[""])
    b.add("overlay/unknown-table", sft, overlays=[table("grpo", group_size=8)])
    b.add("overlay/worker_env", sft, overlays=[table("worker_env", A="1")])
    b.add("overlay/wandb-int", sft, overlays=[table("wandb", project=1)])


def _syntax(b: Builder) -> None:
    valid = sft_doc().render()
    shared.syntax_errors(b, valid)
    b.add("syntax/valid-after-comment-only", "# nothing\n" + valid)


FAMILIES = (_sets, _overlays, _syntax)
