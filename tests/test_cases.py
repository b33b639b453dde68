"""Every data-driven case through the core, the CLI and Flash itself."""

from __future__ import annotations

import json

import pytest
from casekit import UPDATE, Case, golden_lines, load_cases, run_core
from click.testing import CliRunner

from flash_schema.cli import main

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_core_matches_golden(case: Case) -> None:
    """The core's diagnostics for the case are exactly the reviewed golden file."""
    got = "\n".join(golden_lines(run_core(case))) + "\n"
    if UPDATE:
        case.expected_path.write_text(got, "utf-8")
    assert got == case.expected_path.read_text("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_json_matches_core(case: Case) -> None:
    """`flash-schema check --format json` reports what the core found, with the right exit code."""
    core = run_core(case)
    result = CliRunner().invoke(main, ["check", "--format", "json", *case.cli_args, str(case.path)])
    assert result.exit_code == (0 if core.valid else 1), result.output
    report = json.loads(result.stdout)
    (file,) = report["files"]
    assert file["valid"] == core.valid
    assert [(d["code"], d["severity"], d["key"], d["message"]) for d in file["diagnostics"]] == [
        (d.code, d.severity.value, d.key, d.message) for d in core.diagnostics
    ]
    assert report["summary"]["errors"] == sum(d.is_error for d in core.diagnostics)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_text_names_every_problem(case: Case) -> None:
    """The text report has one headline per diagnostic, at `path:line:col`."""
    core = run_core(case)
    result = CliRunner().invoke(main, ["check", "--color", "never", *case.cli_args, str(case.path)])
    assert "Traceback" not in result.output
    for line in golden_lines(core):
        code = line.split("[", 1)[1].split("]", 1)[0]
        assert f"[{code}]" in result.output


def test_many_files_in_parallel_match_one_by_one(tmp_path) -> None:
    """With several jobs, every file gets the same verdict and order as checked one by one."""
    from flash_schema.batch import check_files

    paths = []
    for i, case in enumerate(CASES * 3):
        target = tmp_path / f"{i:03d}-{case.name}.toml"
        target.write_bytes(case.path.read_bytes())
        paths.append(str(target))
    paths.append(str(tmp_path / "missing.toml"))
    serial = check_files(paths, jobs=1)
    parallel = check_files(paths, jobs=2)
    assert [type(o).__name__ for o in parallel] == [type(o).__name__ for o in serial]
    for a, b in zip(serial, parallel, strict=True):
        if hasattr(a, "diagnostics"):
            assert a.path == b.path
            assert a.diagnostics == b.diagnostics
        else:
            assert str(a) == str(b)
