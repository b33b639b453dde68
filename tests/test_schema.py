"""Authoring rules for the generated dialect schemas: what editors, other tools and our own docs rely on.

Each Flash dialect (`flash_schema.dialects.DIALECTS`) ships one plain draft-07 schema generated from
`schema/src/` (`python -m flash_schema.schemagen`). These tests hold every dialect's schema to the
same rules, check that the generated files are what the source renders to, and that the rule
registry (`schema/src/rules.toml`) and the schemas name the same rules.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from jsonschema import Draft7Validator

from flash_schema import dialects
from flash_schema import keywords as kw
from flash_schema.checker import check_text
from flash_schema.diagnostics import Severity, format_path
from flash_schema.releases import known
from flash_schema.rules import TARGETS, Registry, RegistryError, registry
from flash_schema.schema_index import SchemaIndex, get_index, is_platform_managed
from flash_schema.schemagen.write import write_or_check

REPO = Path(__file__).resolve().parents[1]
SCHEMA_DIR = REPO / "schema"
RULES_FILE = SCHEMA_DIR / "src" / "rules.toml"
DIALECTS = dialects.DIALECTS
NEWEST = dialects.NEWEST

#: Keywords of draft-07 that can fail a document: what a plain JSON Schema tool enforces.
ASSERTIONS = frozenset(
    {
        "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern", "items", "additionalItems", "maxItems", "minItems", "uniqueItems",
        "contains", "maxProperties", "minProperties", "required", "properties", "patternProperties",
        "additionalProperties", "dependencies", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf",
        "not", "$ref",
    }
)  # fmt: skip
#: Values that are data, never subschemas (the walk below does not descend into them).
DATA = frozenset({"enum", "const", "default", "examples", "required", "enumDescriptions"})
#: The fix kinds `flash_schema.fixes` knows, and what may hide a rule (rules.toml's header).
FIX_KINDS = frozenset({"remove", "replace-value", "rename", "move", "add"})
HIDDEN_BY = frozenset({"value-error", "algorithm-error"})

#: Known faults of the schema source, reported to the lead: test id -> what is wrong. Each is a strict
#: xfail, so the test says when the entry can go.
KNOWN: dict[str, str] = {}


@pytest.fixture(autouse=True)
def _known_fault(request: pytest.FixtureRequest) -> None:
    """Mark a test of a known schema fault as a strict xfail (KNOWN)."""
    reason = KNOWN.get(request.node.name)
    if reason is not None:
        request.node.add_marker(pytest.mark.xfail(strict=True, reason=reason))


def _index(dialect: str) -> SchemaIndex:
    return get_index(dialect)


def _walk(node: Any, where: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every subschema with its path (annotations and data values are not descended into)."""
    yield where, node
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in DATA or (str(key).startswith("x-") and key != kw.LINT):
                continue
            yield from _walk(value, (*where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*where, i))


def _rule_sites(schema: Any) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """Every subschema that names a rule (``x-flash-rule``), with its path."""
    for where, node in _walk(schema):
        if isinstance(node, Mapping) and isinstance(node.get(kw.RULE), str):
            yield where, node


def _tables(index: SchemaIndex) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every subschema that describes a table: the root and every described table key."""
    yield "(root)", index.schema
    for path in index.all_key_paths():
        info = index.info(path)
        assert info is not None
        if info.is_table:
            yield format_path(path), info.schema


def _minimal_config(index: SchemaIndex, algorithm: str) -> dict[str, Any]:
    """The smallest config this dialect's Flash accepts for ``algorithm`` (examples are shown in it):
    the catalog's default model when it runs ``algorithm``, else the first that does."""
    runs = [m for m in index.catalog if not m.algorithms or algorithm in m.algorithms]
    model = next((m.id for m in runs if m.default), runs[0].id)
    if index.dialect in ("0.2.43", "1.0"):
        data: dict[str, Any] = {"model": model, "environment": {"id": "your-org/your-env"}}
    else:
        data = {
            "project": "6f1c2b9e-8a3d-4c5e-9f70-1a2b3c4d5e6f",
            "model": model,
            "environment": {"id": "your-org/your-project/your-env"},
        }
    if algorithm == "sft":
        data["train"] = {"max_examples": 100}
    else:
        data["algorithm"] = algorithm
    return data


