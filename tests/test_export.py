"""`flash-schema export`: each Flash dialect's schema as shipped (draft-07) and derived (2020-12), meaning the same.

`export_schema(json_dialect, flash_dialect)` gives the text; `flash-schema export --dialect D
--flash-version X` prints it. The SchemaStore catalog entry (`schema/catalog.json`) lists every
dialect's schema in its `versions` map.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from casekit import load_cases
from click.testing import CliRunner
from jsonschema import Draft7Validator, Draft202012Validator, validators

from flash_schema import keywords as kw
from flash_schema.checker import check_config
from flash_schema.cli import main
from flash_schema.dialects import DIALECTS as FLASH_DIALECTS
from flash_schema.dialects import NEWEST, load_schema, schema_file, validator
from flash_schema.document import Document
from flash_schema.export import DIALECTS, DRAFT_07, DRAFT_2020_12, export_schema, to_2020_12
from flash_schema.releases import resolve

REPO = Path(__file__).resolve().parents[1]
SCHEMA_DIR = REPO / "schema"
CATALOG_FILE = SCHEMA_DIR / "catalog.json"
EXPORTED: dict[str, dict[str, Any]] = {d: json.loads(export_schema("2020-12", d)) for d in FLASH_DIALECTS}

#: Our custom keywords on a 2020-12 validator: the export with them must be our validator exactly.
Flash202012Validator = validators.extend(Draft202012Validator, kw.implementations())  # type: ignore[no-untyped-call]


def _documents() -> Iterator[Any]:
    """(Flash dialect, text) of every hand case and example config that is valid TOML 1.0 (the file
    alone: other tools never see `--config` overlays or `--set`).

    Hand cases are checked under the dialect of their folder; the examples under every dialect."""
    examples = sorted((REPO / "examples").rglob("*.toml"))
    for case in load_cases():
        try:
            text = case.path.read_text("utf-8")
            tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        yield pytest.param(case.dialect, text, id=case.id)
    for dialect in FLASH_DIALECTS:
        for path in examples:
            yield pytest.param(dialect, path.read_text("utf-8"), id=f"{dialect}/examples/{path.stem}")


DOCUMENTS = list(_documents())


def test_there_are_documents_for_several_dialects() -> None:
    assert len(DOCUMENTS) >= 20
    per_dialect = {p.values[0] for p in DOCUMENTS if "examples" not in str(p.id)}
    assert {"0.2.43", "1.3"} <= per_dialect


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for key, value in node.items():
            if key not in {"enum", "const", "default", "examples"} and not key.startswith("x-"):
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


# -- the exported text ---------------------------------------------------------------------------------


@pytest.mark.parametrize("flash", FLASH_DIALECTS)
def test_draft_07_export_is_the_shipped_file_byte_for_byte(flash: str) -> None:
    assert export_schema("draft-07", flash).encode("utf-8") == (SCHEMA_DIR / schema_file(flash)).read_bytes()


def test_default_export_is_the_newest_dialect() -> None:
    """Without a Flash dialect, the export is today's Flash (the newest dialect), as draft-07."""
    assert export_schema() == export_schema("draft-07", NEWEST)
    assert json.loads(export_schema())[kw.DIALECT] == NEWEST


@pytest.mark.parametrize("flash", FLASH_DIALECTS)
def test_draft_07_export_passes_its_metaschema(flash: str) -> None:
    schema = json.loads(export_schema("draft-07", flash))
    assert schema["$schema"] == DRAFT_07
    Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("flash", FLASH_DIALECTS)
def test_2020_12_export_passes_its_metaschema(flash: str) -> None:
    assert EXPORTED[flash]["$schema"] == DRAFT_2020_12
    Draft202012Validator.check_schema(EXPORTED[flash])


@pytest.mark.parametrize("flash", FLASH_DIALECTS)
def test_2020_12_export_shape(flash: str) -> None:
    """`definitions` became `$defs`, every `$ref` follows, and nothing else moved."""
    canonical = load_schema(flash)
    exported = EXPORTED[flash]
    assert "#/definitions/" not in json.dumps(exported)
    assert "definitions" not in exported
    assert set(exported["$defs"]) == set(canonical["definitions"])
    refs = sorted(_refs(exported))
    assert refs
    assert refs == sorted(r.replace("#/definitions/", "#/$defs/") for r in _refs(canonical))
    for ref in refs:
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in exported["$defs"]
    for key in ("$id", "title", kw.DIALECT, kw.VERSION, kw.CATALOG, "required"):
        assert exported[key] == canonical[key], key
    assert set(exported["properties"]) == set(canonical["properties"])


@pytest.mark.parametrize("flash", FLASH_DIALECTS)
def test_2020_12_export_is_stable_text(flash: str) -> None:
    """Two exports are identical, and end with a newline (diff-friendly when committed elsewhere)."""
    assert export_schema("2020-12", flash) == export_schema("2020-12", flash)
    assert export_schema("2020-12", flash).endswith("}\n")


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
        (
            {kw.LINT: [{"not": {"$ref": "#/definitions/x"}}]},
            {kw.LINT: [{"not": {"$ref": "#/definitions/x"}}]},
        ),
    ],
    ids=["tuple-items", "list-items", "dependencies", "ref-siblings", "data-untouched", "annotations-untouched"],
)
def test_to_2020_12_keywords(draft7: dict[str, Any], expected: dict[str, Any]) -> None:
    """The draft-07 keywords that changed in 2020-12 are rewritten; data and `x-*` annotations are copied."""
    assert to_2020_12(draft7) == expected


