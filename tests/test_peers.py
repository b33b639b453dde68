"""Proof that other tools can use our schemas: check-jsonschema, taplo and tombi, run for real, offline.

For each Flash dialect, every config of its test corpora (the hand cases of `tests/cases/<dialect>/`
and the generated corpus of `tests/corpus`) goes through each tool with that dialect's exported
schema. A tool sees a file on its own, so the verdict it is compared with is ours on the file alone
(without the case's `--config`/`--set`). Issue 10's bar, asserted here:

- **no false rejects**: a config flash-schema says Flash accepts (warnings at most) passes every
  tool; warnings live in `x-flash-lint`, which other tools ignore;
- **check-jsonschema catches at least 95%** of the configs Flash rejects.

Every difference must be explained by a category derived from *our* side of the case (never from
what the tool did):

- ``custom-keyword``: we reject, the tool accepts, and plain draft-07 validation of the parsed file
  against the exported schema passes too: only our custom `x-flash-*` keywords (which plain JSON
  Schema cannot express, and other tools ignore) reject it;
- ``toml-syntax``: Python's `tomllib` (Flash's parser) rejects the TOML itself; a tool's parser may
  be more lenient (TOML 1.1);
- ``integer-range``: the file holds an integer beyond 64 bits, which Python reads exactly and TOML
  1.0 lets a parser refuse or approximate;
- ``dates``: the file holds a TOML date/time, which the tool hands to the schema as a string;
- ``float-precision``: the file holds an integer beyond 2**53 (within 64 bits), which the tool checks
  against the schema as a float, rounded.

The figures and the table are `docs/peer-verdicts.md`; the test fails when it drifts. Regenerate it
with ``FLASH_SCHEMA_UPDATE_GOLDEN=1 pytest -m e2e tests/test_peers.py``.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from casekit import UPDATE, load_cases
from corpus import generate
from jsonschema import Draft7Validator

from flash_schema.checker import CheckResult, check_config, check_text
from flash_schema.diagnostics import Severity
from flash_schema.dialects import DIALECTS
from flash_schema.document import Document
from flash_schema.export import export_schema

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "docs" / "peer-verdicts.md"
REGENERATE = "FLASH_SCHEMA_UPDATE_GOLDEN=1 pytest -m e2e tests/test_peers.py"
TOOLS = ("check-jsonschema", "taplo", "tombi")
TIMEOUT = 120
#: Issue 10: check-jsonschema catches at least this share of the configs Flash rejects.
CATCH_BAR = 0.95
INT64 = range(-(2**63), 2**63)

CATEGORIES = {
    "custom-keyword": (
        "Every error flash-schema reports comes from a custom `x-flash-*` keyword, and plain draft-07 validation "
        "of the file passes: the rule is one no portable shadow can state even loosely (a NaN, a whole float "
        "where Flash wants a TOML integer, a comparison between two keys, an order of steps, a date in a table). "
        "Other tools ignore unknown keywords, so they accept the config."
    ),
    "toml-syntax": (
        "The file is not TOML 1.0 as Flash's parser (Python's `tomllib`) reads it. Another tool's TOML parser may "
        "accept it (TOML 1.1 syntax)."
    ),
    "integer-range": (
        "The file holds an integer beyond 64 bits. Python reads it exactly (and Flash checks it as a number); "
        "TOML 1.0 lets a parser refuse such an integer, and tombi does (taplo beyond 2⁶⁴); a tool may also read "
        "it as another number."
    ),
    "float-precision": (
        "The file holds an integer beyond 2⁵³ that Flash rejects because it does not survive a round trip "
        "through a float. The schema says so (`multipleOf: 2` beyond 2⁵³: an odd integer there is never a "
        "float), but a tool that checks numbers as 64-bit floats rounds the integer to an even one first."
    ),
    "dates": (
        "The file holds a TOML date or time where the schema wants another type. The tool hands it to the schema "
        "as a string, so a string-typed key accepts it."
    ),
}


# -- the corpora -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One file a tool checks: a name to report it by and its bytes."""

    name: str
    raw: bytes


def _hand(dialect: str) -> Iterator[Sample]:
    """`tests/cases/<dialect>/*.toml`, byte for byte (overlays and `--set`s are not the file's)."""
    for case in load_cases():
        if case.dialect == dialect:
            yield Sample(f"hand/{case.name}", case.path.read_bytes())


