"""Proof that other tools can use our schema: check-jsonschema, taplo and tombi, run for real, offline.

Every data-driven case goes through each tool with the exported schema. Each tool's pass/fail must
match ours unless a known category explains the difference, and that category is derived from
*our* diagnostics of the case (never from what the tool did):

- ``warning``: we accept the config but warn; our warning rules are plain JSON Schema constraints,
  which other tools treat as errors (so they may fail);
- ``custom-keyword``: our only errors come from ``x-flash-*`` keywords, which other tools ignore
  (so they may pass). Decided by checking the file again with those keywords stripped from the
  schema: no error left means the custom keywords were the only reason (a code alone cannot tell,
  since a rule may share its code with the portable constraint it refines);
- ``toml-syntax``: we (like Flash's ``tomllib``) reject the TOML itself; a tool's parser may be more
  lenient (TOML 1.1) or stricter;
- ``overlay-set``: the case uses ``--config``/``--set``, which only we model: tools see the base file,
  and must agree with our verdict on that file alone (or differ from it for one of the reasons above).

A same verdict reached for another reason (we fail only on custom keywords, the tool fails anyway) is
marked too, so the table never overstates what a tool checks.

The resulting table is `docs/peer-verdicts.md`; the test fails when it drifts. Regenerate it with
``FLASH_SCHEMA_UPDATE_GOLDEN=1 pytest tests/test_peers.py``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from casekit import CASES, UPDATE, Case, load_cases, run_core

from flash_schema.check import SYNTAX_CODE, CheckResult, check_config, check_text
from flash_schema.diagnostics import Severity
from flash_schema.document import Document
from flash_schema.export import export_schema
from flash_schema.schema_index import SchemaIndex, load_schema
from flash_schema.validate import CUSTOM_CODES, DocumentLocator, validate_data

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "docs" / "peer-verdicts.md"
REGENERATE = "FLASH_SCHEMA_UPDATE_GOLDEN=1 pytest tests/test_peers.py"
TOOLS = ("check-jsonschema", "taplo", "tombi")
TIMEOUT = 120

CATEGORIES = {
    "warning": (
        "flash-schema accepts the config with warnings. Our lint rules are ordinary JSON Schema constraints "
        "marked `x-flash-severity: warning`; other tools cannot see that marker, so to them a warning is an error."
    ),
    "custom-keyword": (
        "Every error flash-schema reports comes from a custom `x-flash-*` keyword that plain JSON Schema cannot "
        "express (finite numbers, float-exact integers, Flash's exact environment-id parser, the secret scan, "
        "dates in `[environment.params]`, GRPO's length room). Other tools ignore unknown keywords, so they may "
        "accept the config."
    ),
    "toml-syntax": (
        "The file is not TOML 1.0 as Flash's parser (Python's `tomllib`) reads it. Another tool's TOML parser may "
        "accept it (TOML 1.1 syntax) or reject it for its own reasons."
    ),
    "overlay-set": (
        "The case applies `--config` overlays or `--set` overrides, as `flash train` does. Only flash-schema "
        "models them; other tools check the base file alone, and agree with flash-schema's verdict on it."
    ),
}


# -- running the tools ---------------------------------------------------------------------------------


def _tool(name: str) -> str:
    """The tool's executable: next to this Python (the dev virtualenv) first, then PATH."""
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


@dataclass(frozen=True)
class Workspace:
    """A temp dir holding the exported schemas, a copy of every case and the tools' configs."""

    root: Path
    env: dict[str, str]

    @property
    def schema(self) -> Path:
        return self.root / "schema" / "flash.schema.json"

    @property
    def schema_2020(self) -> Path:
        return self.root / "schema" / "flash.2020-12.schema.json"

    def case_file(self, case: Case) -> Path:
        return self.root / "cases" / case.path.name