# -- the files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_schema_is_valid_draft_07(dialect: str) -> None:
    """Each dialect's file passes the draft-07 metaschema and says it is draft-07."""
    schema = _index(dialect).schema
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_schema_file_is_the_packaged_schema(dialect: str) -> None:
    """The package ships `schema/` itself (`flash_schema/data` is a symlink), not a copy that could drift."""
    data = REPO / "flash_schema" / "data"
    assert data.is_symlink()
    assert data.resolve() == SCHEMA_DIR.resolve()
    on_disk = json.loads((SCHEMA_DIR / dialects.schema_file(dialect)).read_text("utf-8"))
    assert on_disk == dialects.load_schema(dialect)
    assert dialects.schema_text(dialect) == (SCHEMA_DIR / dialects.schema_file(dialect)).read_text("utf-8")


def test_latest_file_is_the_newest_dialect() -> None:
    """`flash.schema.json` (the name older links and SchemaStore use) is the newest dialect, under its own `$id`."""
    latest = json.loads((SCHEMA_DIR / "flash.schema.json").read_text("utf-8"))
    newest = dialects.load_schema(NEWEST)
    assert latest["$id"].endswith("/schema/flash.schema.json")
    assert {**latest, "$id": newest["$id"]} == newest


@pytest.mark.parametrize("dialect", DIALECTS)
def test_schema_names_its_dialect_and_release(dialect: str) -> None:
    """`$id` is an absolute https URL to the dialect's file; the root says which dialect and release it is."""
    schema = _index(dialect).schema
    schema_id = schema.get("$id")
    assert isinstance(schema_id, str)
    assert schema_id.startswith("https://")
    assert schema_id.endswith(f"/schema/{dialects.schema_file(dialect)}")
    assert schema[kw.DIALECT] == dialect
    releases = dialects.releases_data()
    assert schema[kw.VERSION] == releases["dialects"][dialect]["release"]
    assert any(r["version"] == schema[kw.VERSION] and r["dialect"] == dialect for r in known())
    assert dialect in schema["title"]


def test_every_known_release_maps_to_a_dialect() -> None:
    """`schema/releases.json`: every release is checked by a shipped dialect; each dialect's exact release is one."""
    releases = dialects.releases_data()
    assert set(releases["dialects"]) == set(DIALECTS)
    for release in releases["releases"]:
        assert release["dialect"] in DIALECTS, release
    for dialect, entry in releases["dialects"].items():
        assert entry["schema"] == dialects.schema_file(dialect)
        exact = [r for r in releases["releases"] if r["version"] == entry["release"]]
        assert [r["dialect"] for r in exact] == [dialect]
        assert "note" not in exact[0], "the exact release of a dialect has nothing to note"


def test_generated_files_are_current() -> None:
    """What `schema/src/` renders to is what is committed (else: `python -m flash_schema.schemagen`)."""
    code, message = write_or_check(SCHEMA_DIR, check_only=True)
    assert code == 0, message


