"""Which TOML files are Flash configs: one rule (flash_schema/detect.py) for the language server and for
`flash-schema check --only-flash-configs`, which the pre-commit hook runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flash_schema.cli import main
from flash_schema.detect import SCHEMA_ID, is_flash_config, names_flash_schema

#: These configs are written for Flash 0.2.43: every check names that release.
RELEASE = ("--flash-version", "0.2.43")

ROOT = Path(__file__).resolve().parent.parent

MODEL = 'model = "Qwen/Qwen3.5-4B"\n'
FLASH = [
    MODEL + '\n[environment]\nid = "acme/math"\n',
    MODEL + "\n[train]\nmax_examples = 10\n",  # issue 10: no [environment] yet, still a Flash config
    MODEL + '\n[gpu]\ntype = "H100"\n',
    MODEL + '\n[wandb]\nproject = "p"\n',
    MODEL + '\n[worker_env]\nFLAG = "1"\n',
    MODEL + '\n[environment.params]\nsplit = "train"\n',
    MODEL + '\n[ "train" ]\nsteps = 1\n',
    MODEL + 'environment = { id = "acme/math" }\n',
    MODEL + "train.steps = 300\n",
    '# a comment\n"model" = "x"\n[train]\n',
    MODEL + "\n[train]\nlora_rank = \n",  # half-typed: no TOML parser needed
]
NOT_FLASH = [
    "",
    "[tool.ruff]\nline-length = 100\n",
    MODEL,  # a model and nothing of Flash's
    '[train]\nmodel = "x"\n',  # `model` is not top-level
    MODEL + "\n[tool.other]\nsteps = 1\n",
    MODEL + "\n[[train]]\nsteps = 1\n",  # an array of tables is not Flash's
    'models = "x"\n[train]\n',
    '[package]\nname = "x"\n[dependencies]\ntrain = "1"\n',
]


@pytest.mark.parametrize("text", FLASH)
def test_flash_configs_anywhere(text: str) -> None:
    for path in ("/repo/run.toml", "/repo/deep/dir/sft.toml", "C:\\repo\\x.toml", None):
        found = is_flash_config(path, text)
        assert found.is_flash, (path, text)
        assert "model" in found.reason


@pytest.mark.parametrize("text", NOT_FLASH)
def test_other_toml_files(text: str) -> None:
    found = is_flash_config("/repo/settings.toml", text)
    assert not found.is_flash
    assert not found.final  # a glob of the editor may still serve it
    assert found.reason


@pytest.mark.parametrize("name", ["pyproject.toml", "Cargo.toml", "ruff.toml", "uv.toml", "PYPROJECT.TOML"])
def test_other_tools_files_never_are(name: str) -> None:
    found = is_flash_config(f"/repo/configs/{name}", FLASH[0])
    assert (found.is_flash, found.final) == (False, True)
    found = is_flash_config(name, "#:schema ./flash.schema.json\n" + FLASH[0])
    assert (found.is_flash, found.final) == (False, True)


@pytest.mark.parametrize(
    "value",
    [
        "./flash.schema.json",
        "../schema/flash.schema.json",
        "schemas\\flash.schema.json",
        "https://example.com/x/flash-1.3.schema.json",
        "file:///home/me/flash_0.2.43.schema.json?v=1",
        "flash.schema.json#/definitions/x",
        "Flash.Schema.json",
        SCHEMA_ID,
    ],
)
def test_directives_naming_any_copy_of_our_schema(value: str) -> None:
    assert names_flash_schema(value)
    found = is_flash_config("/repo/anything.toml", f"# header\n#:schema {value}\n[tool.x]\n")
    assert (found.is_flash, found.final) == (True, True)


@pytest.mark.parametrize(
    "value",
    ["https://json.schemastore.org/pyproject.json", "./schema.json", "./flash.json", "./flash.schema.json.bak"],
)
def test_directives_naming_another_schema(value: str) -> None:
    assert not names_flash_schema(value)
    found = is_flash_config("/repo/configs/x.toml", f"#:schema {value}\n" + FLASH[0])
    assert (found.is_flash, found.final) == (False, True)


# -- flash-schema check --only-flash-configs -----------------------------------------------------------------

BROKEN = MODEL + "\n[train]\nmax_examples = 10\nlora_rank = 512\n"  # no [environment], rank over the cap


def test_only_flash_configs_skips_other_toml_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.flash]\nmodel = "y"\n')
    (tmp_path / "settings.toml").write_text("[server]\nport = 8000\n")
    (tmp_path / "good.toml").write_text(FLASH[0] + "\n[train]\nmax_examples = 10\n")
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "broken.toml").write_text(BROKEN)
    names = [str(tmp_path / n) for n in ("pyproject.toml", "settings.toml", "good.toml", "experiments/broken.toml")]

    plain = CliRunner().invoke(main, ["check", *RELEASE, "--format", "json", *names])
    assert len(json.loads(plain.stdout)["files"]) == 4  # without the option: every file is checked

    result = CliRunner().invoke(main, ["check", *RELEASE, "--only-flash-configs", "--format", "json", *names])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == names[2:]
    assert not report["files"][0]["diagnostics"]
    assert {d["code"] for d in report["files"][1]["diagnostics"]} >= {"missing-key", "lora-rank-cap"}


def test_only_flash_configs_is_silent_when_nothing_is_flash(tmp_path: Path) -> None:
    other = tmp_path / "pyproject.toml"
    other.write_text("[tool.ruff]\n")
    result = CliRunner().invoke(main, ["check", *RELEASE, "--only-flash-configs", str(other)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_only_flash_configs_on_standard_input() -> None:
    args = ["check", "--only-flash-configs", "--stdin-filename", "x.toml", "-"]
    assert CliRunner().invoke(main, args, input="[tool.ruff]\n").stdout == ""
    assert CliRunner().invoke(main, args, input=BROKEN).exit_code == 1


def test_only_flash_configs_still_reports_what_it_cannot_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", *RELEASE, "--only-flash-configs", str(tmp_path / "missing.toml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


# -- the language server uses the same rule ------------------------------------------------------------------


def test_the_server_serves_a_flash_config_anywhere_and_says_why_it_leaves_others() -> None:
    """Issue 10: a config that forgot [environment], outside configs/, got nothing and no log line."""
    from flash_schema_lsp import server as srv

    ls = srv.FlashLanguageServer()
    logged: list[str] = []
    ls.window_log_message = lambda params: logged.append(params.message)  # type: ignore[method-assign]
    flash = srv.OpenDocument("file:///home/me/project/run.toml", BROKEN, 1)
    ls.decide(flash, sticky=False)
    assert flash.served
    assert "missing-key" in {d.code for d in flash.diagnostics()}
    other = srv.OpenDocument("file:///home/me/project/pyproject.toml", FLASH[0], 1)
    ls.decide(other, sticky=False)
    ls.decide(other, sticky=True)  # the same reason is logged once
    assert not other.served
    uri = "file:///home/me/project/pyproject.toml"
    assert logged == [f"not a Flash config, left alone: {uri} (pyproject.toml belongs to another tool)"]
    plain = srv.OpenDocument("file:///home/me/project/settings.toml", "[server]\nport = 1\n", 1)
    ls.decide(plain, sticky=False)
    assert "it matches no glob and it has no top-level `model` with a Flash table" in logged[-1]


@pytest.mark.e2e
def test_the_real_server_logs_why_it_leaves_a_file_alone(tmp_path: Path) -> None:
    from lspclient import Client

    flash = (tmp_path / "anywhere" / "run.toml").as_uri()
    other = (tmp_path / "pyproject.toml").as_uri()
    with Client(cwd=str(tmp_path)) as client:
        client.initialize(tmp_path)
        client.open(other, '[project]\nname = "x"\n')
        client.open(flash, BROKEN)
        codes = {d["code"] for d in client.wait_diagnostics(flash, 1)}
        assert client.shutdown() == 0
    assert {"missing-key", "lora-rank-cap"} <= codes
    logs = [n["params"]["message"] for n in client.notifications if n["method"] == "window/logMessage"]
    assert any(other in m and "belongs to another tool" in m for m in logs), logs
    assert other not in client.diagnostics
