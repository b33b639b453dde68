"""What the dialects' base corpora (part 1) share: config builders, value tables that are the same in every
release, and case builders that take a dialect's base configs and its own value tables.

The builders only move code that the dialect modules used to repeat; each dialect still says, with its
own data, which keys, models and values it tries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time

from .toml_doc import Builder, Doc, TomlValue, slug, v

# `thinking` of the valid base configs: left out, on, off (the label is the case id's last part).
THINKING: tuple[tuple[bool | None, str], ...] = ((None, "default"), (True, "thinking"), (False, "no-thinking"))

# A value of each kind that no integer or float knob takes.
WRONG_TYPES: dict[str, TomlValue] = {
    "str": "8",
    "bool": True,
    "array": [8],
    "table": {"value": 8},
    "date": date(1979, 5, 27),
    "datetime": datetime(1979, 5, 27, 7, 32),
    "time": time(7, 32, 0),
}

# A top-level table (`[train]`, `[gpu]`...) written as a scalar of each kind.
TABLE_AS_SCALAR: dict[str, TomlValue] = {"str": "x", "int": 1, "false": False, "array": []}

# The table typos every release is tried with (1.3 has no `[worker_env]`).
TABLE_TYPOS = (
    ("environment", "enviroment"),
    ("environment", "env"),
    ("train", "trian"),
    ("train", "training"),
    ("wandb", "wandn"),
    ("worker_env", "worker-env"),
    ("worker_env", "env_vars"),
    ("environment.params", "environment.param"),
)

# The [train] key typos every release's SFT config is tried with (1.0 leaves out `learning-rate`).
TRAIN_KEY_TYPOS = (
    ("lora_rank", "lora_rnak"),
    ("learning_rate", "learning-rate"),
    ("learning_rate", "lr"),
    ("max_examples", "max_example"),
    ("batch_size", "batchsize"),
    ("epochs", "num_epochs"),
)

# Named values of `algorithm` (case, spacing, other types, algorithms of other releases or none);
# each dialect picks the ones it tries.
ALGORITHM_VALUES: dict[str, TomlValue] = {
    "GRPO": "GRPO",
    "Opd": "Opd",
    "SFT": "SFT",
    "space-grpo": " grpo",
    "grpo-space": "grpo ",
    "empty": "",
    "false": False,
    "zero": 0,
    "float-zero": 0.0,
    "empty-array": [],
    "empty-table": {},
    "one": 1,
    "true": True,
    "array": ["grpo"],
    "table": {"name": "grpo"},
    "opd": "opd",
    "rl": "rl",
    "opsd": "opsd",
    "ppo": "ppo",
    "dpo": "dpo",
}

# Float values outside any bound (the case id names them as Python prints them).
SPECIAL_FLOATS: dict[str, TomlValue] = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def config_doc(
    top: Mapping[str, TomlValue], env_id: str, train: Mapping[str, TomlValue], *, thinking: bool | None = None
) -> Doc:
    """A small config: the ``top`` keys, ``thinking`` when given, ``[environment]`` with its id, ``[train]``."""
    doc = Doc().with_values("", top)
    if thinking is not None:
        doc = doc.with_value("", "thinking", thinking)
    return doc.with_table("environment", {"id": env_id}).with_table("train", train)


def with_full_environment(doc: Doc, env_id: str) -> Doc:
    """``[environment]`` with its id, a ``pip`` list and a secret, then ``[environment.params]``."""
    environment: dict[str, TomlValue] = {"id": env_id, "pip": ["openai>=1.0.0"], "secrets": ["SERVICE_API_KEY"]}
    return doc.with_table("environment", environment).with_table("environment.params", {"split": "train"})


def layout_variants(b: Builder, sft: Doc, grpo: Doc) -> None:
    """``base/crlf``: a config with CRLF line ends; ``base/comments``: one with comments before each table."""
    b.add("base/crlf", sft.render().replace("\n", "\r\n"))
    b.add("base/comments", "# a comment\n" + grpo.render().replace("\n[", "\n# x\n["))


def valid_bases(
    b: Builder,
    base_doc: Callable[..., Doc],
    full_doc: Callable[[str, str], Doc],
    algorithms: Mapping[str, Iterable[str]],
) -> None:
    """The 1.x valid configs: for each model and each of its algorithms the smallest config (thinking left
    out, on, off) and the full one; then the layout variants and a config without ``algorithm``."""
    for model, model_algorithms in algorithms.items():
        m = slug(model)
        for algorithm in model_algorithms:
            for thinking, t in THINKING:
                b.add(f"base/{algorithm}/{m}/{t}", base_doc(algorithm, model, thinking=thinking))
            b.add(f"base/full-{algorithm}/{m}", full_doc(algorithm, model))
    layout_variants(b, base_doc("sft"), base_doc("grpo"))
    b.add("base/no-algorithm", base_doc("sft").without("", "algorithm"))


def renamed_keys(b: Builder, kind: str, doc: Doc, table: str, renames: Iterable[tuple[str, str]]) -> None:
    """``typo/<kind>/<new>``: each ``old`` key of ``table`` (``""``: top level) renamed to ``new``."""
    for old, new in renames:
        b.add(f"typo/{kind}/{new}", doc.renamed_key(table, old, new))


def renamed_tables(b: Builder, doc: Doc, renames: Iterable[tuple[str, str]]) -> None:
    """``typo/table/<new>``: each ``old`` table renamed to ``new``."""
    for old, new in renames:
        b.add(f"typo/table/{new}", doc.renamed_table(old, new))


def misspelled_models(b: Builder, doc: Doc, models: Iterable[str]) -> None:
    """``typo/model/NN-<model>``: ``model`` set to each (misspelled, unknown or retired) id."""
    for i, value in enumerate(models):
        b.add(f"typo/model/{i:02d}-{slug(value)}", doc.with_value("", "model", value))


def wrong_types(b: Builder, doc: Doc, table: str, key: str, kinds: Iterable[str]) -> None:
    """``type/<table>.<key>/<kind>``: the key set to the ``WRONG_TYPES`` value of each kind."""
    b.each(f"type/{table}.{key}", doc, table, key, {kind: WRONG_TYPES[kind] for kind in kinds})


def model_types(b: Builder, doc: Doc, model: str, *, as_table: bool = True) -> None:
    """``type/model/<kind>``: ``model`` of other types, blank, missing, and (``as_table``) as an inline
    table and as a ``[model]`` section."""
    kinds = v({"int": 4, "bool": True, "array": [model], "empty": "", "blank": "   "})
    if as_table:
        kinds["inline-table"] = {"id": model}
    b.each("type/model", doc, "", "model", kinds)
    b.add("type/model/missing", doc.without("", "model"))
    if as_table:
        b.add("type/model/table", doc.without("", "model").with_table("model", {"id": model}))


def table_types(b: Builder, doc: Doc, tables: Iterable[str], kinds: Sequence[str] = tuple(TABLE_AS_SCALAR)) -> None:
    """``type/<table>/<kind>``: each table written as a scalar of each kind, as an array of tables, as ``{}``."""
    for table in tables:
        without = doc.without(table)
        for kind in kinds:
            b.add(f"type/{table}/{kind}", without.with_value("", table, TABLE_AS_SCALAR[kind]))
        b.add(f"type/{table}/array-of-tables", without.with_tail(f"[[{table}]]\n"))
        b.add(f"type/{table}/inline-empty", without.with_value("", table, {}))


def bounds(b: Builder, doc: Doc, key: str, values: Mapping[str, TomlValue]) -> None:
    """``bound/train.<key>/<name>``: the ``[train]`` key set to each named value."""
    b.each(f"bound/train.{key}", doc, "train", key, values)


def int_bounds(minimum: int) -> dict[str, TomlValue]:
    """An integer knob's values: both sides of its minimum, an integral and a fractional float, inf."""
    return {"min-1": minimum - 1, "min": minimum, "16.0": 16.0, "16.5": 16.5, "inf": math.inf}


def float_bounds(minimum: float) -> dict[str, TomlValue]:
    """A float knob's values: both sides of its minimum, and an integer."""
    return {"min-1": minimum - 1, "min": minimum, "int-1": 1}


def rank_caps(b: Builder, model: str, cap: int, docs: Mapping[str, Doc]) -> None:
    """``cap/<algorithm>/<model>/cap`` and ``cap+1``: ``lora_rank`` at and over the model's serving cap, in
    each algorithm's config of that model."""
    m = slug(model)
    for algorithm, doc in docs.items():
        b.add(f"cap/{algorithm}/{m}/cap", doc.with_value("train", "lora_rank", cap))
        b.add(f"cap/{algorithm}/{m}/cap+1", doc.with_value("train", "lora_rank", cap + 1))


def misplaced_algorithm(b: Builder, grpo: Doc) -> None:
    """A GRPO config without top-level ``algorithm``, and with ``algorithm`` under a table too."""
    b.add("algorithm/missing/grpo-base", grpo.without("", "algorithm"))
    b.add("algorithm/under-environment", grpo.with_value("environment", "algorithm", "grpo"))
    b.add("algorithm/under-train", grpo.with_value("train", "algorithm", "grpo"))
