"""`flash-schema lsp` as editors start it: vscode-languageclient appends `--stdio`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDITOR_ARGS = [[], ["--stdio"], ["--stdio", "--clientProcessId=4242"]]


@pytest.mark.parametrize("args", EDITOR_ARGS, ids=["plain", "stdio", "pid"])
def test_lsp_accepts_what_editors_pass(args: list[str], tmp_path: Path) -> None:
    """Issue 10: `flash-schema lsp --stdio` exited 2 ("No such option"), so VS Code never started it."""
    pytest.importorskip("pygls")
    sys.path.insert(0, str(ROOT / "fuzz"))
    from lspclient import Client

    with Client(command=[sys.executable, "-m", "flash_schema", "lsp", *args], cwd=str(tmp_path)) as client:
        result = client.initialize(tmp_path)
        assert result["serverInfo"]["name"] == "flash-schema"
        assert client.shutdown() == 0
