"""A real editor: headless Neovim with the repo's Lua client (lsp/editors/nvim) against our server.

Neovim starts from ``lsp/editors/nvim/init.lua``; ``tests/nvim/lsp_session.lua`` calls
``require("flash_schema").setup({cmd = ...})`` with ``python -m flash_schema lsp``, opens a copy
of ``examples/broken/grpo-mistakes.toml`` under ``configs/`` in a temporary project, and records
as JSON what the editor received: the pushed diagnostics, folding ranges, inlay hints, a hover,
the diagnostics after typing a partial key, a completion there, the buffer ``:FlashSchemaShow``
opens for a second, valid config, and the shutdown. One Neovim run serves every test below.

Made for Debian's neovim 0.7 (``make e2e-deps`` installs it); skipped when ``nvim`` is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
INIT_LUA = REPO / "lsp" / "editors" / "nvim" / "init.lua"
SESSION_LUA = REPO / "tests" / "nvim" / "lsp_session.lua"
#: A broken config written for Flash 0.2.43 (the session checks it as that release).
EXAMPLE = REPO / "tests" / "data" / "grpo-mistakes-0.2.43.toml"
RELEASE = ["--flash-version", "0.2.43"]
SCHEMA = REPO / "schema" / "flash-0.2.43.schema.json"
SECRET = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789"  # the leaked key in the example

TIMEOUT = 60  # the whole Neovim run, seconds
START_TIMEOUT_MS = 20_000  # client attached; first diagnostics
REQUEST_TIMEOUT_MS = 5_000  # each request; diagnostics after the edit; shutdown

#: A valid config for the same release, for :FlashSchemaShow.
VALID = """\
model = "Qwen/Qwen3.5-4B"
algorithm = "grpo"

[environment]
id = "acme/gsm8k"

