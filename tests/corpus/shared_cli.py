"""What the dialects' command-line corpora (part 4) share: the TOML syntax errors, the ``--set`` case
builders, and small constructors for ``--config`` overlay documents.

The builders only move code that the dialect modules used to repeat; each dialect still says, with its
own data, which ``--set`` items and overlays it tries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .toml_doc import Builder, Doc, TomlValue, slug

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


def syntax_errors(b: Builder, valid: str) -> None:
    """``syntax/<name>``: each TOML syntax error (the BOM one followed by a valid config)."""
    for name, text in SYNTAX_ERRORS.items():
        # The error comes first; the rest of the document is a valid config.
        b.add(f"syntax/{name}", text + "\n" + valid if name == "bom" else text)


def single_sets(b: Builder, groups: Iterable[tuple[str, Doc, Iterable[str]]]) -> None:
    """``set/<group>/<item>-<length>``: one ``--set`` item at a time on the group's config."""
    for group, doc, items in groups:
        for item in items:
            b.add(f"set/{group}/{slug(item)}-{len(item)}", doc, sets=[item])


def set_sequences(b: Builder, doc: Doc, sequences: Mapping[str, Sequence[str]]) -> None:
    """``set/seq/<name>``: several ``--set`` items on one config (the later one wins), the dialect's own
    sequences, then a key set and then traversed as a table."""
    b.add("set/seq/later-wins-ok", doc, sets=["train.lora_rank=999", "train.lora_rank=8"])
    b.add("set/seq/later-wins-bad", doc, sets=["train.lora_rank=8", "train.lora_rank=999"])
    for name, sets in sequences.items():
        b.add(f"set/seq/{name}", doc, sets=sets)
    b.add("set/seq/create-table-then-traverse", doc, sets=["wandb.project=p", "wandb.project.x=1"])


def top(**values: TomlValue) -> Doc:
    """An overlay of top-level keys (``top(algorithm="sft")``)."""
    return Doc().with_values("", values)


def table(name: str, **values: TomlValue) -> Doc:
    """An overlay of one ``[name]`` table (``table("train", lora_rank=16)``)."""
    return Doc().with_table(name, values)


def merge_overlays(b: Builder, sft: Doc, grpo: Doc | None = None) -> None:
    """``overlay/table-merge``: an overlay's ``[train]`` merged into the config's (and, given a GRPO config,
    ``overlay/table-merge-keeps-base``); ``overlay/list-replace-fixes``: an overlay's ``secrets`` list
    replacing the config's."""
    b.add("overlay/table-merge", sft, overlays=[table("train", lora_rank=16)])
    if grpo is not None:
        b.add("overlay/table-merge-keeps-base", grpo, overlays=[table("train", group_size=4)])
    secrets = sft.with_value("environment", "secrets", ["HF_TOKEN"])
    b.add("overlay/list-replace-fixes", secrets, overlays=[table("environment", secrets=["SERVICE_KEY"])])