def _workspace(root: Path) -> Workspace:
    (root / "cases").mkdir(parents=True)
    (root / "schema").mkdir()
    (root / "schema" / "flash.schema.json").write_text(export_schema("draft-07"), "utf-8")
    (root / "schema" / "flash.2020-12.schema.json").write_text(export_schema("2020-12"), "utf-8")
    for case in load_cases():
        shutil.copyfile(case.path, root / "cases" / case.path.name)
    # tombi reads the association from tombi.toml: `[[schemas]]` with `path` and `include`
    (root / "tombi.toml").write_text(
        '[[schemas]]\npath = "schema/flash.schema.json"\ninclude = ["cases/*.toml"]\n', "utf-8"
    )
    home = root / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "NO_COLOR": "1",
        "TOMBI_OFFLINE": "1",
        "LANG": "C.UTF-8",
    }
    return Workspace(root, env)


def check_jsonschema_verdicts(ws: Workspace, schema: Path, files: list[Path]) -> dict[Path, bool]:
    """One `check-jsonschema --schemafile` run over every file; True where the file passed."""
    proc = _run(
        [_tool("check-jsonschema"), "-o", "JSON", "--schemafile", str(schema), *map(str, files)], ws.root, ws.env
    )
    assert proc.returncode in {0, 1}, proc.stderr
    report = json.loads(proc.stdout)
    failed = {Path(e["filename"]) for e in report.get("errors", []) + report.get("parse_errors", [])}
    assert failed <= set(files), failed - set(files)
    assert (proc.returncode == 1) == bool(failed)
    return {f: f not in failed for f in files}


def taplo_verdict(ws: Workspace, file: Path) -> bool:
    """`taplo check --schema file://...`: taplo 0.9.3 takes the schema as a URL; no config, no catalog."""
    proc = _run(
        [_tool("taplo"), "check", "--no-auto-config", "--schema", ws.schema.as_uri(), str(file)], ws.root, ws.env
    )
    assert proc.returncode in {0, 1}, proc.stderr
    # taplo exits 0 when its glob matches nothing: make sure it really read the file
    assert "found files total=1" in proc.stderr, proc.stderr
    return proc.returncode == 0


def tombi_verdict(ws: Workspace, file: Path) -> bool:
    """`tombi lint --offline` from the workspace, whose tombi.toml associates the schema."""
    proc = _run([_tool("tombi"), "lint", "--offline", str(file.relative_to(ws.root))], ws.root, ws.env)
    assert proc.returncode in {0, 1}, proc.stderr
    return proc.returncode == 0


def _strip_custom_keywords(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_custom_keywords(v) for k, v in node.items() if k not in CUSTOM_CODES}
    if isinstance(node, list):
        return [_strip_custom_keywords(v) for v in node]
    return node


#: The schema as plain JSON Schema tools see it: the same rules, minus our custom keywords.
PORTABLE = SchemaIndex(_strip_custom_keywords(load_schema()))


def portable_errors(doc: Document) -> int:
    """How many errors we would report on ``doc`` alone if our custom keywords did not exist."""
    return sum(d.is_error for d in validate_data(doc.data, DocumentLocator(doc), PORTABLE))