[train]
lora_rank = 16
"""

ERROR, WARNING = 1, 2  # vim.diagnostic.severity
ERROR_LEVEL = 4  # vim.log.levels.ERROR


def _line(text: str, prefix: str) -> int:
    """0-based index of the first line starting with ``prefix``."""
    return next(i for i, line in enumerate(text.splitlines()) if line.startswith(prefix))


def _schema_at(*keys: str) -> dict[str, Any]:
    """The schema of a key path, following local `$ref`s (``#/definitions/...``)."""
    root: dict[str, Any] = json.loads(SCHEMA.read_text("utf-8"))

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#/").split("/")
            node = root
            for part in pointer:
                node = node[part]
        return node

    node = root
    for key in keys:
        node = deref(node)["properties"][key]
    return deref(node)


def _lsp_log(xdg: Path) -> str:
    """The tail of Neovim's lsp.log (stdpath('cache') on 0.7, stdpath('log') later)."""
    for path in (xdg / "cache" / "nvim" / "lsp.log", xdg / "state" / "nvim" / "lsp.log"):
        if path.is_file():
            return path.read_text("utf-8", "replace")[-4000:]
    return "(no lsp.log)"


def _cli_diagnostics(path: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "flash_schema", "check", *RELEASE, "-f", "json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    diags: list[dict[str, Any]] = json.loads(proc.stdout)["files"][0]["diagnostics"]
    return diags


class Session:
    """What Neovim recorded, plus the text it opened."""

    def __init__(self, result: dict[str, Any], text: str, cli: list[dict[str, Any]], log: str) -> None:
        self.result = result
        self.text = text
        self.cli = cli
        self.log = log

    def __getitem__(self, key: str) -> Any:
        assert key in self.result, f"Neovim recorded no {key!r}: {self.explain()}"
        return self.result[key]

    def explain(self) -> str:
        return f"\nresult: {json.dumps(self.result, indent=1)[:6000]}\nlsp.log:\n{self.log}"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (`make e2e-deps` installs Debian's neovim)")

    root = tmp_path_factory.mktemp("nvim-project")
    (root / ".git").mkdir()  # a root marker: the workspace is the project, the globs apply to it
    (root / "configs").mkdir()
    config = root / "configs" / "broken.toml"
    shutil.copyfile(EXAMPLE, config)
    (root / "configs" / "valid.toml").write_text(VALID, "utf-8")
    text = config.read_text("utf-8")

    train = _line(text, "[train]")
    steps = _line(text, "steps =")
    typed = _line(text, "lora_rank = 128")
    assert train < min(steps, typed), "the example changed: the test expects these keys in [train]"
    params = {
        "cmd": [sys.executable, "-m", "flash_schema", "lsp", *RELEASE],
        "file": str(config),
        "result": str(root / "result.json"),
        "start_timeout_ms": START_TIMEOUT_MS,
        "request_timeout_ms": REQUEST_TIMEOUT_MS,
        "hover_at": {"line": steps, "character": 2},
        "show_file": str(root / "configs" / "valid.toml"),
        # Replace `lora_rank = 128` in [train] by what one types first: `lo`.
        "edit": {"line": typed, "text": "lo"},
    }
    (root / "params.json").write_text(json.dumps(params), "utf-8")

    proc, env, xdg = _start_nvim(root, SESSION_LUA)
    cli = _cli_diagnostics(config, env)  # the oracle, computed while Neovim works
    result = _finish_nvim(proc, root, xdg)
    return Session(result, text, cli, _lsp_log(xdg))


def _start_nvim(
    root: Path, session_lua: Path, pythonpath: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[bytes], dict[str, str], Path]:
    """Neovim running ``session_lua`` in ``root`` (its params in root/params.json); its env and XDG dir."""
    nvim = shutil.which("nvim")
    assert nvim is not None
    xdg = root / "xdg"
    env = {k: v for k, v in os.environ.items() if k not in {"NVIM", "NVIM_LISTEN_ADDRESS", "VIMINIT", "MYVIMRC"}}
    paths = [*pythonpath, str(REPO), str(REPO / "lsp"), os.environ.get("PYTHONPATH", "")]
    env |= {
        "PYTHONPATH": os.pathsep.join(p for p in paths if p),
        "FLASH_NVIM_PARAMS": str(root / "params.json"),
        "FLASH_NVIM_SESSION": str(session_lua),
        # Nothing from the user's own Neovim setup; logs stay in the temp dir.
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_STATE_HOME": str(xdg / "state"),
        "XDG_CACHE_HOME": str(xdg / "cache"),
    }
    cmd = [nvim, "--headless", "-u", str(INIT_LUA), "-i", "NONE", "-n", "-c", "lua dofile(vim.env.FLASH_NVIM_SESSION)"]
    proc = subprocess.Popen(
        cmd,
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Neovim and the server it starts form one process group
    )
    return proc, env, xdg


def _finish_nvim(proc: subprocess.Popen[bytes], root: Path, xdg: Path) -> dict[str, Any]:
    """What the session recorded in root/result.json, once Neovim has quit."""
    try:
        output, _ = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        pytest.fail(f"Neovim did not finish within {TIMEOUT} s\n{output.decode(errors='replace')}\n{_lsp_log(xdg)}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    result_file = root / "result.json"
    if not result_file.is_file():
        pytest.fail(
            f"Neovim exited {proc.returncode} without results\n{output.decode(errors='replace')}\n{_lsp_log(xdg)}"
        )
    result: dict[str, Any] = json.loads(result_file.read_text("utf-8"))
    return result


def test_session_completed(session: Session) -> None:
    assert session.result.get("failed") is None, session.explain()
    assert session["filetype"] == "toml"
    assert session["client_count"] == 1, session.explain()
    errors = [n for n in session["notifications"] if n.get("level") == ERROR_LEVEL]
    assert errors == [], session.explain()


def test_diagnostics_are_the_cli_diagnostics(session: Session) -> None:
    got = session["diagnostics"]
    assert all(d["source"] == "flash-schema" for d in got), session.explain()
    # The editor shows exactly what `flash-schema check` prints: same codes, places, words.
    # (ASCII-only file: LSP characters and the CLI's 1-based columns count the same things.)
    expected = sorted(
        (
            d["code"],
            d["line"] - 1,
            d["column"] - 1,
            d["end_line"] - 1,
            d["end_column"] - 1,
            ERROR if d["severity"] == "error" else WARNING,
            f"{d['message']}\nhint: {d['hint']}" if d["hint"] else d["message"],
        )
        for d in session.cli
    )
    actual = sorted(
        (d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"], d["severity"], d["message"]) for d in got
    )
    assert actual == expected, session.explain()


def test_diagnostics_spot_checks(session: Session) -> None:
    text = session.text
    by_code = {d["code"]: d for d in session["diagnostics"]}
    assert {
        "invalid-value",
        "ignored-top-level-key",
        "invalid-environment-id",
        "reserved-secret",
        "out-of-range",
        "sft-only-key",
        "unknown-key",
        "not-finite",
        "secret-key-name",
    } <= set(by_code), session.explain()
    typo = by_code["unknown-key"]
    assert (typo["lnum"], typo["col"], typo["severity"]) == (_line(text, "learnig_rate"), 0, ERROR)
    assert typo["message"].endswith("\nhint: rename it to `learning_rate`")
    moved = by_code["ignored-top-level-key"]
    assert (moved["lnum"], moved["severity"]) == (_line(text, "lora_rank = 16"), WARNING)
    assert by_code["not-finite"]["lnum"] == _line(text, "temperature = nan")
    # The leaked key is named, never quoted.
    assert by_code["secret-key-name"]["lnum"] == _line(text, "OPENAI_API_KEY")
    assert all(SECRET not in d["message"] for d in session["diagnostics"])


def test_hover_shows_the_keys_documentation(session: Session) -> None:
    hover = session["hover"]
    assert isinstance(hover, dict), session.explain()
    contents = hover["contents"]
    assert contents["kind"] == "markdown", contents
    steps = _schema_at("train", "steps")
    assert contents["value"].startswith(f"**`train.steps`** — {steps['title']}")
    assert steps["description"] in contents["value"]
    line = _line(session.text, "steps =")
    assert hover["range"] == {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 5}}


def test_diagnostics_follow_the_edit(session: Session) -> None:
    line = _line(session.text, "lora_rank = 128")
    after = session["diagnostics_after_edit"]
    syntax = [d for d in after if d["lnum"] == line]
    assert [d["code"] for d in syntax] == ["toml-syntax"], session.explain()
    # The rest of the file is still checked while one line does not parse.
    assert "unknown-key" in {d["code"] for d in after}


def test_completion_offers_the_key_being_typed(session: Session) -> None:
    items = {item["label"]: item for item in session["completion"]}
    assert "lora_rank" in items, sorted(items)
    line = _line(session.text, "lora_rank = 128")
    item = items["lora_rank"]
    assert item["newText"].startswith("lora_rank")
    # It replaces what was typed (`lo`).
    assert item["range"] == {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 2}}
    # Keys already in [train] are not offered again.
    assert "steps" not in items
    assert "learnig_rate" not in items


def test_server_shuts_down_cleanly(session: Session) -> None:
    assert session["stopped"] is True, session.explain()


def test_folding_ranges_and_inlay_hints_reach_the_editor(session: Session) -> None:
    text = session.text
    folds = {(f["startLine"], f["endLine"]) for f in session["folding"]}
    train = _line(text, "[train]")
    assert (train, _line(text, "temperature = nan")) in folds, session.explain()
    hints = {h["position"]["line"]: h for h in session["inlay_hints"]}
    assert hints[train]["position"]["character"] == len("[train]")
    assert hints[train]["label"].startswith("lora_alpha "), session.explain()
    assert "learning_rate 1e-5" in hints[train]["label"]  # GRPO's, whatever the misspelt key says


def test_show_opens_the_resolved_config_read_only(session: Session) -> None:
    shown = session["show"]
    assert shown["name"].endswith("flash-schema://valid.resolved.toml"), session.explain()
    assert shown["displayed"]
    assert (shown["modifiable"], shown["readonly"], shown["buftype"]) == (False, True, "nofile")
    assert shown["filetype"] == "toml"
    assert shown["attached"] == 0  # the scratch buffer is not a config the server checks
    lines = shown["lines"]
    assert lines[0] == "# valid.toml as Flash 0.2.43 runs it (from --flash-version)", lines
    assert 'algorithm = "grpo"' in lines
    assert any(line.startswith("lora_alpha = 64") and line.endswith("# default") for line in lines)
    assert any(line.startswith("steps = 150") and line.endswith("# worker default") for line in lines)


# -- without the [lsp] extras ------------------------------------------------------------------------------------

MISSING_EXTRAS_LUA = REPO / "tests" / "nvim" / "missing_extras.lua"
INSTALL_HINT = "pip install 'flash-schema[lsp]'"


def test_missing_extras_tell_the_user_what_to_install(tmp_path: Path) -> None:
    """Without pygls the server still answers: Neovim shows the install command as an error."""
    if shutil.which("nvim") is None:
        pytest.skip("nvim is not installed (`make e2e-deps` installs Debian's neovim)")
    shim = tmp_path / "shim"
    (shim / "pygls").mkdir(parents=True)
    (shim / "pygls" / "__init__.py").write_text("raise ImportError(\"No module named 'pygls' (hidden by the test)\")\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / "configs").mkdir()
    config = tmp_path / "configs" / "broken.toml"
    shutil.copyfile(EXAMPLE, config)
    params = {
        "cmd": [sys.executable, "-m", "flash_schema", "lsp", *RELEASE],
        "file": str(config),
        "result": str(tmp_path / "result.json"),
        "timeout_ms": START_TIMEOUT_MS,
    }
    (tmp_path / "params.json").write_text(json.dumps(params), "utf-8")
    proc, _, xdg = _start_nvim(tmp_path, MISSING_EXTRAS_LUA, pythonpath=(str(shim),))
    result = _finish_nvim(proc, tmp_path, xdg)
    explain = f"\nresult: {json.dumps(result, indent=1)}\nlsp.log:\n{_lsp_log(xdg)}"
    assert result.get("failed") is None, explain
    shown = [n for n in result["notifications"] if INSTALL_HINT in n["msg"]]
    assert shown, explain
    assert all(n["level"] == ERROR_LEVEL for n in shown), explain
    # The client module stops it, and the server exits cleanly (else Neovim warns "quit with exit code").
    assert result["stopped"] is True, explain
    assert not any("exit code" in n["msg"] for n in result["notifications"]), explain