def _generated(dialect: str) -> Iterator[Sample]:
    """The dialect's generated corpus (`tests/corpus`); a case's base text is the file a tool sees."""
    for case in generate(dialect):
        yield Sample(f"gen/{case.id}", case.text.encode("utf-8", "surrogateescape"))


#: Where the samples of a dialect come from: add a source here and every test below reads it.
SOURCES: tuple[Callable[[str], Iterator[Sample]], ...] = (_hand, _generated)


def samples(dialect: str) -> list[Sample]:
    """Every distinct file of the dialect's corpora (the first name of identical texts is kept)."""
    seen: dict[bytes, Sample] = {}
    for source in SOURCES:
        for sample in source(dialect):
            seen.setdefault(sample.raw, sample)
    return list(seen.values())


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
    """A temp dir holding one Flash dialect's exported schemas, the files to check and the tools' configs."""

    root: Path
    env: dict[str, str]

    @property
    def schema(self) -> Path:
        return self.root / "schema" / "flash.schema.json"

    @property
    def schema_2020(self) -> Path:
        return self.root / "schema" / "flash.2020-12.schema.json"


def _workspace(root: Path, dialect: str) -> Workspace:
    (root / "cases").mkdir(parents=True)
    (root / "schema").mkdir()
    (root / "schema" / "flash.schema.json").write_text(export_schema("draft-07", dialect), "utf-8")
    (root / "schema" / "flash.2020-12.schema.json").write_text(export_schema("2020-12", dialect), "utf-8")
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


# -- our side of each file -----------------------------------------------------------------------------


def _values(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            yield item


@dataclass(frozen=True)
class Facts:
    """What we know of a file without asking any tool: our result, and what its parsed data holds."""

    result: CheckResult
    parsed: bool  # tomllib reads it
    plain_valid: bool  # plain draft-07 validation of the parsed data against the exported schema passes
    big_integer: bool  # an integer beyond 64 bits
    beyond_float: bool  # an integer beyond 2**53 (a float cannot hold every one)
    dates: bool  # a TOML date, time or date-time

    @property
    def valid(self) -> bool:
        return self.result.valid


def facts(dialect: str, name: str, raw: bytes) -> Facts:
    result = check_config(name, Document.from_bytes(raw), flash_version=dialect)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return Facts(result, parsed=False, plain_valid=False, big_integer=False, beyond_float=False, dates=False)
    values = list(_values(data))
    return Facts(
        result,
        parsed=True,
        plain_valid=_plain(dialect).is_valid(data),
        big_integer=any(type(v) is int and v not in INT64 for v in values),
        beyond_float=any(type(v) is int and abs(v) > 2**53 for v in values),
        dates=any(isinstance(v, datetime.date | datetime.time) for v in values),
    )


_PLAIN: dict[str, Draft7Validator] = {}


def _plain(dialect: str) -> Draft7Validator:
    if dialect not in _PLAIN:
        _PLAIN[dialect] = Draft7Validator(json.loads(export_schema("draft-07", dialect)))
    return _PLAIN[dialect]


def reason(ours: Facts, theirs: bool) -> str | None:
    """The category explaining a tool's verdict ``theirs`` where ours differs; '' when nothing does,
    None when the verdicts agree."""
    if theirs == ours.valid:
        return None
    if not ours.parsed:
        return "toml-syntax"
    if theirs and ours.plain_valid:
        return "custom-keyword"
    if ours.big_integer:
        return "integer-range"
    if theirs and ours.beyond_float:
        return "float-precision"
    if theirs and ours.dates:
        return "dates"
    return ""


@dataclass(frozen=True)
class Row:
    dialect: str
    sample: Sample
    ours: Facts
    peers: dict[str, bool]

    def reason(self, tool: str) -> str | None:
        return reason(self.ours, self.peers[tool])

    def codes(self, severity: Severity = Severity.ERROR) -> list[str]:
        return sorted({d.code for d in self.ours.result.diagnostics if d.severity is severity})


def measure(root: Path, dialect: str) -> tuple[list[Row], bool]:
    """Every sample of ``dialect`` through the three tools; and whether check-jsonschema gave the same
    verdicts with the 2020-12 export as with the draft-07 one."""
    ws = _workspace(root, dialect)
    files = {}
    for sample in samples(dialect):
        file = ws.root / "cases" / f"{hashlib.sha256(sample.raw).hexdigest()[:16]}.toml"
        file.write_bytes(sample.raw)
        files[file] = sample
    paths = list(files)
    cj = check_jsonschema_verdicts(ws, ws.schema, paths)
    same_in_2020 = check_jsonschema_verdicts(ws, ws.schema_2020, paths) == cj
    with ThreadPoolExecutor(max_workers=4) as pool:
        taplo = dict(zip(paths, pool.map(lambda f: taplo_verdict(ws, f), paths), strict=True))
        tombi = dict(zip(paths, pool.map(lambda f: tombi_verdict(ws, f), paths), strict=True))
    rows = [
        Row(
            dialect, s, facts(dialect, f.name, s.raw), {"check-jsonschema": cj[f], "taplo": taplo[f], "tombi": tombi[f]}
        )
        for f, s in files.items()
    ]
    return rows, same_in_2020


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[Row], bool]]:
    return {d: measure(tmp_path_factory.mktemp(f"peers-{d}"), d) for d in DIALECTS}