@dataclass(frozen=True)
class Row:
    case: Case
    ours: CheckResult
    base: CheckResult  # our verdict on the file alone, without the case's `--config`/`--set`
    portable: int  # errors on the file alone without custom keywords (see portable_errors)
    peers: dict[str, bool]

    @property
    def valid(self) -> bool:
        return self.ours.valid

    def reason(self, tool: str) -> str | None:
        """The category explaining ``tool``'s differing verdict; '' when unexplained, None when equal."""
        theirs = self.peers[tool]
        if theirs == self.valid:
            return None
        if (self.case.overlays or self.case.sets) and theirs == self.base.valid:
            return "overlay-set"
        return self._category(self.base, theirs)

    def _category(self, result: CheckResult, theirs: bool) -> str:
        """Why a tool may say ``theirs`` where we said ``result.valid`` ('' if nothing explains it)."""
        if any(d.code == SYNTAX_CODE for d in result.diagnostics):
            return "toml-syntax"
        if theirs and not result.valid and self.portable == 0:
            return "custom-keyword"  # they accept what we reject only through custom keywords
        if not theirs and result.valid and any(d.severity is Severity.WARNING for d in result.diagnostics):
            return "warning"  # they reject what we accept with warnings
        return ""

    def coincides(self, tool: str) -> bool:
        """Same verdict (fail), though every error we report comes from a custom keyword the tool ignores."""
        if self.peers[tool] != self.valid or self.valid or self.case.overlays or self.case.sets:
            return False
        return self.portable == 0 and not any(d.code == SYNTAX_CODE for d in self.ours.diagnostics)


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    ws = _workspace(tmp_path_factory.mktemp("peers"))
    cases = load_cases()
    files = [ws.case_file(c) for c in cases]
    cj = check_jsonschema_verdicts(ws, ws.schema, files)
    cj_2020 = check_jsonschema_verdicts(ws, ws.schema_2020, files)
    assert cj_2020 == cj, "check-jsonschema's verdicts differ between the draft-07 and 2020-12 exports"
    out = []
    for case, file in zip(cases, files, strict=True):
        peers = {"check-jsonschema": cj[file], "taplo": taplo_verdict(ws, file), "tombi": tombi_verdict(ws, file)}
        doc = Document.from_bytes(case.path.read_bytes())
        ours = run_core(case)
        base = check_config(str(case.path), doc) if case.cli_args else ours
        out.append(Row(case, ours, base, portable_errors(doc), peers))
    return out


# -- the table -----------------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "pass" if ok else "fail"


def _codes(result: CheckResult) -> str:
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING):
        codes = sorted({d.code for d in result.diagnostics if d.severity is severity})
        if codes:
            parts.append(f"{severity.value}: " + ", ".join(f"`{c}`" for c in codes))
    return "; ".join(parts) or "—"


def render_table(rows: list[Row]) -> str:
    lines = [
        "<!-- Generated by tests/test_peers.py from what the tools actually did; do not edit by hand. -->",
        f"<!-- Regenerate: {REGENERATE} -->",
        "",
        "# Peer verdicts: other tools on our test cases",
        "",
        "Each data-driven case (`tests/cases/*.toml`) is checked by flash-schema and by three tools that read "
        "the exported schema: `check-jsonschema --schemafile`, `taplo check --schema file://…` and `tombi lint` "
        "with the schema associated in `tombi.toml` (all offline). A verdict is the tool's exit status: "
        "**pass** (0) or **fail** (1). flash-schema passes a config that has only warnings, as Flash does.",
        "",
        "A cell marked ≠ differs from flash-schema; its category says why, and the test fails on a difference "
        "no category explains. Categories come from flash-schema's own diagnostics of the case (for "
        "`overlay-set`: the tool agrees with flash-schema on the base file alone). A cell marked ≈ has "
        "flash-schema's verdict but not its reason: every error flash-schema reports there comes from a custom "
        "keyword the tool cannot see, so the tool failed on something else (a warning rule, or its own TOML "
        "parser).",
        "",
        "| Category | Why other tools may differ |",
        "|---|---|",
        *(f"| `{name}` | {text} |" for name, text in CATEGORIES.items()),
        "",
        "| Case | flash-schema | " + " | ".join(TOOLS) + " | flash-schema diagnostics |",
        "|---|---|" + "---|" * len(TOOLS) + "---|",
    ]
    for row in rows:
        cells = [f"`{row.case.name}`", _verdict(row.valid)]
        for tool in TOOLS:
            reason = row.reason(tool)
            text = _verdict(row.peers[tool])
            if reason is not None:
                text += f" ≠ `{reason or 'UNEXPLAINED'}`"
            elif row.coincides(tool):
                text += " ≈"
            cells.append(text)
        cells.append(_codes(row.ours))
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Differences per tool",
        "",
        "| Tool | Same verdict | of which ≈ | Differs | By category |",
        "|---|---|---|---|---|",
    ]
    for tool in TOOLS:
        reasons = Counter(row.reason(tool) for row in rows)
        same = reasons.pop(None, 0)
        coincidences = sum(row.coincides(tool) for row in rows)
        detail = ", ".join(
            f"`{k or 'UNEXPLAINED'}` {v}" for k, v in sorted(reasons.items(), key=lambda kv: kv[0] or "")
        )
        lines.append(f"| {tool} | {same} | {coincidences} | {sum(reasons.values())} | {detail or '—'} |")
    lines += [
        "",
        "check-jsonschema gives the same verdict on every case with the derived 2020-12 export "
        "(`flash-schema export --dialect 2020-12`) as with the canonical draft-07 file.",
        "",
    ]
    return "\n".join(lines)


