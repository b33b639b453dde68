"""`flash-schema lsp` without its extras: enough JSON-RPC to tell the editor what to install.

When pygls or lsprotocol is missing, the language server cannot start.  Printing a hint on
stderr and exiting leaves the user with "Client 1 quit with exit code 1" (Neovim) or a row of
generic popups (VS Code).  Instead this speaks just enough of the protocol, with the standard
library only: it sends ``window/showMessage`` (an error) with the install command, answers
``initialize`` with an error carrying the same text, answers ``shutdown``, refuses any other
request, and exits 0 on ``exit`` or at the end of its input.

Hand-written rather than a library: the libraries that speak LSP are exactly what is missing.
It reads and writes only the streams it is given; `flash-schema lsp` (the CLI shell) hands it
standard input and output.
"""

from __future__ import annotations

import json
import sys
from typing import Any, BinaryIO

INSTALL = "pip install 'flash-schema[lsp]'"
#: LSP's RequestFailed: the request was well-formed, the server cannot do it.
REQUEST_FAILED = -32803
SERVER_NOT_INITIALIZED = -32002
ERROR = 1  # MessageType.Error
_MAX_BODY = 16 * 1024 * 1024


def missing_extras_message(reason: str) -> str:
    """What to tell the user: the install command first, then where and why."""
    return (
        f"The Flash Schema language server needs its extras: {INSTALL} "
        f"(into the environment of {sys.executable}; {reason})"
    )


def _read_message(stream: BinaryIO) -> dict[str, Any] | bool | None:
    """The next message; ``None`` at the end of the input; ``False`` for one that is not JSON."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                length = None
    if length is None or not 0 <= length <= _MAX_BODY:
        return False
    body = stream.read(length)
    if len(body) < length:
        return None
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    return message if isinstance(message, dict) else False


def _write(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    stream.flush()


def serve(stdin: BinaryIO, stdout: BinaryIO, text: str) -> int:
    """Answer the editor with ``text`` until it says ``exit`` or closes the pipe; the exit code."""
    while True:
        message = _read_message(stdin)
        if message is None:
            return 0
        if message is False:
            continue
        assert isinstance(message, dict)
        method, ident = message.get("method"), message.get("id")
        if method == "exit":
            return 0
        if ident is None:
            continue  # a notification: nothing to do
        if method == "initialize":
            # Before the answer: clients that ignore an initialize error still show this.
            _write(stdout, {"method": "window/showMessage", "params": {"type": ERROR, "message": text}})
            error = {"code": REQUEST_FAILED, "message": text, "data": {"retry": False}}
            _write(stdout, {"id": ident, "error": error})
        elif method == "shutdown":
            _write(stdout, {"id": ident, "result": None})
        else:
            _write(stdout, {"id": ident, "error": {"code": SERVER_NOT_INITIALIZED, "message": text}})