@pytest.fixture(scope="module")
def rows(measured: dict[str, tuple[list[Row], bool]]) -> dict[str, list[Row]]:
    return {d: r for d, (r, _) in measured.items()}


# -- the figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """One tool on one dialect's corpora."""

    accepted: int  # configs Flash accepts (our verdict on the file alone)
    false_rejects: Counter[str]  # of those, the ones the tool fails, by category ('' = unexplained)
    rejected: int  # configs Flash rejects
    caught: int  # of those, the ones the tool fails too
    missed: Counter[str]  # the others, by category
    missed_rules: Counter[str]  # the error codes of the missed configs

    @property
    def catch_rate(self) -> float:
        return self.caught / self.rejected if self.rejected else 1.0


def figures(rows: list[Row], tool: str) -> Figures:
    accepted = [r for r in rows if r.ours.valid]
    rejected = [r for r in rows if not r.ours.valid]
    missed = [r for r in rejected if r.peers[tool]]
    return Figures(
        accepted=len(accepted),
        false_rejects=Counter(r.reason(tool) or "" for r in accepted if not r.peers[tool]),
        rejected=len(rejected),
        caught=len(rejected) - len(missed),
        missed=Counter(r.reason(tool) or "" for r in missed),
        missed_rules=Counter(code for r in missed for code in r.codes()),
    )


def _list(counts: Counter[str]) -> str:
    return ", ".join(f"`{k or 'UNEXPLAINED'}` {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _verdict(ok: bool) -> str:
    return "pass" if ok else "fail"


def _codes(result: CheckResult) -> str:
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING):
        codes = sorted({d.code for d in result.diagnostics if d.severity is severity})
        if codes:
            parts.append(f"{severity.value}: " + ", ".join(f"`{c}`" for c in codes))
    return "; ".join(parts) or "—"


