"""Flash 1.3 corpus, part 4: `--set` typing (with 1.3's TOML arrays), `--config` merging, TOML syntax."""

from __future__ import annotations

from .d0243_cli import SYNTAX_ERRORS
from .d13_base import PROJECT, full_doc, grpo_doc, opd_doc, sft_doc
from .toml_doc import Builder, Doc, slug, toml_literal

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
    for algorithm, doc, items in (
        ("sft", full_doc("sft"), SFT_SETS),
        ("grpo", grpo_doc(), GRPO_SETS),
        ("opd", opd_doc(), OPD_SETS),
    ):
        for item in items:
            b.add(f"set/{algorithm}/{slug(item)}-{len(item)}", doc, sets=[item])
    sft = full_doc("sft")
    b.add("set/seq/later-wins-ok", sft, sets=["train.lora_rank=999", "train.lora_rank=8"])
    b.add("set/seq/later-wins-bad", sft, sets=["train.lora_rank=8", "train.lora_rank=999"])
    b.add("set/seq/gpus-then-count", sft, sets=["gpu.count=2", "gpu.count=9"])
    b.add("set/seq/count-then-gpus", sft, sets=["gpu.count=9", "gpu.count=2"])
    b.add("set/seq/create-table-then-traverse", sft, sets=["wandb.project=p", "wandb.project.x=1"])
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
    b.add("overlay/table-merge", sft, overlays=[Doc().with_table("train", {"lora_rank": 16})])
    b.add("overlay/table-merge-keeps-base", grpo, overlays=[Doc().with_table("train", {"group_size": 4})])
    b.add(
        "overlay/list-replace-fixes",
        sft.with_value("environment", "secrets", ["HF_TOKEN"]),
        overlays=[Doc().with_table("environment", {"secrets": ["SERVICE_KEY"]})],
    )
    b.add(
        "overlay/list-replace-breaks",
        sft.with_value("environment", "pip", ["numpy"]),
        overlays=[Doc().with_table("environment", {"pip": ["--no-deps"]})],
    )
    b.add("overlay/scalar-replaces-train", sft, overlays=[Doc(top={"train": "5"})])
    b.add("overlay/scalar-replaces-environment", sft, overlays=[Doc(top={"environment": toml_literal("a/b/c")})])
    b.add("overlay/table-replaces-model", sft, overlays=[Doc().with_table("model", {"id": "x"})])
    b.add(
        "overlay/switch-to-sft-trips-scoping",
        grpo.with_value("train", "temperature", 0.7),
        overlays=[Doc(top={"algorithm": toml_literal("sft")})],
    )
    b.add("overlay/switch-to-opd", grpo, overlays=[Doc(top={"algorithm": toml_literal("opd")})])
    b.add(
        "overlay/later-wins",
        grpo,
        overlays=[Doc(top={"algorithm": toml_literal("sft")}), Doc(top={"algorithm": toml_literal("grpo")})],
    )
    b.add("overlay/project", sft.without("", "project"), overlays=[Doc(top={"project": toml_literal(PROJECT)})])
    b.add("overlay/model-to-4b-opd", opd_doc(), overlays=[Doc(top={"model": toml_literal("Qwen/Qwen3.5-4B")})])
    b.add(
        "overlay/model-cap",
        sft.with_value("train", "lora_rank", 128),
        overlays=[Doc(top={"model": toml_literal("Qwen/Qwen3.5-4B")})],
    )
    b.add("overlay/gpu", sft, overlays=[Doc().with_table("gpu", {"type": "H100"})])
    b.add("overlay/gpu-bad", sft, overlays=[Doc().with_table("gpu", {"provider": "vast"})])
    b.add(
        "overlay/then-set",
        sft,
        overlays=[Doc().with_table("train", {"lora_rank": 999})],
        sets=["train.lora_rank=32"],
    )
    b.add(
        "overlay/params-deep-merge",
        sft.with_table("environment.params", {"split": "train"}),
        overlays=[Doc().with_table("environment.params", {"difficulty": "hard"})],
    )
    b.add("overlay/syntax-error", sft, overlays=["[train\n"])
    b.add("overlay/empty", sft, overlays=[""])
    b.add("overlay/unknown-table", sft, overlays=[Doc().with_table("grpo", {"group_size": 8})])
    b.add("overlay/worker_env", sft, overlays=[Doc().with_table("worker_env", {"A": "1"})])
    b.add("overlay/wandb-int", sft, overlays=[Doc().with_table("wandb", {"project": 1})])


def _syntax(b: Builder) -> None:
    valid = sft_doc().render()
    for name, text in SYNTAX_ERRORS.items():
        # The error comes first; the rest of the document is a valid config.
        b.add(f"syntax/{name}", text + "\n" + valid if name == "bom" else text)
    b.add("syntax/valid-after-comment-only", "# nothing\n" + valid)


FAMILIES = (_sets, _overlays, _syntax)
