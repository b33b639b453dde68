"""Authoring rules for the canonical schema: what editors, other tools and our own docs rely on."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from jsonschema import Draft7Validator

from flash_schema import keywords as kw
from flash_schema.check import check_text
from flash_schema.diagnostics import format_path
from flash_schema.schema_index import get_index
from flash_schema.validate import FlashValidator

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = REPO / "schema" / "flash.schema.json"
INDEX = get_index()
SCHEMA: dict[str, Any] = INDEX.schema
KEY_PATHS = INDEX.all_key_paths()
IDS = [format_path(p) for p in KEY_PATHS]

#: Tables that do not state `additionalProperties` yet: each needs a schema change (strict xfail, so
#: the test says when the entry can go).
PENDING_ADDITIONAL_PROPERTIES: set[tuple[str, ...]] = set()

#: Minimal configs Flash accepts, one per algorithm: examples are shown in these.
BASES: dict[str, dict[str, Any]] = {
    "sft": {"model": "Qwen/Qwen3.5-4B", "environment": {"id": "your-org/your-env"}, "train": {"max_examples": 100}},
    "grpo": {"model": "Qwen/Qwen3.5-4B", "algorithm": "grpo", "environment": {"id": "your-org/your-env"}},
}


def _walk(node: Any, where: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    yield where, node
    if isinstance(node, Mapping):
        for key, value in node.items():
            if not str(key).startswith("x-") and key not in {"enum", "const", "default", "examples"}:
                yield from _walk(value, (*where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*where, i))


def _tables() -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every subschema that describes a table: the root and every described table key."""
    yield "(root)", SCHEMA
    for path in KEY_PATHS:
        info = INDEX.info(path)
        assert info is not None
        if info.is_table:
            yield format_path(path), info.schema


def test_schema_is_valid_draft_07() -> None:
    """The canonical file passes the draft-07 metaschema and says it is draft-07."""
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(SCHEMA)


def test_schema_file_is_the_packaged_schema() -> None:
    """The package ships `schema/flash.schema.json` itself (a symlink), not a copy that could drift."""
    assert json.loads(SCHEMA_FILE.read_text("utf-8")) == SCHEMA


def test_schema_has_an_id() -> None:
    """`$id` is an absolute https URL to the file in the repository (catalogs and `#:schema` use it)."""
    schema_id = SCHEMA.get("$id")
    assert isinstance(schema_id, str)
    assert schema_id.startswith("https://")
    assert schema_id.endswith("/schema/flash.schema.json")


def test_no_keywords_beside_ref() -> None:
    """draft-07 ignores keywords beside `$ref` (2020-12 applies them): so the schema has none."""
    offenders = [
        where for where, node in _walk(SCHEMA) if isinstance(node, Mapping) and "$ref" in node and len(node) > 1
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("name", "sub"),
    [
        pytest.param(
            name,
            sub,
            marks=[pytest.mark.xfail(strict=True, reason="schema change pending: state additionalProperties")]
            if tuple(name.split(".")) in PENDING_ADDITIONAL_PROPERTIES
            else [],
            id=name,
        )
        for name, sub in _tables()
    ],
)
def test_tables_state_additional_properties(name: str, sub: Mapping[str, Any]) -> None:
    """Every table says whether it is open or closed (tombi's strict mode assumes closed otherwise)."""
    assert "additionalProperties" in sub, f"{name} does not state additionalProperties"


@pytest.mark.parametrize("path", KEY_PATHS, ids=IDS)
def test_every_key_has_editor_text(path: tuple[str, ...]) -> None:
    """Hover and completion in every editor need a title, a description and a Markdown description."""
    info = INDEX.info(path)
    assert info is not None
    for keyword in ("title", "description", "markdownDescription"):
        value = info.schema.get(keyword)
        assert isinstance(value, str), f"{format_path(path)} has no {keyword}"
        assert value.strip(), f"{format_path(path)} has an empty {keyword}"


@pytest.mark.parametrize("path", [("model",), ("algorithm",)], ids=["model", "algorithm"])
def test_user_facing_enums_are_described(path: tuple[str, ...]) -> None:
    """Completion lists for `model` and `algorithm` explain every value."""
    info = INDEX.info(path)
    assert info is not None
    assert info.enum, f"{format_path(path)} has no enum"
    assert info.enum_descriptions is not None
    assert len(info.enum_descriptions) == len(info.enum)
    assert all(d.strip() for d in info.enum_descriptions)