def render(measured: dict[str, tuple[list[Row], bool]]) -> str:
    lines = [
        "<!-- Generated by tests/test_peers.py from what the tools actually did; do not edit by hand. -->",
        f"<!-- Regenerate: {REGENERATE} -->",
        "",
        "# Peer verdicts: other tools on our test corpora",
        "",
        "For each Flash dialect, every config of its test corpora (the hand cases in `tests/cases/<dialect>/` and "
        "the generated corpus of `tests/corpus`, identical files counted once) is checked by flash-schema and by "
        "three tools that read the dialect's exported schema (`flash-schema export --flash-version X`): "
        "`check-jsonschema --schemafile`, `taplo check --schema file://…` and `tombi lint` with the schema "
        "associated in `tombi.toml`, all offline. A tool sees a file on its own, so it is compared with "
        "flash-schema's verdict on the file alone (without a case's `--config` or `--set`). A verdict is the exit "
        "status: **pass** (0) or **fail** (1); flash-schema passes a config that has only warnings, as Flash does.",
        "",
        "Warnings are not constraints in the exported schema (they sit in the `x-flash-lint` keyword, which other "
        "tools ignore), so a config Flash accepts passes every tool. Rules Flash states in code (environment ids, "
        "UUIDs, teacher and GPU aliases, the `structured_outputs` grammar, cross-key budgets) are custom "
        "`x-flash-*` keywords, which other tools ignore; beside each, the schema carries a looser *portable "
        "shadow* in plain JSON Schema (an `allOf` entry marked `x-flash-portable`, built by "
        "`flash_schema/schemagen/portable.py`) that rejects only what Flash rejects, so other tools catch most "
        "of it too. What they still cannot see is what no shadow can say (a NaN, a float where Flash wants a "
        "TOML integer, a comparison between two keys). The bar (issue 10): no false rejects, and "
        f"check-jsonschema catches at least {CATCH_BAR:.0%} of what Flash rejects.",
        "",
        "## Figures",
        "",
        "| Dialect | Tool | Flash accepts | Tool rejects of those | Flash rejects | Tool catches | Catch rate |",
        "|---|---|---|---|---|---|---|",
    ]
    for dialect, (rows, _) in measured.items():
        for tool in TOOLS:
            f = figures(rows, tool)
            false_rejects = sum(f.false_rejects.values())
            detail = f" ({_list(f.false_rejects)})" if false_rejects else ""
            lines.append(
                f"| {dialect} | {tool} | {f.accepted} | {false_rejects}{detail} | {f.rejected} | {f.caught} | "
                f"{f.catch_rate:.1%} |"
            )
    lines += [
        "",
        "## What the tools miss",
        "",
        "The configs Flash rejects that a tool passes, by category, and the flash-schema error codes of those "
        "configs (a config may have several).",
        "",
        "| Dialect | Tool | Missed, by category | Their error codes |",
        "|---|---|---|---|",
    ]
    for dialect, (rows, _) in measured.items():
        for tool in TOOLS:
            f = figures(rows, tool)
            lines.append(f"| {dialect} | {tool} | {_list(f.missed) or '—'} | {_list(f.missed_rules) or '—'} |")
    lines += [
        "",
        "| Category | Why a tool may differ |",
        "|---|---|",
        *(f"| `{name}` | {text} |" for name, text in CATEGORIES.items()),
        "",
    ]
    for dialect, (rows, same_in_2020) in measured.items():
        hand = [r for r in rows if r.sample.name.startswith("hand/")]
        lines += [f"## Flash {dialect}: the hand cases", ""]
        if not hand:
            lines += ["No hand cases yet.", ""]
        else:
            lines += [
                "A cell marked ≠ differs from flash-schema; its category says why.",
                "",
                "| Case | flash-schema | " + " | ".join(TOOLS) + " | flash-schema diagnostics |",
                "|---|---|" + "---|" * len(TOOLS) + "---|",
            ]
            for row in hand:
                cells = [f"`{row.sample.name.removeprefix('hand/')}`", _verdict(row.ours.valid)]
                for tool in TOOLS:
                    why = row.reason(tool)
                    cells.append(
                        _verdict(row.peers[tool]) + (f" ≠ `{why or 'UNEXPLAINED'}`" if why is not None else "")
                    )
                cells.append(_codes(row.ours.result))
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        same = "the same verdict on every file" if same_in_2020 else "DIFFERENT verdicts"
        lines += [
            f"check-jsonschema gives {same} with the derived 2020-12 export (`flash-schema export --dialect "
            f"2020-12 --flash-version {dialect}`) as with the draft-07 one ({len(rows)} files).",
            "",
        ]
    return "\n".join(lines)


# -- the bar -----------------------------------------------------------------------------------------