def test_unknown_dialects_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        export_schema("draft-04")
    with pytest.raises(ValueError, match="unknown Flash dialect"):
        export_schema("draft-07", "0.9")
    assert DIALECTS == ("draft-07", "2020-12")


# -- verdicts: the same in both JSON Schema dialects, and never stricter than Flash ------------------------


@pytest.mark.parametrize(("flash", "text"), DOCUMENTS)
def test_plain_validators_agree(flash: str, text: str) -> None:
    """Plain draft-07 on the shipped schema and plain 2020-12 on the export give the same verdict,
    with the same errors at the same places."""
    data = tomllib.loads(text)
    draft7 = Draft7Validator(load_schema(flash))
    draft2020 = Draft202012Validator(EXPORTED[flash])
    assert draft7.is_valid(data) == draft2020.is_valid(data)
    assert sorted(e.json_path for e in draft7.iter_errors(data)) == sorted(
        e.json_path for e in draft2020.iter_errors(data)
    )


@pytest.mark.parametrize(("flash", "text"), DOCUMENTS)
def test_custom_keywords_only_add_errors(flash: str, text: str) -> None:
    """Our validator fails whatever a plain validator fails; where they differ, only x-flash-* speaks
    (its own findings, and the warnings `x-flash-lint` holds)."""
    data = tomllib.loads(text)
    ours = list(validator(flash).iter_errors(data))
    plain = list(Draft7Validator(load_schema(flash)).iter_errors(data))
    if plain:
        assert ours
    found = {(tuple(e.absolute_path), tuple(e.absolute_schema_path)) for e in plain}
    extra = [where for e in ours if (where := (tuple(e.absolute_path), tuple(e.absolute_schema_path))) not in found]
    # a custom keyword's own finding, or a subschema it holds (`x-flash-lint` descends into its warnings)
    assert all(any(str(k).startswith("x-flash-") for k in schema_path) for _, schema_path in extra), extra


@pytest.mark.parametrize(("flash", "text"), DOCUMENTS)
def test_export_with_custom_keywords_matches_our_validator(flash: str, text: str) -> None:
    """The 2020-12 export, run with our custom keywords, reports exactly what our validator reports."""
    data = tomllib.loads(text)
    ours = sorted((e.json_path, str(e.validator)) for e in validator(flash).iter_errors(data))
    theirs = sorted((e.json_path, str(e.validator)) for e in Flash202012Validator(EXPORTED[flash]).iter_errors(data))
    assert ours == theirs


@pytest.mark.parametrize(("flash", "text"), DOCUMENTS)
def test_exports_accept_what_flash_accepts(flash: str, text: str) -> None:
    """A config Flash accepts (warnings at most) passes both plain exports: warnings are never
    constraints. (What Flash rejects, they catch only where plain JSON Schema can say it.)"""
    data = tomllib.loads(text)
    result = check_config("config.toml", Document.from_text(text), flash_version=flash)
    plain = Draft7Validator(json.loads(export_schema("draft-07", flash))).is_valid(data)
    assert Draft202012Validator(EXPORTED[flash]).is_valid(data) == plain
    if result.valid:
        assert plain, [e.message for e in Draft7Validator(load_schema(flash)).iter_errors(data)]


# -- the command --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("version", ["0.2.43", "1.0.1", "1.3", "latest"])
def test_cli_export_prints_the_dialect_of_the_release(dialect: str, version: str) -> None:
    result = CliRunner().invoke(main, ["export", "--dialect", dialect, "--flash-version", version])
    assert result.exit_code == 0, result.output
    assert result.stdout == export_schema(dialect, resolve(version).dialect)
    assert json.loads(result.stdout)[kw.DIALECT] == resolve(version).dialect


def test_cli_export_default_is_the_newest_draft_07() -> None:
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 0
    assert result.stdout.encode("utf-8") == (SCHEMA_DIR / schema_file(NEWEST)).read_bytes()


def test_cli_export_unknown_release_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["export", "--flash-version", "not-a-version"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.parametrize("dialect", DIALECTS)
def test_cli_export_writes_a_file(tmp_path: Path, dialect: str) -> None:
    out = tmp_path / f"flash.{dialect}.json"
    result = CliRunner().invoke(main, ["export", "--dialect", dialect, "--flash-version", "1.0", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text("utf-8") == export_schema(dialect, "1.0")


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
    latest = json.loads((SCHEMA_DIR / "flash.schema.json").read_text("utf-8"))
    assert entry["url"] == latest["$id"]
    assert "*.flash.toml" in entry["fileMatch"]
    assert all(pattern.endswith(".toml") for pattern in entry["fileMatch"])


def test_catalog_lists_every_dialect() -> None:
    """SchemaStore's `versions` map: each dialect's exact release names that dialect's schema (its `$id`),
    and `latest` the newest dialect's."""
    (entry,) = json.loads(CATALOG_FILE.read_text("utf-8"))["schemas"]
    versions = entry["versions"]
    expected = {load_schema(d)[kw.VERSION]: load_schema(d)["$id"] for d in FLASH_DIALECTS}
    assert {k: v for k, v in versions.items() if k != "latest"} == expected
    assert versions["latest"] == load_schema(NEWEST)["$id"]
    for dialect in FLASH_DIALECTS:
        assert load_schema(dialect)["$id"].endswith("/schema/" + schema_file(dialect))
        assert (SCHEMA_DIR / schema_file(dialect)).is_file()
