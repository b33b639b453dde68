"""Deterministic generator of Flash configs for the differential test (schema vs Flash oracle).

``generate_cases()`` starts from valid SFT and GRPO configs for every catalog model and mutates
them along the rules in /work/shared/flash/parser-facts-0.2.43.md: typos, wrong types, both sides
of every bound, per-model ``lora_rank`` caps, algorithm/thinking variants, environment id forms,
secrets, ``[worker_env]``, ``[wandb]``, ``init_from_adapter``, ``stop_sequences``, unknown
top-level keys/tables, platform-managed keys, ``--set`` typing and ``--config`` merging, plus TOML
syntax errors. It does not decide the expected verdict: the oracle (``tests/oracle.py``) does.

Cases are built from a tiny document model whose values are raw TOML literals, so any TOML value
(``nan``, ``16.0``, ``1979-05-27``, ``[[grpo]]``) can be written exactly.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = ["MODELS", "SERVING_LORA_RANK_CAP", "Case", "generate_cases", "toml_literal"]

# Catalog of freesolo-flash 0.2.43 (parser-facts §6), hard-coded so the generator does not depend
# on the system under test.
SERVING_LORA_RANK_CAP: dict[str, int] = {
    "openbmb/MiniCPM5-1B": 128,
    "Qwen/Qwen3.5-0.8B": 128,
    "Qwen/Qwen3.5-2B": 128,
    "Qwen/Qwen3.5-4B": 64,
    "Qwen/Qwen3.5-9B": 64,
    "Qwen/Qwen3.6-35B-A3B": 64,
}
MODELS: tuple[str, ...] = tuple(SERVING_LORA_RANK_CAP)
DEFAULT_MODEL = "Qwen/Qwen3.5-4B"

INT_KNOBS: dict[str, int] = {  # [train] integer knob -> parse-time minimum
    "steps": 1,
    "epochs": 1,
    "lora_rank": 1,
    "lora_alpha": 1,
    "batch_size": 1,
    "max_length": 1,
    "save_every": 1,
    "group_size": 1,
    "max_tokens": 1,
    "max_steps": 0,
    "max_examples": 0,
}
FLOAT_KNOBS: dict[str, float] = {  # [train] float knob -> parse-time minimum
    "learning_rate": 0.0,  # exclusive
    "temperature": 0.0,
    "kl_penalty_coef": 0.0,
    "advantage_clip": 0.0,
    "thinking_length_penalty_coef": 0.0,  # also <= 1
}
RESERVED_SECRETS = (
    "RUNPOD_API_KEY",
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "GITHUB_TOKEN",
    "FREESOLO_API_KEY",
    "FREESOLO_INTERNAL_KEY",
    "RUN_ID",
    "HF_REPO",
    "FLASH_ARM",
)


@dataclass(frozen=True)
class Case:
    """One differential-test input: base TOML text, ``--config`` overlay texts, ``--set`` args."""

    id: str
    text: str
    overlays: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()


class Raw(str):
    """A TOML literal written verbatim (``nan``, ``16.0``, ``{ a = 1 }``)."""

    __slots__ = ()


TomlValue = (
    Raw
    | str
    | bool
    | int
    | float
    | date
    | datetime
    | list["TomlValue"]
    | tuple["TomlValue", ...]
    | Mapping[str, "TomlValue"]
)

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    """A TOML key: bare when possible, else a basic string."""
    return key if _BARE_KEY.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    """A TOML basic string (JSON escapes are a subset of TOML's; DEL is escaped by hand)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_literal(value: TomlValue) -> str:
    """Render a Python value as one TOML value literal."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    items = ", ".join(f"{toml_key(k)} = {toml_literal(v)}" for k, v in value.items())
    return "{ " + items + " }" if items else "{}"


@dataclass
class Doc:
    """An ordered TOML document: top-level keys, then ``[table]`` sections, then raw tail text.

    Values are stored already rendered (TOML literals). Table names are dotted header paths whose
    segments are bare keys (``environment.params``).
    """

    top: dict[str, str] = field(default_factory=dict)
    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    tail: str = ""

    def copy(self) -> Doc:
        return Doc(dict(self.top), {k: dict(v) for k, v in self.tables.items()}, self.tail)

    def with_value(self, table: str, key: str, value: TomlValue) -> Doc:
        """Set ``key`` (in ``table``, or at top level when ``table`` is empty) to ``value``."""
        doc = self.copy()
        if table:
            doc.tables.setdefault(table, {})[key] = toml_literal(value)
        else:
            doc = doc.without(key)  # a scalar replaces the table and its sub-tables
            doc.top[key] = toml_literal(value)
        return doc

    def without(self, table: str, key: str | None = None) -> Doc:
        """Drop a key, or a whole table and its sub-tables when ``key`` is None.

        ``table=""`` addresses top-level keys.
        """
        doc = self.copy()
        if not table:
            assert key is not None
            doc.top.pop(key, None)
        elif key is None:
            doc.tables = {k: v for k, v in doc.tables.items() if k != table and not k.startswith(table + ".")}
        else:
            doc.tables.get(table, {}).pop(key, None)
        return doc

    def with_table(self, table: str, values: Mapping[str, TomlValue] | None = None) -> Doc:
        """Add (or replace) a ``[table]`` section."""
        doc = self.copy()
        doc.top.pop(table, None)
        doc.tables[table] = {k: toml_literal(v) for k, v in (values or {}).items()}
        return doc

    def renamed_key(self, table: str, old: str, new: str) -> Doc:
        """Rename a key in place (a typo), keeping its position and value."""
        doc = self.copy()
        section = doc.top if not table else doc.tables[table]
        renamed = {(new if k == old else k): v for k, v in section.items()}
        if not table:
            doc.top = renamed
        else:
            doc.tables[table] = renamed
        return doc

    def renamed_table(self, old: str, new: str) -> Doc:
        doc = self.copy()
        doc.tables = {(new if k == old else k): v for k, v in doc.tables.items()}
        return doc

    def with_tail(self, text: str) -> Doc:
        doc = self.copy()
        doc.tail += text
        return doc

    def render(self) -> str:
        lines = [f"{toml_key(k)} = {v}" for k, v in self.top.items()]
        for name, values in self.tables.items():
            if lines:
                lines.append("")
            lines.append(f"[{name}]")
            lines.extend(f"{toml_key(k)} = {v}" for k, v in values.items())
        text = "\n".join(lines) + "\n"
        if self.tail:
            text += "\n" + self.tail
        return text


def sft_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("sft")})
    if thinking is not None:
        doc = doc.with_value("", "thinking", thinking)
    doc = doc.with_table("environment", {"id": "acme/support-bot"})
    return doc.with_table("train", {"max_examples": 500})


def grpo_doc(model: str = DEFAULT_MODEL, *, thinking: bool | None = None) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("grpo")})
    if thinking is not None:
        doc = doc.with_value("", "thinking", thinking)
    doc = doc.with_table("environment", {"id": "acme/math-rl"})
    return doc.with_table("train", {"steps": 20})


def dual_doc(model: str = DEFAULT_MODEL) -> Doc:
    """Valid under both algorithms (sets max_examples and steps); algorithm left to the caller."""
    doc = Doc(top={"model": toml_literal(model)})
    doc = doc.with_table("environment", {"id": "acme/env"})
    return doc.with_table("train", {"max_examples": 100, "steps": 10})


def full_sft_doc(model: str = DEFAULT_MODEL) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("sft")})
    doc = doc.with_value("", "thinking", False)
    doc = doc.with_table(
        "environment",
        {"id": "acme/support-bot", "pip": ["openai>=1.0.0"], "secrets": ["SERVICE_API_KEY"]},
    )
    doc = doc.with_table("environment.params", {"split": "train"})
    doc = doc.with_table(
        "train",
        {
            "epochs": 2,
            "max_steps": 0,
            "max_examples": 1000,
            "lora_rank": 16,
            "lora_alpha": 32,
            "learning_rate": 1e-4,
            "batch_size": 16,
            "max_length": 1024,
            "save_every": 50,
        },
    )
    doc = doc.with_table("worker_env", {"FEATURE_FLAG": "enabled"})
    return doc.with_table("wandb", {"project": "flash-sft", "run_name": "baseline"})


def full_grpo_doc(model: str = DEFAULT_MODEL) -> Doc:
    doc = Doc(top={"model": toml_literal(model), "algorithm": toml_literal("grpo")})
    doc = doc.with_value("", "thinking", False)
    doc = doc.with_table("environment", {"id": "github:acme/math-rl@v1:envs/math.py"})
    doc = doc.with_table(
        "train",
        {
            "steps": 50,
            "lora_rank": 16,
            "lora_alpha": 32,
            "learning_rate": 1e-5,
            "batch_size": 32,
            "max_length": 2048,
            "save_every": 10,
            "group_size": 8,
            "temperature": 1.0,
            "max_tokens": 256,
            "kl_penalty_coef": 0.0,
            "advantage_clip": 0.0,
            "thinking_length_penalty_coef": 0.0,
            "stop_sequences": ["</answer>"],
        },
    )
    return doc.with_table("wandb", {"project": "flash-grpo"})


def all_knobs_doc(algorithm: str) -> Doc:
    """Every [train] knob set to a valid value (except hf_repo), for one algorithm, on 4B."""
    doc = full_grpo_doc().with_value("", "algorithm", algorithm)
    for key, value in full_sft_doc().tables["train"].items():
        doc.tables["train"].setdefault(key, value)
    return doc.with_value("train", "init_from_adapter", "flash-1700000000-abcdef12")


def _v(variants: dict[str, TomlValue]) -> dict[str, TomlValue]:
    """Type a literal table of named value variants (keeps mypy from inferring ``object``)."""
    return variants


def _slug(text: str) -> str:
    """A readable, id-safe rendering of an arbitrary value."""
    out = re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_")
    return out[:48] or "empty"


class _Builder:
    def __init__(self) -> None:
        self.cases: list[Case] = []
        self._ids: set[str] = set()

    def add(
        self,
        case_id: str,
        doc: Doc | str,
        *,
        overlays: Iterable[Doc | str] = (),
        sets: Iterable[str] = (),
    ) -> None:
        if case_id in self._ids:
            msg = f"duplicate case id {case_id!r}"
            raise ValueError(msg)
        self._ids.add(case_id)
        text = doc if isinstance(doc, str) else doc.render()
        rendered = tuple(o if isinstance(o, str) else o.render() for o in overlays)
        self.cases.append(Case(case_id, text, rendered, tuple(sets)))


# --------------------------------------------------------------------------------------------
# Case families. Each yields (id, doc) pairs or calls the builder directly.


def _valid_bases(b: _Builder) -> None:
    for model in MODELS:
        m = _slug(model)
        for thinking in (None, True, False):
            t = {None: "default", True: "thinking", False: "no-thinking"}[thinking]
            b.add(f"base/sft/{m}/{t}", sft_doc(model, thinking=thinking))
            b.add(f"base/grpo/{m}/{t}", grpo_doc(model, thinking=thinking))
        b.add(f"base/full-sft/{m}", full_sft_doc(model))
        b.add(f"base/full-grpo/{m}", full_grpo_doc(model))
    b.add("base/all-knobs/sft", all_knobs_doc("sft"))
    b.add("base/all-knobs/grpo", all_knobs_doc("grpo"))
    b.add("base/docs-example", full_sft_doc().without("worker_env").without("wandb"))
    b.add("base/crlf", sft_doc().render().replace("\n", "\r\n"))
    b.add("base/comments", "# a comment\n" + grpo_doc().render().replace("\n[", "\n# x\n["))


def _typos(b: _Builder) -> None:
    sft, grpo = full_sft_doc(), full_grpo_doc()
    for old, new in (("model", "modle"), ("model", "Model")):
        b.add(f"typo/top-key/{new}", sft.renamed_key("", old, new))
    b.add("typo/top-key/algoritm", grpo.renamed_key("", "algorithm", "algoritm"))
    b.add("typo/top-key/algoritm-dual", dual_doc().with_value("", "algoritm", "grpo"))
    b.add("typo/top-key/thinkng", grpo.renamed_key("", "thinking", "thinkng"))
    for old, new in (
        ("environment", "enviroment"),
        ("environment", "env"),
        ("train", "trian"),
        ("train", "training"),
        ("wandb", "wandn"),
        ("worker_env", "worker-env"),
        ("worker_env", "env_vars"),
        ("environment.params", "environment.param"),
    ):
        b.add(f"typo/table/{new}", sft.renamed_table(old, new))
    for old, new in (
        ("lora_rank", "lora_rnak"),
        ("learning_rate", "learning-rate"),
        ("learning_rate", "lr"),
        ("max_examples", "max_example"),
        ("batch_size", "batchsize"),
        ("epochs", "num_epochs"),
    ):
        b.add(f"typo/train-key/{new}", sft.renamed_key("train", old, new))
    for old, new in (("group_size", "group-size"), ("steps", "step"), ("max_tokens", "max_new")):
        b.add(f"typo/train-key/{new}", grpo.renamed_key("train", old, new))
    b.add("typo/train-key/Lora_Rank", sft.renamed_key("train", "lora_rank", "Lora_Rank"))
    b.add("typo/env-key/idd", sft.renamed_key("environment", "id", "idd"))
    b.add("typo/env-key/ID", sft.renamed_key("environment", "id", "ID"))
    b.add("typo/env-key/secret", sft.renamed_key("environment", "secrets", "secret"))
    b.add("typo/env-key/pips", sft.renamed_key("environment", "pip", "pips"))
    b.add("typo/wandb-key/projcet", sft.renamed_key("wandb", "project", "projcet"))
    b.add("typo/wandb-key/run-name", sft.renamed_key("wandb", "run_name", "run-name"))
    dual = dual_doc()
    for value in ("sfft", "gpro", "GRPO", "Sft", "rl", "grpo "):
        b.add(f"typo/algorithm/{_slug(value)}", dual.with_value("", "algorithm", value))
    for i, value in enumerate(
        (
            "qwen/qwen3.5-4b",
            "Qwen/Qwen3.5-4b",
            "Qwen/Qwen3.5-4B ",
            " Qwen/Qwen3.5-4B",
            "Qwen3.5-4B",
            "Qwen/Qwen3-4B",
            "Qwen/Qwen3.5-4B-Instruct",
            "openbmb/MiniCPM5-1b",
            "Qwen/Qwen3.6-35B",
            "meta-llama/Llama-3.1-8B",
            "Qwen/Qwen2.5-72B-Instruct",
        )
    ):
        b.add(f"typo/model/{i:02d}-{_slug(value)}", sft.with_value("", "model", value))


_WRONG_TYPES: dict[str, TomlValue] = {
    "str": "8",
    "bool": True,
    "array": [8],
    "table": {"value": 8},
    "date": date(1979, 5, 27),
    "datetime": datetime(1979, 5, 27, 7, 32),
}


def _wrong_types(b: _Builder) -> None:
    base = all_knobs_doc("grpo")
    for key in (*INT_KNOBS, *FLOAT_KNOBS):
        for kind, value in _WRONG_TYPES.items():
            b.add(f"type/train.{key}/{kind}", base.with_value("train", key, value))
    for kind, value in _WRONG_TYPES.items():
        b.add(f"type/train.hf_repo/{kind}", base.with_value("train", "hf_repo", value))
        if kind != "str":
            b.add(
                f"type/train.init_from_adapter/{kind}",
                base.with_value("train", "init_from_adapter", value),
            )
            b.add(
                f"type/train.stop_sequences/{kind}",
                base.with_value("train", "stop_sequences", value),
            )
    sft = full_sft_doc()
    for kind, value in _v(
        {
            "int": 4,
            "bool": True,
            "array": ["Qwen/Qwen3.5-4B"],
            "empty": "",
            "blank": "   ",
            "inline-table": {"id": "Qwen/Qwen3.5-4B"},
        }
    ).items():
        b.add(f"type/model/{kind}", sft.with_value("", "model", value))
    b.add("type/model/missing", sft.without("", "model"))
    b.add("type/model/table", sft.without("", "model").with_table("model", {"id": DEFAULT_MODEL}))
    for table in ("environment", "train", "worker_env", "wandb", "gpu"):
        for kind, value in _v({"str": "x", "int": 1, "false": False, "array": []}).items():
            b.add(f"type/{table}/{kind}", sft.without(table).with_value("", table, value))
        b.add(f"type/{table}/array-of-tables", sft.without(table).with_tail(f"[[{table}]]\n"))
        b.add(f"type/{table}/inline-empty", sft.without(table).with_value("", table, {}))
    env = sft.without("environment.params")
    for kind, value in _v({"int": 12, "bool": True, "array": ["acme/env"], "float": 1.5}).items():
        b.add(f"type/environment.id/{kind}", env.with_value("environment", "id", value))
    for kind, value in _v({"empty-array": [], "empty-table": {}, "false": False, "zero": 0}).items():
        b.add(f"type/environment.id/{kind}", env.with_value("environment", "id", value))
    for kind, value in _v(
        {
            "str": "split=train",
            "int": 1,
            "false": False,
            "array": ["train"],
            "empty-table": {},
        }
    ).items():
        b.add(f"type/environment.params/{kind}", env.with_value("environment", "params", value))
    b.add(
        "type/environment.params/date-inside",
        sft.with_value("environment.params", "since", date(2024, 1, 1)),
    )
    b.add(
        "type/environment.params/nested-ok",
        sft.with_value("environment.params", "extra", {"k": [1, 2.5, True, "x"]}),
    )
    b.add(
        "type/environment.params/nan-inside",
        sft.with_value("environment.params", "weight", math.nan),
    )
    for kind, value in _v(
        {
            "str": "openai",
            "int-entry": ["openai", 1],
            "table": {"openai": "1.0"},
            "empty-strings-and-url": ["", "git+https://github.com/a/b.git"],
            "empty": [],
        }
    ).items():
        b.add(f"type/environment.pip/{kind}", sft.with_value("environment", "pip", value))
    for kind, value in _v({"int": 0, "one": 1, "str-true": "true", "str-yes": "yes", "float": 1.0}).items():
        b.add(f"type/thinking/{kind}", sft.with_value("", "thinking", value))
    b.add("type/thinking/empty-array", sft.with_value("", "thinking", []))
    b.add("type/thinking/str-false", grpo_doc().with_value("", "thinking", "false"))


def _bounds(b: _Builder) -> None:
    sft, grpo = all_knobs_doc("sft"), all_knobs_doc("grpo")
    for i, (key, minimum) in enumerate(INT_KNOBS.items()):
        base = sft if i % 2 == 0 else grpo
        b.add(f"bound/train.{key}/min-1", base.with_value("train", key, minimum - 1))
        b.add(f"bound/train.{key}/min", base.with_value("train", key, minimum))
        b.add(f"bound/train.{key}/16.0", base.with_value("train", key, 16.0))
        b.add(f"bound/train.{key}/16.5", base.with_value("train", key, 16.5))
        b.add(f"bound/train.{key}/inf", base.with_value("train", key, math.inf))
        # Always SFT: under GRPO a huge max_length/group_size hangs Flash's sizing (see below).
        for name, value in (("2e53", 2**53), ("2e53+1", 2**53 + 1), ("2e63", 2**63)):
            b.add(f"bound/train.{key}/{name}", sft.with_value("train", key, value))
    b.add("bound/train.max_examples/10e400", sft.with_value("train", "max_examples", 10**400))
    b.add("bound/train.lora_rank/neg", sft.with_value("train", "lora_rank", -32))
    for i, (key, fmin) in enumerate(FLOAT_KNOBS.items()):
        base = grpo if i % 2 == 0 else sft
        b.add(f"bound/train.{key}/min-1", base.with_value("train", key, fmin - 1))
        b.add(f"bound/train.{key}/min", base.with_value("train", key, fmin))
        b.add(f"bound/train.{key}/int-1", base.with_value("train", key, 1))
        for special in (math.nan, math.inf, -math.inf):
            b.add(f"bound/train.{key}/{special}", base.with_value("train", key, special))
    lr = "learning_rate"
    b.add("bound/train.learning_rate/-0.0", sft.with_value("train", lr, Raw("-0.0")))
    b.add("bound/train.learning_rate/5e-324", sft.with_value("train", lr, 5e-324))
    b.add("bound/train.learning_rate/big", sft.with_value("train", lr, 1e300))
    b.add("bound/train.temperature/100", grpo.with_value("train", "temperature", 100))
    tlp = "thinking_length_penalty_coef"
    b.add(f"bound/train.{tlp}/1.0", grpo.with_value("train", tlp, 1.0))
    b.add(f"bound/train.{tlp}/1.0000001", grpo.with_value("train", tlp, 1.0000001))
    b.add(f"bound/train.{tlp}/2", grpo.with_value("train", tlp, 2))
    b.add(f"bound/train.{tlp}/0.5", grpo.with_value("train", tlp, 0.5))
    # GPU sizing (parse-facts §7): the schema does not model these.
    b.add("sizing/4b-grpo-rank-100000", grpo_doc().with_value("train", "lora_rank", 100000))
    # Sizing reads numeric strings as numbers and runs before the type checks (facts §10).
    b.add("sizing/4b-grpo-rank-str-100000", grpo_doc().with_value("train", "lora_rank", "100000"))
    b.add("sizing/4b-grpo-rank-str-64", grpo_doc().with_value("train", "lora_rank", "64"))
    b.add("sizing/4b-grpo-max_length-200000", grpo_doc().with_value("train", "max_length", 200000))
    b.add("sizing/4b-sft-max_length-200000", sft_doc().with_value("train", "max_length", 200000))
    b.add("sizing/4b-sft-max_length-16384", sft_doc().with_value("train", "max_length", 16384))
    big = "Qwen/Qwen3.6-35B-A3B"
    b.add("sizing/35b-grpo-max_length-16384", grpo_doc(big).with_value("train", "max_length", 16384))
    b.add(
        "sizing/35b-grpo-thinking-max_tokens-8192",
        grpo_doc(big, thinking=True).with_value("train", "max_tokens", 8192),
    )
    b.add("sizing/35b-grpo-max_tokens-1024", grpo_doc(big).with_value("train", "max_tokens", 1024))
    # Flash 0.2.43 never finishes these (grpo_kv_floor_gb loops ~10**15 times); the oracle times
    # out on them.
    b.add("sizing/4b-grpo-max_length-2e53-hangs", grpo_doc().with_value("train", "max_length", 2**53))
    b.add("sizing/4b-grpo-group_size-2e63-hangs", grpo_doc().with_value("train", "group_size", 2**63))


def _lora_caps(b: _Builder) -> None:
    for model, cap in SERVING_LORA_RANK_CAP.items():
        m = _slug(model)
        b.add(f"cap/sft/{m}/cap", sft_doc(model).with_value("train", "lora_rank", cap))
        b.add(f"cap/sft/{m}/cap+1", sft_doc(model).with_value("train", "lora_rank", cap + 1))
        b.add(f"cap/grpo/{m}/cap", grpo_doc(model).with_value("train", "lora_rank", cap))
        b.add(f"cap/grpo/{m}/cap+1", grpo_doc(model).with_value("train", "lora_rank", cap + 1))
    adapter = sft_doc().with_value("train", "init_from_adapter", "run-1")
    b.add("cap/sft/4B/adapter-cap+1", adapter.with_value("train", "lora_rank", 65))
    b.add("cap/sft/4B/cap-float", sft_doc().with_value("train", "lora_rank", 64.0))
    b.add("cap/sft/4B/cap+1-float", sft_doc().with_value("train", "lora_rank", 65.0))


def _algorithms(b: _Builder) -> None:
    variants: dict[str, TomlValue] = {
        "GRPO": "GRPO",
        "space-grpo": " grpo",
        "empty": "",
        "false": False,
        "zero": 0,
        "one": 1,
        "opd": "opd",
        "empty-array": [],
        "empty-table": {},
        "true": True,
        "array": ["grpo"],
        "SFT": "SFT",
        "float-zero": 0.0,
    }
    for name, value in variants.items():
        b.add(f"algorithm/dual/{name}", dual_doc().with_value("", "algorithm", value))
    for name in ("GRPO", "empty", "false", "opd"):
        b.add(f"algorithm/grpo-base/{name}", grpo_doc().with_value("", "algorithm", variants[name]))
    b.add("algorithm/missing/sft-base", sft_doc().without("", "algorithm"))
    b.add("algorithm/missing/grpo-base", grpo_doc().without("", "algorithm"))
    b.add(
        "algorithm/under-environment",
        grpo_doc().without("", "algorithm").with_value("environment", "algorithm", "grpo"),
    )


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
)


def _environment_ids(b: _Builder) -> None:
    for algo, doc in (("sft", sft_doc()), ("grpo", grpo_doc())):
        for i, env_id in enumerate(VALID_ENV_IDS):
            if algo == "grpo" and i % 2:
                continue
            b.add(
                f"env-id/{algo}/ok-{i:02d}-{_slug(env_id)}",
                doc.with_value("environment", "id", env_id),
            )
        for i, env_id in enumerate(INVALID_ENV_IDS):
            if algo == "grpo" and i % 3:
                continue
            b.add(
                f"env-id/{algo}/bad-{i:02d}-{_slug(env_id)}",
                doc.with_value("environment", "id", env_id),
            )
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


def _secrets(b: _Builder) -> None:
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
    for name, value in cases.items():
        b.add(f"secrets/{name}", doc.with_value("environment", "secrets", value))
    for name in RESERVED_SECRETS:
        b.add(f"secrets/reserved/{name}", doc.with_value("environment", "secrets", [name]))
        b.add(
            f"secrets/reserved-lower/{name.lower()}",
            doc.with_value("environment", "secrets", [name.lower()]),
        )


def _worker_env(b: _Builder) -> None:
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
    for i, key in enumerate(keys_ok + keys_bad):
        b.add(f"worker_env/key/{i:02d}-{_slug(key)}", doc.with_table("worker_env", {key: "1"}))
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
    for name, value in values.items():
        b.add(f"worker_env/value/{name}", doc.with_table("worker_env", {"FEATURE_FLAG": value}))
    b.add("worker_env/empty-table", doc.with_table("worker_env"))
    b.add(
        "worker_env/two-secret-keys",
        doc.with_table("worker_env", {"SSH_KEY": "x", "OPENAI_API_KEY": "y", "OK": "z"}),
    )


def _wandb(b: _Builder) -> None:
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
    for name, values in cases.items():
        b.add(f"wandb/{name}", doc.with_table("wandb", values))


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


def _init_from_adapter(b: _Builder) -> None:
    for algo, doc in (("sft", sft_doc()), ("grpo", grpo_doc())):
        for name, value in INIT_FROM_ADAPTER.items():
            if algo == "grpo" and name.startswith("ok-") and name not in ("ok-run", "ok-step"):
                continue
            b.add(f"adapter/{algo}/{name}", doc.with_value("train", "init_from_adapter", value))


def _stop_sequences(b: _Builder) -> None:
    doc = full_grpo_doc()
    cases: dict[str, TomlValue] = {
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
    for name, value in cases.items():
        b.add(f"stop_sequences/{name}", doc.with_value("train", "stop_sequences", value))
    b.add("stop_sequences/ok-under-sft", full_sft_doc().with_value("train", "stop_sequences", "x"))


def _top_level_unknowns(b: _Builder) -> None:
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
    for key, value in scalars.items():
        b.add(f"top/unknown-scalar/{key}", sft.with_value("", key, value))
    for name in ("project", "seed", "grpo", "sft", "foo"):
        b.add(f"top/unknown-table/{name}", sft.with_table(name, {"x": 1}))
    b.add("top/unknown-table/empty-foo", sft.with_table("foo"))
    b.add("top/unknown-table/inline-empty", sft.with_value("", "foo", {}))
    b.add("top/unknown-table/inline-grpo", grpo.with_value("", "grpo", {"group_size": 8}))
    b.add("top/unknown-table/dotted-grpo", "grpo.group_size = 8\n" + grpo.render())
    b.add("top/unknown-table/grpo-and-zeta", grpo.with_table("zeta").with_table("grpo"))
    b.add("top/unknown-table/Train", sft.with_table("Train", {"lora_rank": 8}))
    for name in ("grpo", "foo", "sft"):
        b.add(f"top/array-of-tables/{name}", sft.with_tail(f"[[{name}]]\ngroup_size = 8\n"))
    b.add("top/array-of-tables/train", sft.without("train").with_tail("[[train]]\nmax_examples = 5\n"))
    b.add("top/train-subtable", sft.with_table("train.extra", {"x": 1}))
    b.add("top/environment-subtable", sft.with_table("environment.extra", {"x": 1}))
    b.add("top/wandb-subtable", sft.with_table("wandb.extra", {"x": 1}))


def _managed_keys(b: _Builder) -> None:
    sft = sft_doc()
    gpu_tables: dict[str, dict[str, TomlValue]] = {
        "gpu-type": {"type": "H100"},
        "gpu-bogus-type": {"type": "TPU v5"},
        "gpu-unknown-key": {"count": 8, "disk_gb": "big"},
        "gpu-empty": {},
    }
    for name, values in gpu_tables.items():
        b.add(f"managed/{name}", sft.with_table("gpu", values))
    policy: dict[str, TomlValue] = {
        "allow": "allow",
        "catalog": "catalog",
        "int": 5,
        "table": {"x": 1},
        "array": [],
    }
    for name, value in policy.items():
        b.add(f"managed/model_policy/{name}", sft.with_value("", "model_policy", value))
    b.add(
        "managed/model_policy/allow-uncatalogued",
        sft.with_value("", "model_policy", "allow").with_value("", "model", "meta-llama/Llama-3.1-8B"),
    )
    b.add("managed/model_policy/table-section", sft.with_table("model_policy", {"mode": "allow"}))
    for name, value in _v({"str": "my-run", "int": 7, "table": {"x": 1}, "empty": ""}).items():
        b.add(f"managed/run_id/{name}", sft.with_value("", "run_id", value))
    b.add("managed/run_id/table-section", sft.with_table("run_id", {"x": 1}))
    for name, value in _v({"str": "me/adapters", "int": 5, "table": {"x": 1}, "bool": False}).items():
        b.add(f"managed/hf_repo/{name}", sft.with_value("train", "hf_repo", value))
    b.add("managed/hf_repo/top-level", sft.with_value("", "hf_repo", "me/adapters"))


def _max_examples(b: _Builder) -> None:
    sft, grpo = sft_doc(), grpo_doc()
    b.add("max_examples/sft-missing", sft.without("train", "max_examples"))
    b.add("max_examples/sft-zero", sft.with_value("train", "max_examples", 0))
    b.add("max_examples/sft-one", sft.with_value("train", "max_examples", 1))
    b.add("max_examples/sft-no-train", sft.without("train"))
    b.add("max_examples/grpo-missing", grpo.without("train", "max_examples"))
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


def _sets(b: _Builder) -> None:
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
        b.add(f"set/sft/{_slug(item)}-{len(item)}", sft, sets=[item])
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
        b.add(f"set/grpo/{_slug(item)}-{len(item)}", grpo, sets=[item])
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
        b.add(f"set/dual/{_slug(item)}-{len(item)}", dual, sets=[item])
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


def _overlays(b: _Builder) -> None:
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


def _syntax(b: _Builder) -> None:
    valid = sft_doc().render()
    for name, text in SYNTAX_ERRORS.items():
        # The error comes first; the rest of the document is a valid config.
        b.add(f"syntax/{name}", text + "\n" + valid if name == "bom" else text)


_FAMILIES = (
    _valid_bases,
    _typos,
    _wrong_types,
    _bounds,
    _lora_caps,
    _algorithms,
    _environment_ids,
    _secrets,
    _worker_env,
    _wandb,
    _init_from_adapter,
    _stop_sequences,
    _top_level_unknowns,
    _managed_keys,
    _max_examples,
    _sets,
    _overlays,
    _syntax,
)


def generate_cases() -> list[Case]:
    """All cases, in a deterministic order, with unique ids."""
    builder = _Builder()
    for family in _FAMILIES:
        family(builder)
    return builder.cases


if __name__ == "__main__":  # pragma: no cover - manual inspection helper
    for case in generate_cases():
        print(f"# --- {case.id} overlays={len(case.overlays)} sets={list(case.sets)}")
        print(case.text)