def _unexplained(rows: list[Row]) -> Iterator[str]:
    for row in rows:
        for tool in TOOLS:
            if row.reason(tool) == "":
                yield (
                    f"{row.case.name}: {tool} says {_verdict(row.peers[tool])}, flash-schema says "
                    f"{_verdict(row.valid)} ({_codes(row.ours)})"
                )


def test_every_case_is_checked(rows: list[Row]) -> None:
    assert [r.case.name for r in rows] == [c.name for c in load_cases()]
    assert (CASES / f"{rows[0].case.name}.toml").exists()


SFT = 'model = "Qwen/Qwen3.5-4B"\n\n[environment]\nid = "your-org/your-env"\n\n[train]\nmax_examples = 10\n'


@pytest.mark.parametrize(
    ("extra", "theirs", "reason"),
    [
        ("", True, None),
        ("", False, ""),  # they reject a clean config: unexplained
        ("seed = 1\n", False, "warning"),  # an unknown top-level key is a warning to us
        ("learning_rate = nan\n", True, "custom-keyword"),  # only x-flash-finite rejects nan
        ("learning_rate = nan\nlora_rank = 0\n", True, ""),  # lora_rank = 0 is plain JSON Schema
        ("lora_rank = 0\n", True, ""),
        ("lora_rank = 0\n", False, None),
        ("x = {\n", True, "toml-syntax"),
    ],
)
def test_reason(extra: str, theirs: bool, reason: str | None) -> None:
    """Which differences are explained, from our diagnostics alone."""
    text = SFT.replace("\n[environment]", extra + "\n[environment]") if extra.startswith("seed") else SFT + extra
    doc = Document.from_text(text)
    result = check_config("x.toml", doc)
    row = Row(Case("x", Path("x.toml"), (), ()), result, result, portable_errors(doc), dict.fromkeys(TOOLS, theirs))
    assert row.reason("taplo") == reason


def test_peer_verdicts_match_ours_or_are_explained(rows: list[Row]) -> None:
    """On every case whose rules they can express, the other tools agree with us."""
    problems = list(_unexplained(rows))
    assert problems == [], "unexplained differences:\n" + "\n".join(problems)


def test_tools_really_validate(rows: list[Row]) -> None:
    """Each tool both passes and fails some case: none of them silently skipped the schema."""
    for tool in TOOLS:
        verdicts = {row.peers[tool] for row in rows}
        assert verdicts == {True, False}, tool


def test_peer_verdicts_doc_is_current(rows: list[Row]) -> None:
    """`docs/peer-verdicts.md` is the table this run produced."""
    text = render_table(rows)
    if UPDATE:
        GOLDEN.write_text(text, "utf-8")
    current = GOLDEN.read_text("utf-8") if GOLDEN.exists() else ""
    if current != text:
        diff = "".join(
            difflib.unified_diff(
                current.splitlines(keepends=True), text.splitlines(keepends=True), "committed", "generated"
            )
        )
        pytest.fail(f"{diff}\ndocs/peer-verdicts.md is out of date: run `{REGENERATE}`", pytrace=False)


# -- the associations docs/editors.md describes ---------------------------------------------------------

