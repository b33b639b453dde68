"""A small scripted JSON-RPC client for `flash-schema lsp` over stdio (Content-Length framing).

No sleeps: a reader thread parses the server's stdout into a queue and the client blocks on the
queue with timeouts; another thread drains stderr so the server can never block on it. Used by
``fuzz/soak.py`` and by the end-to-end tests (hardening, secrets, hermetic); ``bench/lsp_bench.py``
reuses its framing (``frame``, ``messages``).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
SERVER_COMMAND = [sys.executable, "-m", "flash_schema", "lsp"]

#: What the scripted client says it supports: UTF-16 positions (LSP's default), push diagnostics.
CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": False},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown"]}},
        "publishDiagnostics": {"versionSupport": True},
        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
        "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix"]}}},
    },
    "workspace": {"workspaceFolders": True},
    "window": {"workDoneProgress": False},
}


class ServerDied(RuntimeError):
    """The server closed its stdout (exited or crashed)."""


class NoAnswer(TimeoutError):
    """The server did not answer in time."""


def server_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment to run the server from this checkout (the lsp package is not installed)."""
    env = dict(os.environ)
    paths = [str(ROOT), str(ROOT / "lsp"), *(p for p in [env.get("PYTHONPATH")] if p)]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("NO_COLOR", None)
    env.update(extra or {})
    return env


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def messages(stream: IO[bytes]) -> Iterator[bytes]:
    """The body of each Content-Length framed message on ``stream``, until it ends or breaks off."""
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                return
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            continue
        body = stream.read(length)
        if len(body) < length:
            return
        yield body


@dataclass
class Client:
    """One server process and the client end of its stdio."""

    command: list[str] = field(default_factory=lambda: list(SERVER_COMMAND))
    env: dict[str, str] = field(default_factory=server_env)
    cwd: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        self.proc = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
            cwd=self.cwd,
        )
        self.inbox: queue.Queue[tuple[float, dict[str, Any]] | None] = queue.Queue()
        self.stderr_chunks: list[bytes] = []
        self.responses: dict[Any, dict[str, Any]] = {}
        self.answered_at: dict[Any, float] = {}
        self.notifications: list[dict[str, Any]] = []
        self.diagnostics: dict[str, dict[str, Any]] = {}  # uri -> last publishDiagnostics params
        self.server_requests: list[dict[str, Any]] = []
        self.raw_bodies: list[bytes] = []  # everything the server wrote, for leak checks
        self.closed = False
        self._next_id = 0
        assert self.proc.stdout is not None
        assert self.proc.stderr is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True).start()

    # -- transport ---------------------------------------------------------------------------------

    def _read(self, stream: IO[bytes]) -> None:
        try:
            for body in messages(stream):
                self.raw_bodies.append(body)
                self.inbox.put((time.perf_counter(), json.loads(body)))
        finally:
            self.inbox.put(None)

    def _drain(self, stream: IO[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):  # type: ignore[attr-defined]
            self.stderr_chunks.append(chunk)

    @property
    def stderr(self) -> str:
        return b"".join(self.stderr_chunks).decode("utf-8", "replace")

    @property
    def output(self) -> str:
        """Every message body the server sent, as text."""
        return b"\n".join(self.raw_bodies).decode("utf-8", "replace")

    def send_raw(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(frame(body))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise ServerDied(f"cannot write to the server: {exc}") from None

    def send(self, message: Mapping[str, Any]) -> None:
        self.send_raw(json.dumps(message).encode("utf-8"))

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def request(self, method: str, params: Any = None, *, omit_params: bool = False) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if not omit_params:
            message["params"] = params
        self.send(message)
        return self._next_id

    # -- receiving -----------------------------------------------------------------------------------

    def _handle(self, stamp: float, message: dict[str, Any]) -> None:
        if "method" in message and "id" in message:  # a request from the server: answer it
            self.server_requests.append(message)
            result: Any = [None] * len(message.get("params", {}).get("items", [])) or None
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        elif "method" in message:
            self.notifications.append(message)
            if message["method"] == "textDocument/publishDiagnostics":
                params = message.get("params") or {}
                self.diagnostics[params.get("uri", "")] = params
        else:
            self.responses[message.get("id")] = message
            self.answered_at[message.get("id")] = stamp

    def pump(self, until: Callable[[], bool], timeout: float | None = None) -> None:
        """Handle messages until ``until()`` holds (raise NoAnswer / ServerDied otherwise)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while not until():
            if self.closed:
                raise ServerDied(f"the server closed its output (exit code {self.proc.poll()})")
            left = deadline - time.monotonic()
            if left <= 0:
                raise NoAnswer("the server did not answer in time")
            try:
                item = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if item is None:
                self.closed = True
                continue
            self._handle(*item)

    def drain(self) -> None:
        """Handle whatever has arrived, without waiting."""
        while True:
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self.closed = True
                return
            self._handle(*item)

    def response(self, request_id: int, timeout: float | None = None) -> dict[str, Any]:
        self.pump(lambda: request_id in self.responses, timeout)
        return self.responses[request_id]

    def call(self, method: str, params: Any = None, timeout: float | None = None) -> Any:
        """Send a request and wait for its result (raise on an error response)."""
        answer = self.response(self.request(method, params), timeout)
        if "error" in answer:
            raise RuntimeError(f"{method} failed: {answer['error']}")
        return answer.get("result")

    def wait_diagnostics(self, uri: str, version: int | None = None, timeout: float | None = None) -> list[Any]:
        def arrived() -> bool:
            got = self.diagnostics.get(uri)
            return got is not None and (version is None or got.get("version") == version)

        self.pump(arrived, timeout)
        return list(self.diagnostics[uri]["diagnostics"])

    # -- session ---------------------------------------------------------------------------------------

    def initialize(self, root: Path | None = None, capabilities: Mapping[str, Any] | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "processId": os.getpid(),
            "capabilities": dict(capabilities or CAPABILITIES),
            "rootUri": root.as_uri() if root else None,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}] if root else None,
        }
        result = self.call("initialize", params)
        self.notify("initialized", {})
        return dict(result)

    def open(self, uri: str, text: str, version: int = 1) -> None:
        item = {"uri": uri, "languageId": "toml", "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )

    def rss_kb(self) -> int:
        """The server's resident set size (VmRSS) in kB, from /proc."""
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def shutdown(self, timeout: float = 15.0) -> int:
        """shutdown + exit, then the exit code (the process is killed if it lingers)."""
        try:
            if self.alive():
                self.call("shutdown", None, timeout)
                self.notify("exit")
            return self.proc.wait(timeout)
        except (NoAnswer, ServerDied, subprocess.TimeoutExpired, RuntimeError):
            self.kill()
            return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


# -- position helpers ------------------------------------------------------------------------------------


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def lsp_range_of(text: str, line: int, column: int, end_line: int, end_column: int) -> tuple[int, int, int, int]:
    """The LSP (UTF-16) range of a CLI JSON range (1-based, code points, end exclusive).

    A column on the "\\r" of a CRLF is the end of its line, as the server says it.
    """
    lines = text.split("\n")

    def convert(ln: int, col: int) -> tuple[int, int]:
        content = lines[ln - 1] if 0 < ln <= len(lines) else ""
        if content.endswith("\r"):
            content = content[:-1]
        return ln - 1, utf16_units(content[: min(col - 1, len(content))])

    return (*convert(line, column), *convert(end_line, end_column))