def test_corpora_are_big_and_mixed(rows: dict[str, list[Row]]) -> None:
    """Each dialect is measured on hundreds of files, both verdicts in quantity, its hand cases included."""
    assert set(rows) == set(DIALECTS)
    for dialect, measured in rows.items():
        assert len(measured) >= 300, dialect
        accepted = sum(r.ours.valid for r in measured)
        assert 0.2 < accepted / len(measured) < 0.8, dialect
        hand = {r.sample.name for r in measured if r.sample.name.startswith("hand/")}
        assert hand == {f"hand/{c.name}" for c in load_cases() if c.dialect == dialect}, dialect


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_no_false_rejects(rows: dict[str, list[Row]], dialect: str, tool: str) -> None:
    """A config Flash accepts (our verdict on the file alone) passes the tool. The one exception is a file
    with an integer beyond 64 bits, which TOML 1.0 lets a parser refuse (and Python reads exactly)."""
    wrong = [
        f"{r.sample.name}: {_codes(r.ours.result)}"
        for r in rows[dialect]
        if r.ours.valid and not r.peers[tool] and r.reason(tool) != "integer-range"
    ]
    assert wrong == [], f"{tool} rejects {len(wrong)} configs Flash {dialect} accepts:\n" + "\n".join(wrong)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_check_jsonschema_catches_what_flash_rejects(rows: dict[str, list[Row]], dialect: str) -> None:
    """check-jsonschema fails at least 95% of the configs Flash rejects (issue 10)."""
    f = figures(rows[dialect], "check-jsonschema")
    assert f.catch_rate >= CATCH_BAR, (
        f"check-jsonschema catches {f.caught} of {f.rejected} configs Flash {dialect} rejects ({f.catch_rate:.1%}); "
        f"the misses carry: {_list(f.missed_rules)}"
    )


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_difference_is_explained(rows: dict[str, list[Row]], dialect: str, tool: str) -> None:
    """Where a tool's verdict differs from ours, a category from our side of the file explains it."""
    unexplained = [
        f"{r.sample.name}: {tool} says {_verdict(r.peers[tool])}, flash-schema says {_verdict(r.ours.valid)} "
        f"({_codes(r.ours.result)})"
        for r in rows[dialect]
        if r.reason(tool) == ""
    ]
    assert unexplained == [], "\n".join(unexplained)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_2020_12_export_gives_the_same_verdicts(measured: dict[str, tuple[list[Row], bool]], dialect: str) -> None:
    assert measured[dialect][1], (
        f"check-jsonschema's verdicts differ between the {dialect} draft-07 and 2020-12 exports"
    )


def test_tools_really_validate(rows: dict[str, list[Row]]) -> None:
    """Each tool both passes and fails some file of each dialect: none of them silently skipped the schema."""
    for dialect, measured in rows.items():
        for tool in TOOLS:
            assert {r.peers[tool] for r in measured} == {True, False}, (dialect, tool)


def test_peer_verdicts_doc_is_current(measured: dict[str, tuple[list[Row], bool]]) -> None:
    """`docs/peer-verdicts.md` holds the figures and the table this run produced."""
    text = render(measured)
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


def _sft(top: str = "", train: str = "") -> str:
    """A Flash 0.2.43 SFT config with ``top`` lines at the top level and ``train`` lines in `[train]`."""
    head = f'model = "Qwen/Qwen3.5-4B"\n{top}\n[environment]\nid = "your-org/your-env"\n\n'
    return f"{head}[train]\nmax_examples = 10\n{train}"


@pytest.mark.parametrize(
    ("top", "train", "theirs", "expected"),
    [
        ("", "", True, None),
        ("", "", False, ""),  # they reject a clean config: unexplained
        ("seed = 1\n", "", True, None),  # a warning: other tools never see it
        ("seed = 1\n", "", False, ""),  # ... so rejecting it is unexplained
        ("", "learning_rate = nan\n", True, "custom-keyword"),  # only x-flash-finite rejects nan
        ("", "learning_rate = nan\nlora_rank = 0\n", True, ""),  # lora_rank = 0 is plain JSON Schema
        ("", "lora_rank = 0\n", True, ""),
        ("", "lora_rank = 0\n", False, None),
        ("", "epochs = 9223372036854775808\n", False, "integer-range"),  # 2**63: Flash accepts it
        ("", "epochs = 9007199254740993\n", True, "float-precision"),  # 2**53 + 1: Flash rejects it
        ('algorithm = "grpo"\n', "init_from_adapter = 1979-05-27\n", True, "dates"),
        ("", "x = {\n", True, "toml-syntax"),
    ],
)
def test_reason(top: str, train: str, theirs: bool, expected: str | None) -> None:
    """Which differences are explained, from our side of the file alone (Flash 0.2.43)."""
    assert reason(facts("0.2.43", "x.toml", _sft(top, train).encode()), theirs) == expected


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
    return _workspace(tmp_path / "ws", DIALECTS[-1])


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