def test_generator_check_exit_code() -> None:
    """`python -m flash_schema.schemagen --check` (what CI runs) exits 0 on the committed files."""
    done = subprocess.run(
        [sys.executable, "-m", "flash_schema.schemagen", "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "up to date" in done.stdout


def test_generator_reports_drift(tmp_path: Path) -> None:
    """A generated file edited by hand (or left stale) fails the check with a diff naming it; writing fixes it."""
    root = tmp_path / "schema"
    shutil.copytree(SCHEMA_DIR / "src", root / "src")
    assert write_or_check(root)[0] == 0
    assert write_or_check(root, check_only=True) == (0, "generated schemas are up to date")
    target = root / dialects.schema_file("1.0")
    text = target.read_text("utf-8")
    target.write_text(text.replace('"LoRA rank"', '"LoRA rnak"', 1), "utf-8")
    assert target.read_text("utf-8") != text
    (root / "catalog.json").unlink()
    code, message = write_or_check(root, check_only=True)
    assert code == 1
    assert str(target) in message
    assert re.search(r'^-\s+"title": "LoRA rnak",$', message, re.M), message
    assert str(root / "catalog.json") in message
    assert message.endswith("run `make schema`")
    assert write_or_check(root)[0] == 0
    assert write_or_check(root, check_only=True)[0] == 0


# -- the rule registry -------------------------------------------------------------------------------------


def test_every_rule_has_a_summary_and_a_severity() -> None:
    """Each entry of rules.toml states its summary and severity (per dialect when they differ), and only
    the fields, targets, fix kinds and hiding reasons the tools know."""
    raw = tomllib.loads(RULES_FILE.read_text("utf-8"))
    assert raw
    fields = {"summary", "severity", "target", "message", "hint", "fix", "certain", "keywords", "hidden_by"}
    for code, entry in raw.items():
        assert set(entry) <= fields | {"explanation"}, (code, set(entry) - fields)
        assert isinstance(entry["summary"], str), code
        assert entry["summary"].strip(), code
        severity = entry["severity"]
        if isinstance(severity, str):
            assert severity in {"error", "warning"}, code
        else:
            assert "default" in severity, code
            assert set(severity) <= {"default", *DIALECTS}, code
            assert set(severity.values()) <= {"error", "warning"}, code
        assert entry.get("target", "value") in TARGETS, code
        assert entry.get("fix", "remove") in FIX_KINDS, code
        assert set(entry.get("hidden_by", ())) <= HIDDEN_BY, code
        if entry.get("certain"):
            assert entry.get("fix") in FIX_KINDS - {"add"}, f"{code}: a certain fix never invents a value"


def test_registry_rejects_a_rule_without_summary_or_severity() -> None:
    with pytest.raises(RegistryError, match="needs a summary and a severity"):
        Registry({"x-rule": {"summary": "no severity"}})
    with pytest.raises(RegistryError, match="needs a summary and a severity"):
        Registry({"x-rule": {"severity": "error"}})
    with pytest.raises(RegistryError, match="needs a default"):
        Registry({"x-rule": {"summary": "s", "severity": {"1.3": "error"}}})


def test_registry_is_rules_toml() -> None:
    """The packaged registry holds exactly rules.toml's codes, each with its severity under each dialect."""
    raw = tomllib.loads(RULES_FILE.read_text("utf-8"))
    rules = registry()
    assert sorted(r.code for r in rules) == sorted(raw)
    for code, entry in raw.items():
        severity = entry["severity"]
        for dialect in DIALECTS:
            expected = severity if isinstance(severity, str) else severity.get(dialect, severity["default"])
            assert rules[code].severity(dialect) is Severity(expected), (code, dialect)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rules_named_in_the_schema_exist(dialect: str) -> None:
    """Every `x-flash-rule` of a dialect's schema is a code of rules.toml."""
    named = {str(node[kw.RULE]) for _, node in _rule_sites(_index(dialect).schema)}
    assert named
    assert named == _index(dialect).rule_codes()
    unknown = sorted(code for code in named if code not in registry())
    assert unknown == []


def test_rule_keywords_are_real_keywords() -> None:
    """A rule's `keywords` are draft-07 assertions or custom keywords the validator implements."""
    custom = set(kw.implementations())
    for rule in registry():
        for keyword in rule.keywords:
            assert keyword in ASSERTIONS or keyword in custom, (rule.code, keyword)


def test_every_rule_can_be_reported() -> None:
    """No dead entry: each rule is named by some dialect's schema, reported by a keyword, or by the core's code."""
    named = set().union(*(_index(d).rule_codes() for d in DIALECTS))
    source = "\n".join(p.read_text("utf-8") for p in (REPO / "flash_schema").rglob("*.py"))
    dead = [
        rule.code
        for rule in registry()
        if rule.code not in named and not rule.keywords and f'"{rule.code}"' not in source
    ]
    assert dead == []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_warnings_are_never_constraints(dialect: str) -> None:
    """A rule that is a warning under this dialect is stated inside `x-flash-lint` (or by a custom keyword),
    so plain JSON Schema tools never reject what Flash accepts; and what `x-flash-lint` holds are warnings."""
    rules = registry()
    misplaced = []
    for where, node in _rule_sites(_index(dialect).schema):
        rule = rules[str(node[kw.RULE])]
        in_lint = kw.LINT in where
        constrains = any(k in ASSERTIONS for k in node)
        if rule.severity(dialect) is Severity.WARNING and constrains and not in_lint:
            misplaced.append(f"warning {rule.code} is a constraint at {'/'.join(map(str, where))}")
        if rule.severity(dialect) is Severity.ERROR and in_lint:
            misplaced.append(f"error {rule.code} is inside x-flash-lint at {'/'.join(map(str, where))}")
    assert misplaced == []


# -- editor text -------------------------------------------------------------------------------------------


def _each_table() -> list[Any]:
    return [
        pytest.param(name, sub, id=f"{dialect}:{name}")
        for dialect in DIALECTS
        for name, sub in _tables(_index(dialect))
    ]


@pytest.mark.parametrize(("name", "sub"), _each_table())
def test_tables_state_additional_properties(name: str, sub: Mapping[str, Any]) -> None:
    """Every table says whether it is open or closed (tombi's strict mode assumes closed otherwise)."""
    assert "additionalProperties" in sub, f"{name} does not state additionalProperties"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_keywords_beside_ref(dialect: str) -> None:
    """draft-07 ignores keywords beside `$ref` (2020-12 applies them): so the schema has none."""
    offenders = [
        where
        for where, node in _walk(_index(dialect).schema)
        if isinstance(node, Mapping) and "$ref" in node and len(node) > 1
    ]
    assert offenders == []


KEY_PATHS = [
    pytest.param(dialect, path, id=f"{dialect}:{format_path(path)}")
    for dialect in DIALECTS
    for path in _index(dialect).all_key_paths()
]


@pytest.mark.parametrize(("dialect", "path"), KEY_PATHS)
def test_every_key_has_editor_text(dialect: str, path: tuple[str, ...]) -> None:
    """Hover and completion in every editor need a title, a description and a Markdown description."""
    info = _index(dialect).info(path)
    assert info is not None
    for keyword in ("title", "description", "markdownDescription"):
        value = info.schema.get(keyword)
        assert isinstance(value, str), f"{format_path(path)} has no {keyword}"
        assert value.strip(), f"{format_path(path)} has an empty {keyword}"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("path", [("model",), ("algorithm",)], ids=["model", "algorithm"])
def test_user_facing_enums_are_described(dialect: str, path: tuple[str, ...]) -> None:
    """Completion lists for `model` and `algorithm` explain every value."""
    info = _index(dialect).info(path)
    assert info is not None
    assert info.enum, f"{format_path(path)} has no enum"
    assert info.enum_descriptions is not None
    assert len(info.enum_descriptions) == len(info.enum)
    assert all(d.strip() for d in info.enum_descriptions)


# -- examples ----------------------------------------------------------------------------------------------

EXAMPLES = [
    pytest.param(dialect, path, i, example, id=f"{dialect}:{format_path(path)}[{i}]")
    for dialect in DIALECTS
    for path in _index(dialect).all_key_paths()
    for i, example in enumerate(_index(dialect).info(path).examples)  # type: ignore[union-attr]
]


def test_there_are_examples_in_every_dialect() -> None:
    assert {p.values[0] for p in EXAMPLES} == set(DIALECTS)


@pytest.mark.parametrize(("dialect", "path", "i", "example"), EXAMPLES)
def test_example_validates_against_its_subschema(dialect: str, path: tuple[str, ...], i: int, example: Any) -> None:
    """Each `examples` entry passes its own subschema under the dialect's validator, custom keywords and
    warnings (`x-flash-lint`) included; only a platform-managed or deprecated key (any value of it is
    ignored, which is its warning) is held to its other rules alone."""
    info = _index(dialect).info(path)
    assert info is not None
    schema = info.schema
    if is_platform_managed(info) or schema.get("deprecated"):
        schema = {k: v for k, v in schema.items() if k != kw.LINT}
    errors = [e.message for e in dialects.validator(dialect).descend(example, schema)]
    assert errors == [], f"example {example!r} of {format_path(path)}"


@pytest.mark.parametrize(("dialect", "path", "i", "example"), EXAMPLES)
def test_example_is_accepted_in_a_config(dialect: str, path: tuple[str, ...], i: int, example: Any) -> None:
    """Each example, written alone into a minimal config of an algorithm it applies to, draws no error
    (hover and the docs show it as a TOML snippet to copy)."""
    index = _index(dialect)
    info = index.info(path)
    assert info is not None
    data = _minimal_config(index, info.applies_to[0] if info.applies_to else "sft")
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node.update(info.example_with)  # what the example needs beside it (`max_steps` for `save_at_steps`)
    node[path[-1]] = example
    errors = [d for d in check_text(tomli_w.dumps(data), dialect) if d.is_error]
    assert errors == [], f"example {example!r} of {format_path(path)}: {[d.message for d in errors]}"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_minimal_configs_are_clean(dialect: str) -> None:
    """The configs the examples are shown in draw nothing at all, for every algorithm of the dialect."""
    index = _index(dialect)
    for algorithm in index.algorithms:
        diagnostics = check_text(tomli_w.dumps(_minimal_config(index, algorithm)), dialect)
        assert [d.message for d in diagnostics] == [], algorithm


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_described_key_has_an_example_or_is_platform_managed(dialect: str) -> None:
    """Leaf keys a user sets carry an example (the docs and hover show it as TOML)."""
    index = _index(dialect)
    missing = []
    for path in index.all_key_paths():
        info = index.info(path)
        assert info is not None
        if not info.is_table and not is_platform_managed(info) and not info.examples:
            missing.append(format_path(path))
    assert missing == []


# -- the model catalog -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_catalog_matches_model_enum(dialect: str) -> None:
    """`x-flash-catalog` and the `model` enum list the same ids in the same order, one of them the default."""
    index = _index(dialect)
    model = index.info(("model",))
    assert model is not None
    assert tuple(m.id for m in index.catalog) == model.enum
    assert sum(m.default for m in index.catalog) == 1


def _model_blocks(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    blocks: dict[str, Mapping[str, Any]] = {}
    for block in schema["allOf"]:
        when = block.get(kw.WHEN, {})
        if "model" in when:
            assert block["if"]["properties"]["model"] == {"const": when["model"]}
            assert block["if"]["required"] == ["model"]
            blocks[when["model"]] = block["then"]["properties"]["train"]["properties"]
    return blocks


@pytest.mark.parametrize("dialect", DIALECTS)
def test_catalog_matches_per_model_caps(dialect: str) -> None:
    """Each catalog model has one `if`/`then` block whose caps are the catalog's numbers: `lora_rank` above
    the cap is an error (a constraint), a context above the serving context a warning (`x-flash-lint`)."""
    index = _index(dialect)
    blocks = _model_blocks(index.schema)
    assert set(blocks) == {m.id for m in index.catalog}
    rules = registry()
    for m in index.catalog:
        train = blocks[m.id]
        assert train["lora_rank"]["maximum"] == m.max_lora_rank, m.id
        assert train["lora_rank"][kw.RULE] == "lora-rank-cap"
        assert rules["lora-rank-cap"].severity(dialect) is Severity.ERROR
        for where, site in _rule_sites(train):
            if site[kw.RULE] == "exceeds-serving-context":
                assert kw.LINT in where, m.id
                assert site["maximum"] == m.max_model_len, m.id
                assert rules["exceeds-serving-context"].severity(dialect) is Severity.WARNING
    lora_rank = index.info(("train", "lora_rank"))
    assert lora_rank is not None
    assert lora_rank.caps_by_model == {m.id: m.max_lora_rank for m in index.catalog}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_model_descriptions_agree_with_catalog(dialect: str) -> None:
    """The words editors show for each model (enumDescriptions, taplo's enumValues) match the catalog."""
    index = _index(dialect)
    model = index.info(("model",))
    assert model is not None
    assert model.enum_descriptions is not None
    taplo = model.schema.get("x-taplo", {}).get("docs", {}).get("enumValues")
    for i, m in enumerate(index.catalog):
        text = model.enum_descriptions[i]
        for fact in (m.params, f"up to {m.max_lora_rank}", str(m.max_model_len)):
            assert fact in text, f"{m.id}: enumDescriptions lacks {fact!r}"
            if taplo is not None and fact != str(m.max_model_len):
                assert fact in taplo[i], f"{m.id}: x-taplo enumValues lacks {fact!r}"


# -- lenient integers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", DIALECTS)
def test_lenient_integers_accept_both_toml_forms(dialect: str) -> None:
    """Integer knobs Flash reads with `int()` after a float check are exported as numbers that are whole
    (`16.0` passes in every tool, as in Flash); the editors still show them as integers."""
    index = _index(dialect)
    lenient = []
    for path in index.all_key_paths():
        info = index.info(path)
        assert info is not None
        if info.schema.get("x-flash-type") != "integer":
            continue
        assert info.types == ("integer",), format_path(path)
        if kw.TOML_INTEGER in info.schema:  # Flash rejects `16.0` here: so must every tool
            assert info.schema.get("type") == "integer", format_path(path)
            continue
        assert info.schema.get("type") == ["integer", "number"], format_path(path)
        assert info.schema.get("multipleOf") == 1, format_path(path)
        lenient.append(path)
        plain = Draft7Validator(info.schema)
        whole = int(info.examples[0])
        assert plain.is_valid(whole), format_path(path)
        assert plain.is_valid(float(whole)), format_path(path)
        assert not plain.is_valid(whole + 0.5), format_path(path)
    assert lenient


@pytest.mark.parametrize("dialect", DIALECTS)
def test_exported_prose_has_no_placeholders(dialect: str) -> None:
    """Peers show `title`, `description` and `markdownDescription` as they are: every `{word}` of the
    source is filled when the schema is built (messages keep theirs: they are filled per diagnostic)."""
    schema = json.loads((Path(__file__).parent.parent / "schema" / dialects.schema_file(dialect)).read_text())
    left = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "description", "markdownDescription") and isinstance(value, str):
                    left.extend(f"{where}/{key}: {m}" for m in re.findall(r"\{[a-z_]+\}", value))
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "#")
    assert not left


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_default_is_a_value_of_its_key(dialect: str) -> None:
    """Editors insert `default` as the key's value (tombi, taplo, our completion): it must pass the key's
    own schema. A default computed from other keys is words in `x-flash-default-text` instead."""
    index = _index(dialect)
    wrong = []
    for path in index.all_key_paths():
        info = index.info(path)
        assert info is not None
        for value in [info.default, *info.defaults_by_algorithm.values(), *info.default_if_thinking.values()]:
            if value is not None and not Draft7Validator(info.schema).is_valid(value):
                wrong.append(f"{format_path(path)} = {value!r}")
    assert not wrong
    alpha = index.info(("train", "lora_alpha"))
    assert alpha is not None
    if dialect == "1.3":
        assert alpha.default is None
        assert alpha.default_text == "2 × `lora_rank`"
