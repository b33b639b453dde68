"""Flash 0.2.43 corpus, part 3: `--set` typing, `--config` merging, TOML syntax errors."""

from __future__ import annotations

from .d0243_base import DEFAULT_MODEL, dual_doc, full_grpo_doc, full_sft_doc, grpo_doc, sft_doc
from .toml_doc import Builder, Doc, slug, toml_literal


def _sets(b: Builder) -> None:
    sft, grpo, dual = full_sft_doc(), full_grpo_doc(), dual_doc()
    sft_sets = (
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
    for item in sft_sets:
        b.add(f"set/sft/{slug(item)}-{len(item)}", sft, sets=[item])
    grpo_sets = (
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
    for item in grpo_sets:
        b.add(f"set/grpo/{slug(item)}-{len(item)}", grpo, sets=[item])
    for item in (
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
    ):
        b.add(f"set/dual/{slug(item)}-{len(item)}", dual, sets=[item])
    b.add("set/seq/later-wins-ok", sft, sets=["train.lora_rank=999", "train.lora_rank=8"])
    b.add("set/seq/later-wins-bad", sft, sets=["train.lora_rank=8", "train.lora_rank=999"])
    b.add("set/seq/bad-then-missing-eq", sft, sets=["train.lora_rank=999", "oops"])
    b.add("set/seq/create-table-then-traverse", sft, sets=["wandb.project=p", "wandb.project.x=1"])
    b.add(
        "set/seq/env-table-from-nothing",
        sft.without("environment"),
        sets=["environment.id=acme/env"],
    )
    b.add(
        "set/seq/train-from-nothing",
        sft_doc().without("train"),
        sets=["train.max_examples=5", "train.lora_rank=8"],
    )


def _overlays(b: Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    b.add("overlay/table-merge", sft, overlays=[Doc().with_table("train", {"lora_rank": 16})])
    b.add(
        "overlay/table-merge-keeps-base",
        grpo,
        overlays=[Doc().with_table("train", {"group_size": 4})],
    )
    secrets_base = sft.with_value("environment", "secrets", ["HF_TOKEN"])
    b.add(
        "overlay/list-replace-fixes",
        secrets_base,
        overlays=[Doc().with_table("environment", {"secrets": ["SERVICE_KEY"]})],
    )
    b.add(
        "overlay/list-replace-breaks",
        sft.with_value("environment", "secrets", ["A"]),
        overlays=[Doc().with_table("environment", {"secrets": ["HF_TOKEN"]})],
    )
    b.add(
        "overlay/list-not-appended",
        grpo.with_value("train", "stop_sequences", ["a", 1]),
        overlays=[Doc().with_table("train", {"stop_sequences": ["b"]})],
    )
    b.add("overlay/scalar-replaces-train", sft, overlays=[Doc(top={"train": "5"})])
    b.add(
        "overlay/scalar-replaces-environment",
        sft,
        overlays=[Doc(top={"environment": toml_literal("acme/env")})],
    )
    b.add(
        "overlay/table-replaces-scalar-model",
        sft,
        overlays=[Doc().with_table("model", {"id": DEFAULT_MODEL})],
    )
    b.add(
        "overlay/later-wins-sft",
        dual_doc(),
        overlays=[
            Doc(top={"algorithm": toml_literal("opd")}),
            Doc(top={"algorithm": toml_literal("sft")}),
        ],
    )
    b.add(
        "overlay/later-wins-opd",
        dual_doc(),
        overlays=[
            Doc(top={"algorithm": toml_literal("sft")}),
            Doc(top={"algorithm": toml_literal("opd")}),
        ],
    )
    b.add(
        "overlay/adds-max_examples",
        grpo.with_value("", "algorithm", "sft"),
        overlays=[Doc().with_table("train", {"max_examples": 9})],
    )
    b.add("overlay/syntax-error", sft, overlays=["[train\n"])
    b.add("overlay/empty", sft, overlays=[""])
    b.add("overlay/unknown-table", sft, overlays=[Doc().with_table("grpo", {"steps": 1})])
    b.add("overlay/uncatalogued-model", sft, overlays=[Doc(top={"model": toml_literal("x/y")})])
    b.add(
        "overlay/model-switch-cap",
        sft.with_value("train", "lora_rank", 128),
        overlays=[Doc(top={"model": toml_literal("Qwen/Qwen3.5-2B")})],
    )
    b.add(
        "overlay/model-switch-cap-bad",
        sft_doc("Qwen/Qwen3.5-2B").with_value("train", "lora_rank", 128),
        overlays=[Doc(top={"model": toml_literal(DEFAULT_MODEL)})],
    )
    b.add(
        "overlay/then-set",
        sft,
        overlays=[Doc().with_table("train", {"lora_rank": 999})],
        sets=["train.lora_rank=32"],
    )
    b.add(
        "overlay/set-then-bad-overlay-order",
        sft,
        overlays=[Doc().with_table("train", {"lora_rank": 8})],
        sets=["train.lora_rank=999"],
    )
    b.add(
        "overlay/params-deep-merge",
        sft.with_table("environment.params", {"split": "train"}),
        overlays=[Doc().with_table("environment.params", {"difficulty": "hard"})],
    )
    b.add(
        "overlay/only-overlay-has-model",
        sft.without("", "model"),
        overlays=[Doc(top={"model": toml_literal("Qwen/Qwen3.5-9B")})],
    )
    b.add("overlay/wandb-int", sft, overlays=[Doc().with_table("wandb", {"project": 1})])


SYNTAX_ERRORS: dict[str, str] = {
    "unterminated-string": 'model = "Qwen/Qwen3.5-4B\n',
    "duplicate-key": 'model = "a"\nmodel = "b"\n',
    "duplicate-table": "[train]\nsteps = 1\n[train]\nepochs = 1\n",
    "inline-trailing-comma": 'wandb = { project = "p", }\n',
    "inline-newline": 'wandb = { project = "p",\n run_name = "r" }\n',
    "escape-e": 'model = "\\e"\n',
    "escape-x": 'model = "\\x41"\n',
    "time-without-seconds": "t = 07:32\n",
    "missing-value": "model =\n",
    "bom": '\ufeffmodel = "Qwen/Qwen3.5-4B"\n',
    "lone-cr": 'model = "Qwen/Qwen3.5-4B"\r[train]\n',
    "surrogate-escape": 'model = "\\uD83D"\n',
    "bare-word-value": "algorithm = grpo\n",
    "python-bool": "thinking = True\n",
    "leading-zero": "[train]\nlora_rank = 032\n",
    "redefine-dotted": 'environment.id = "a/b"\n[environment]\nid = "c/d"\n',
}


def _syntax(b: Builder) -> None:
    valid = sft_doc().render()
    for name, text in SYNTAX_ERRORS.items():
        # The error comes first; the rest of the document is a valid config.
        b.add(f"syntax/{name}", text + "\n" + valid if name == "bom" else text)


FAMILIES = (_sets, _overlays, _syntax)