EXAMPLES = [
    pytest.param(path, i, example, id=f"{format_path(path)}[{i}]")
    for path in KEY_PATHS
    for i, example in enumerate(INDEX.info(path).examples)  # type: ignore[union-attr]
]


@pytest.mark.parametrize(("path", "i", "example"), EXAMPLES)
def test_example_validates_against_its_subschema(path: tuple[str, ...], i: int, example: Any) -> None:
    """Each `examples` entry passes its own subschema, custom keywords included."""
    info = INDEX.info(path)
    assert info is not None
    validator = FlashValidator(SCHEMA, registry=INDEX.registry)
    errors = [e.message for e in validator.descend(example, info.schema)]
    assert errors == [], f"example {example!r} of {format_path(path)}"


@pytest.mark.parametrize(("path", "i", "example"), EXAMPLES)
def test_example_is_accepted_in_a_config(path: tuple[str, ...], i: int, example: Any) -> None:
    """Each example, written into a minimal config of the algorithm it applies to, draws no error."""
    info = INDEX.info(path)
    assert info is not None
    algorithm = info.applies_to or "sft"
    data = json.loads(json.dumps(BASES[algorithm]))
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = example
    errors = [d for d in check_text(tomli_w.dumps(data)) if d.is_error]
    assert errors == [], f"example {example!r} of {format_path(path)}: {[d.message for d in errors]}"


def test_every_described_key_has_an_example_or_is_platform_managed() -> None:
    """Leaf keys a user sets carry an example (the docs and hover show it as TOML)."""
    missing = []
    for path in KEY_PATHS:
        info = INDEX.info(path)
        assert info is not None
        managed = any(p.get(kw.CODE) == "platform-managed-key" for p in info.schema.get("allOf", []))
        if not info.is_table and not managed and not info.examples:
            missing.append(format_path(path))
    assert missing == []


def test_catalog_matches_model_enum() -> None:
    """`x-flash-catalog` and the `model` enum list the same ids in the same order."""
    model = INDEX.info(("model",))
    assert model is not None
    assert tuple(m.id for m in INDEX.catalog) == model.enum
    assert sum(m.default for m in INDEX.catalog) == 1


def _model_blocks() -> dict[str, Mapping[str, Any]]:
    blocks: dict[str, Mapping[str, Any]] = {}
    for block in SCHEMA["allOf"]:
        cond = block.get("if", {}).get("properties", {})
        if "model" in cond:
            assert block["if"].get("required") == ["model"]
            blocks[cond["model"]["const"]] = block["then"]["properties"]["train"]["properties"]
    return blocks


def test_catalog_matches_per_model_caps() -> None:
    """Each catalog model has one `if`/`then` block whose caps are the catalog's numbers."""
    blocks = _model_blocks()
    assert set(blocks) == {m.id for m in INDEX.catalog}
    for m in INDEX.catalog:
        train = blocks[m.id]
        assert train["lora_rank"]["maximum"] == m.max_lora_rank, m.id
        assert train["lora_rank"][kw.CODE] == "lora-rank-cap"
        assert train["lora_rank"].get(kw.SEVERITY, "error") == "error"
        assert train["max_length"]["maximum"] == m.max_model_len, m.id
        assert train["max_length"][kw.SEVERITY] == "warning"
    lora_rank = INDEX.info(("train", "lora_rank"))
    assert lora_rank is not None
    assert lora_rank.caps_by_model == {m.id: m.max_lora_rank for m in INDEX.catalog}


def test_model_descriptions_agree_with_catalog() -> None:
    """The words editors show for each model (enumDescriptions, taplo's enumValues) match the catalog."""
    model = INDEX.info(("model",))
    assert model is not None
    assert model.enum_descriptions is not None
    taplo = model.schema.get("x-taplo", {}).get("docs", {}).get("enumValues")
    for i, m in enumerate(INDEX.catalog):
        text = model.enum_descriptions[i]
        for fact in (m.params, f"up to {m.max_lora_rank}", str(m.max_model_len)):
            assert fact in text, f"{m.id}: enumDescriptions lacks {fact!r}"
            if taplo is not None and fact != str(m.max_model_len):
                assert fact in taplo[i], f"{m.id}: x-taplo enumValues lacks {fact!r}"
