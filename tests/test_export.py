"""`flash-schema export`: the canonical draft-07 file and the derived 2020-12 variant mean the same."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator, Draft202012Validator, validators

from flash_schema import keywords as kw
from flash_schema.cli import main
from flash_schema.export import DIALECTS, DRAFT_2020_12, export_schema, to_2020_12
from flash_schema.schema_index import get_index
from flash_schema.validate import FlashValidator

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = REPO / "schema" / "flash.schema.json"
CATALOG_FILE = REPO / "schema" / "catalog.json"
CANONICAL: dict[str, Any] = json.loads(SCHEMA_FILE.read_text("utf-8"))
EXPORTED: dict[str, Any] = json.loads(export_schema("2020-12"))

#: Our custom keywords on a 2020-12 validator: the export with them must be our validator exactly.
Flash202012Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {k: v for k, v in FlashValidator.VALIDATORS.items() if k.startswith("x-flash-")}
)


def _documents() -> list[Any]:
    """Parsed data of every case, overlay and example config that is valid TOML 1.0."""
    out = []
    for path in sorted([*(REPO / "tests" / "cases").glob("*.toml"), *(REPO / "examples").rglob("*.toml")]):
        try:
            out.append(pytest.param(tomllib.loads(path.read_text("utf-8")), id=path.stem))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
    return out


DOCUMENTS = _documents()


def test_there_are_documents() -> None:
    assert len(DOCUMENTS) >= 10


def test_draft_07_export_is_the_canonical_file_byte_for_byte() -> None:
    assert export_schema("draft-07").encode("utf-8") == SCHEMA_FILE.read_bytes()


def test_draft_07_export_passes_its_metaschema() -> None:
    Draft7Validator.check_schema(json.loads(export_schema("draft-07")))


def test_2020_12_export_passes_its_metaschema() -> None:
    assert EXPORTED["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(EXPORTED)


def test_2020_12_export_shape() -> None:
    """`definitions` became `$defs`, every `$ref` follows, and nothing else moved."""
    text = json.dumps(EXPORTED)
    assert "#/definitions/" not in text
    assert "definitions" not in EXPORTED
    assert set(EXPORTED["$defs"]) == set(CANONICAL["definitions"])
    assert EXPORTED["$id"] == CANONICAL["$id"]
    assert EXPORTED[kw.CATALOG] == CANONICAL[kw.CATALOG]
    secrets = EXPORTED["properties"]["environment"]["properties"]["secrets"]
    assert secrets["items"]["allOf"][0] == {"$ref": "#/$defs/envVarName"}


def test_2020_12_export_is_stable_text() -> None:
    """Two exports are identical, and end with a newline (diff-friendly when committed elsewhere)."""
    assert export_schema("2020-12") == export_schema("2020-12")
    assert export_schema("2020-12").endswith("}\n")


@pytest.mark.parametrize(
    ("draft7", "expected"),
    [
        (
            {"items": [{"type": "string"}], "additionalItems": False},
            {"prefixItems": [{"type": "string"}], "items": False},
        ),
        ({"items": {"type": "string"}, "additionalItems": False}, {"items": {"type": "string"}}),
        (
            {"dependencies": {"a": ["b"], "c": {"required": ["d"]}}},
            {"dependentRequired": {"a": ["b"]}, "dependentSchemas": {"c": {"required": ["d"]}}},
        ),
        ({"$ref": "#/definitions/x", "type": "string"}, {"$ref": "#/$defs/x"}),
        (
            {"properties": {"definitions": {"enum": [{"$ref": "#/definitions/x"}]}}},
            {"properties": {"definitions": {"enum": [{"$ref": "#/definitions/x"}]}}},
        ),
    ],
    ids=["tuple-items", "list-items", "dependencies", "ref-siblings", "data-untouched"],
)
def test_to_2020_12_keywords(draft7: dict[str, Any], expected: dict[str, Any]) -> None:
    """The draft-07 keywords that changed in 2020-12 are rewritten; data is never touched."""
    assert to_2020_12(draft7) == expected


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        export_schema("draft-04")
    assert DIALECTS == ("draft-07", "2020-12")


@pytest.mark.parametrize("data", DOCUMENTS)
def test_plain_validators_agree(data: Any) -> None:
    """Plain draft-07 on the canonical schema and plain 2020-12 on the export give the same verdict."""
    draft7 = Draft7Validator(CANONICAL)
    draft2020 = Draft202012Validator(EXPORTED)
    assert draft7.is_valid(data) == draft2020.is_valid(data)
    assert sorted(e.json_path for e in draft7.iter_errors(data)) == sorted(
        e.json_path for e in draft2020.iter_errors(data)
    )


@pytest.mark.parametrize("data", DOCUMENTS)
def test_custom_keywords_only_add_errors(data: Any) -> None:
    """Our validator fails whatever a plain validator fails; where they differ, only x-flash-* speaks."""
    index = get_index()
    ours = list(FlashValidator(index.schema, registry=index.registry).iter_errors(data))
    plain = list(Draft7Validator(CANONICAL).iter_errors(data))
    if plain:
        assert ours
    extra = {(tuple(e.absolute_path), str(e.validator)) for e in ours} - {
        (tuple(e.absolute_path), str(e.validator)) for e in plain
    }
    assert all(keyword.startswith("x-flash-") for _, keyword in extra), extra


@pytest.mark.parametrize("data", DOCUMENTS)
def test_export_with_custom_keywords_matches_our_validator(data: Any) -> None:
    """The 2020-12 export, run with our custom keywords, reports exactly what our validator reports."""
    index = get_index()
    ours = sorted(
        (e.json_path, str(e.validator)) for e in FlashValidator(index.schema, registry=index.registry).iter_errors(data)
    )
    theirs = sorted((e.json_path, str(e.validator)) for e in Flash202012Validator(EXPORTED).iter_errors(data))
    assert ours == theirs


# -- the command --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_cli_export_prints_the_dialect(dialect: str) -> None:
    result = CliRunner().invoke(main, ["export", "--dialect", dialect])
    assert result.exit_code == 0
    assert result.stdout == export_schema(dialect)


def test_cli_export_default_is_draft_07() -> None:
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0
    assert result.stdout.encode("utf-8") == SCHEMA_FILE.read_bytes()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_cli_export_writes_a_file(tmp_path: Path, dialect: str) -> None:
    out = tmp_path / f"flash.{dialect}.json"
    result = CliRunner().invoke(main, ["export", "--dialect", dialect, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text("utf-8") == export_schema(dialect)


@pytest.mark.parametrize("where", ["missing-dir", "under-a-file"])
def test_cli_export_unwritable_output(tmp_path: Path, where: str) -> None:
    """An unwritable `--output` is one line on stderr and a non-zero exit, never a traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    target = tmp_path / "no" / "such" / "dir" / "x.json" if where == "missing-dir" else blocker / "x.json"
    proc = subprocess.run(
        [sys.executable, "-m", "flash_schema", "export", "--output", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert str(target) in lines[0]
    assert proc.stdout == ""


def test_cli_export_to_a_directory_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--output", str(tmp_path)])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


# -- the SchemaStore catalog entry --------------------------------------------------------------------

#: The shape SchemaStore's schema-catalog.json asks of a catalog (restated as draft-07).
CATALOG_SHAPE = {
    "type": "object",
    "required": ["$schema", "version", "schemas"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"const": "https://json.schemastore.org/schema-catalog.json"},
        "version": {"type": "number"},
        "schemas": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "description", "fileMatch", "url"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "description": {"type": "string", "minLength": 1},
                    "fileMatch": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"}},
                    "url": {"type": "string", "pattern": "^https://"},
                    "versions": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^https://"}},
                },
            },
        },
    },
}


def test_catalog_entry_shape() -> None:
    catalog = json.loads(CATALOG_FILE.read_text("utf-8"))
    errors = [e.message for e in Draft7Validator(CATALOG_SHAPE).iter_errors(catalog)]
    assert errors == []
    (entry,) = catalog["schemas"]
    assert entry["url"] == CANONICAL["$id"]
    assert entry["name"] == CANONICAL["title"]
    assert f"Flash {get_index().flash_version}" in entry["description"]
    assert "*.flash.toml" in entry["fileMatch"]
    assert all(pattern.endswith(".toml") for pattern in entry["fileMatch"])
