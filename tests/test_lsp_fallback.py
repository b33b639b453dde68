"""`flash-schema lsp` as editors start it: with `--stdio` (vscode-languageclient appends it), and without the
`[lsp]` extras, when it must still tell the editor, over LSP itself, what to install."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lspclient import Client, frame, server_env

from flash_schema.lsp_fallback import INSTALL, missing_extras_message, serve

ROOT = Path(__file__).resolve().parent.parent


def _messages(data: bytes) -> list[dict[str, Any]]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.split(b":")[1])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def _frames(*messages: dict[str, Any]) -> bytes:
    return b"".join(frame(json.dumps({"jsonrpc": "2.0", **m}).encode()) for m in messages)


def _serve(data: bytes) -> tuple[int, list[dict[str, Any]]]:
    out = io.BytesIO()
    code = serve(io.BytesIO(data), out, missing_extras_message("No module named 'pygls'"))
    return code, _messages(out.getvalue())


def test_the_message_names_the_install_command() -> None:
    text = missing_extras_message("No module named 'pygls'")
    assert INSTALL == "pip install 'flash-schema[lsp]'"
    assert text.startswith(f"The Flash Schema language server needs its extras: {INSTALL} ")
    assert sys.executable in text
    assert "No module named 'pygls'" in text


def test_initialize_gets_a_message_and_an_error_then_shutdown_and_exit() -> None:
    code, said = _serve(
        _frames(
            {"id": 1, "method": "initialize", "params": {"capabilities": {}}},
            {"method": "initialized", "params": {}},
            {"id": 2, "method": "textDocument/hover", "params": {}},
            {"id": 3, "method": "shutdown"},
            {"method": "exit"},
            {"id": 4, "method": "never-read"},
        )
    )
    assert code == 0
    show, init, hover, shutdown = said
    assert show["method"] == "window/showMessage"
    assert show["params"]["type"] == 1  # Error
    assert INSTALL in show["params"]["message"]
    assert init["id"] == 1
    assert init["error"]["message"] == show["params"]["message"]
    assert init["error"]["data"] == {"retry": False}
    assert hover["id"] == 2
    assert INSTALL in hover["error"]["message"]
    assert shutdown == {"jsonrpc": "2.0", "id": 3, "result": None}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b'Content-Length: 5\r\n\r\n{"a"',  # cut short
        b"Content-Length: nope\r\n\r\n",
        b"Content-Length: 3\r\n\r\n[1]",  # not an object
        b"Content-Length: 7\r\n\r\nnotjson",
        b"Content-Length: 99999999999\r\n\r\n",
    ],
    ids=["empty", "short", "bad-length", "array", "not-json", "huge"],
)
def test_bad_input_ends_quietly(data: bytes) -> None:
    """Malformed or truncated input is skipped, and the end of input ends it with 0."""
    assert _serve(data) == (0, [])


# -- the real command --------------------------------------------------------------------------------------


def _shim(tmp_path: Path) -> str:
    """A directory that, first on PYTHONPATH, makes `import pygls` fail as if it were not installed."""
    (tmp_path / "pygls").mkdir()
    (tmp_path / "pygls" / "__init__.py").write_text("raise ImportError(\"No module named 'pygls' (test shim)\")\n")
    return str(tmp_path)


@pytest.mark.slow
def test_lsp_without_extras_speaks_jsonrpc(tmp_path: Path) -> None:
    env = server_env()
    env["PYTHONPATH"] = _shim(tmp_path) + ":" + env["PYTHONPATH"]
    done = subprocess.run(
        [sys.executable, "-m", "flash_schema", "lsp", "--stdio"],
        input=_frames({"id": 1, "method": "initialize", "params": {}}, {"id": 2, "method": "shutdown"}),
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    show, init, shutdown = _messages(done.stdout)
    assert INSTALL in show["params"]["message"]
    assert "(test shim)" in init["error"]["message"]
    assert shutdown["result"] is None
    assert INSTALL in done.stderr.decode()  # editors log stderr too
    assert b"Traceback" not in done.stderr


EDITOR_ARGS = [[], ["--stdio"], ["--stdio", "--clientProcessId=4242"]]


@pytest.mark.slow
@pytest.mark.parametrize("args", EDITOR_ARGS, ids=["plain", "stdio", "pid"])
def test_lsp_accepts_what_editors_pass(args: list[str], tmp_path: Path) -> None:
    """Issue 10: `flash-schema lsp --stdio` exited 2 ("No such option"), so VS Code never started it."""
    with Client(command=[sys.executable, "-m", "flash_schema", "lsp", *args], cwd=str(tmp_path)) as client:
        result = client.initialize(tmp_path)
        assert result["serverInfo"]["name"] == "flash-schema"
        assert client.shutdown() == 0