BROKEN = """model = "Qwen/Qwen3.5-4B"
algorithm = "grpo"

[environment]
id = "your-org/your-env"

[train]
lora_rank = "big"
"""


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return _workspace(tmp_path / "ws")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def _doc_snippet(marker: str) -> str:
    """The first TOML block of docs/editors.md that contains ``marker`` (the tests run what the doc says)."""
    text = (REPO / "docs" / "editors.md").read_text("utf-8")
    blocks: list[str] = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    found = [b for b in blocks if marker in b]
    assert found, f"docs/editors.md has no TOML block with {marker!r}"
    return found[0]


def _check(ws: Workspace, tool: str, file: Path, *extra: str) -> bool:
    """Run taplo or tombi on one file from the workspace root; True when it passed."""
    rel = str(file.relative_to(ws.root))
    if tool == "taplo":
        proc = _run([_tool("taplo"), "check", *extra, rel], ws.root, ws.env)
        assert "found files total=1" in proc.stderr, proc.stderr
    else:
        proc = _run([_tool("tombi"), "lint", "--offline", *extra, rel], ws.root, ws.env)
    assert proc.returncode in {0, 1}, proc.stderr
    return proc.returncode == 0


def test_schema_directive(ws: Workspace) -> None:
    """The doc's `#:schema` first line associates the schema in taplo and tombi (path relative to the file)."""
    (ws.root / "tombi.toml").unlink()
    example = _doc_snippet("#:schema")
    directive = example.splitlines()[0]
    assert directive == "#:schema ../schema/flash.schema.json"
    with_directive = _write(ws.root / "configs" / "broken.toml", directive + "\n" + BROKEN)
    without = _write(ws.root / "configs" / "plain.toml", BROKEN)
    good = _write(ws.root / "configs" / "example.toml", example)
    assert not [d for d in check_text(example) if d.is_error], "the doc's example is not a valid config"
    for tool in ("taplo", "tombi"):
        extra = ("--no-auto-config",) if tool == "taplo" else ()
        assert not _check(ws, tool, with_directive, *extra), tool
        assert _check(ws, tool, without, *extra), tool
        assert _check(ws, tool, good, *extra), tool


def test_taplo_config_rule(ws: Workspace) -> None:
    """The doc's `.taplo.toml` `[[rule]]` associates the schema with both globs, and nothing else."""
    _write(ws.root / ".taplo.toml", _doc_snippet("[[rule]]"))
    for name, ok in (("run.flash.toml", False), ("configs/run.toml", False), ("other/run.toml", True)):
        assert _check(ws, "taplo", _write(ws.root / "project" / name, BROKEN)) == ok, name
    assert not _check(ws, "taplo", _write(ws.root / "configs" / "top.toml", BROKEN))


def test_tombi_config(ws: Workspace) -> None:
    """The doc's `tombi.toml` `[[schemas]]` entry associates the schema with both globs, and nothing else."""
    _write(ws.root / "tombi.toml", _doc_snippet("[[schemas]]"))
    for name, ok in (("run.flash.toml", False), ("configs/run.toml", False), ("other/run.toml", True)):
        assert _check(ws, "tombi", _write(ws.root / "project" / name, BROKEN)) == ok, name
    assert not _check(ws, "tombi", _write(ws.root / "configs" / "top.toml", BROKEN))


def test_catalog_file_match(ws: Workspace) -> None:
    """schema/catalog.json's `fileMatch` works in taplo and tombi (its URL pointed at the local export)."""
    catalog = json.loads((REPO / "schema" / "catalog.json").read_text("utf-8"))
    catalog["schemas"][0]["url"] = ws.schema.as_uri()
    local = _write(ws.root / "catalog.json", json.dumps(catalog))
    _write(ws.root / "tombi.toml", '[schema]\ncatalog = { paths = ["catalog.json"] }\n')
    matched = _write(ws.root / "deep" / "dir" / "run.flash.toml", BROKEN)
    other = _write(ws.root / "deep" / "dir" / "run.toml", BROKEN)
    for file, ok in ((matched, False), (other, True)):
        assert _check(ws, "taplo", file, "--no-auto-config", "--schema-catalog", local.as_uri()) == ok
        assert _check(ws, "tombi", file) == ok
