"""Where pygls 2.x falls short for this server, and what we do instead: every pygls patch lives here.

Each workaround is behind a check of pygls's version (checked on pygls 2.1.1; pyproject.toml
allows ``pygls>=2.0,<3``), so a pygls that changes how it works gets its own behaviour back
until the workaround is checked against it:

- ``DROPS_MALFORMED_REQUESTS``: a request whose params do not fit is never answered;
- ``LEAKS_NOTIFICATION_FUTURES``: one Future is kept per didOpen/didChange/didClose;
- ``READS_STDIN_IN_THREADS``: stdin is read in a thread pool, one hand-over per line.

``FlashProtocol`` also makes pygls announce the position encoding ``capabilities`` negotiates
(UTF-8 whenever the client offers it: a choice, not a workaround, that saves converting columns).
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
import threading
from collections.abc import Callable, Generator
from typing import Any, BinaryIO

import pygls
from lsprotocol import types as lsp
from pygls import IS_WASM
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter, run_async
from pygls.protocol import LanguageServerProtocol, lsp_method

from flash_schema_lsp.capabilities import negotiated_encoding
from flash_schema_lsp.logs import logger


def _pygls_version() -> tuple[int, ...]:
    """pygls's version from its ``.dist-info`` folder's name; ``()`` when there is none.

    Not ``importlib.metadata.version``: importing that (and the email parser it uses) would add
    tens of milliseconds to the server's start-up, which an editor waits for.
    """
    site = os.path.dirname(os.path.dirname(pygls.__file__))
    try:
        names = os.listdir(site)
    except OSError:
        return ()
    for name in names:
        m = re.fullmatch(r"pygls-(\d+)\.(\d+)\.(\d+)\S*\.dist-info", name)
        if m is not None:
            return tuple(int(part) for part in m.groups())
    return ()


PYGLS_VERSION = _pygls_version()
# An unknown version (an unusual install) is taken for the one pyproject.toml allows.
_PYGLS_2 = PYGLS_VERSION == () or (2,) <= PYGLS_VERSION < (3,)

#: pygls 2 raises while deserializing a request whose params do not fit, before the request is
#: dispatched, and never answers it: the client waits forever.
DROPS_MALFORMED_REQUESTS = _PYGLS_2
#: pygls 2.1 files the Future of a notification run by a generator handler (its own
#: didOpen/didChange/didClose) under a random id and never removes it: one leaked per keystroke.
LEAKS_NOTIFICATION_FUTURES = _PYGLS_2
#: pygls 2 reads stdin in a thread pool, one hand-over per header line and body, so every message
#: waits for a worker thread and then for the event loop to wake up.
READS_STDIN_IN_THREADS = _PYGLS_2

_ANSWERED = object()  # a request answered with an error while deserializing it


class FlashProtocol(LanguageServerProtocol):
    """pygls's protocol with the workarounds above, preferring UTF-8 positions."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        if not DROPS_MALFORMED_REQUESTS:
            return super().structure_message(data)
        # Answer with the error (InvalidParams) here, where pygls raises it.
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                self._send_response(data["id"], None, exc.to_response_error())
                return _ANSWERED
            raise

    def handle_message(self, message: Any) -> None:
        if message is not _ANSWERED:
            super().handle_message(message)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        if LEAKS_NOTIFICATION_FUTURES and callback == self._check_handler_result:
            # Forget the notification's Future once it is done.
            check = callback

            def forget(future: Any) -> None:
                if not future.cancelled():  # shutdown cancels while iterating over the futures
                    self._request_futures.pop(msg_id, None)
                check(future)

            callback = forget
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Generator[Any, Any, lsp.InitializeResult]:
        # pygls takes the client's first encoding it knows: put ours (capabilities'
        # negotiated_encoding, UTF-8 whenever offered) first, so both agree.
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            chosen = negotiated_encoding(params.capabilities)
            offered = list(general.position_encodings)
            first = [e for e in offered if str(getattr(e, "value", e)).lower() == chosen][:1]
            general.position_encodings = [*first, *(e for e in offered if e not in first)]
        return (yield from super().lsp_initialize(params))


# -- stdin on the event loop -------------------------------------------------------------------------

_READ_LIMIT = 1 << 20  # bytes the reader buffers before it pauses the pipe (and longest header line)


def separate_pipe(stdin: BinaryIO, stdout: BinaryIO) -> bool:
    """Whether stdin is a pipe of its own (safe to make non-blocking for the event loop).

    POSIX only: Windows' event loop cannot watch the anonymous pipes editors start servers with.
    """
    if os.name != "posix":
        return False
    try:
        inp, out = os.fstat(stdin.fileno()), os.fstat(stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (e.g. tests' in-memory streams)
        return False
    return stat.S_ISFIFO(inp.st_mode) and (inp.st_dev, inp.st_ino) != (out.st_dev, out.st_ino)


def reads_stdin_on_the_loop(stdin: BinaryIO, stdout: BinaryIO) -> bool:
    """Whether ``serve_pipe`` should replace pygls's stdio reader for these streams.

    A pipe (what editors give their servers) can be watched by the event loop directly: the
    loop wakes once per message, with no thread involved.  Anything else (a file, a terminal,
    a socket, Windows, WebAssembly) keeps pygls's reader.
    """
    return READS_STDIN_IN_THREADS and not IS_WASM and separate_pipe(stdin, stdout)


def serve_pipe(
    protocol: LanguageServerProtocol,
    stdin: BinaryIO,
    stdout: BinaryIO,
    stop: threading.Event,
    error_handler: Callable[[Exception, type[Any]], Any],
) -> None:
    """Serve ``protocol`` over a piped stdin read on the event loop, until ``stop`` is set or input ends.

    ``stop`` is the event pygls's ``shutdown`` sets (the server's ``_stop_event``).
    """
    protocol.set_writer(StdoutWriter(stdout))
    asyncio.run(_serve(protocol, stdin.fileno(), stop, error_handler))


async def _serve(
    protocol: LanguageServerProtocol,
    fd: int,
    stop: threading.Event,
    error_handler: Callable[[Exception, type[Any]], Any],
) -> None:
    loop = asyncio.get_running_loop()
    stream = asyncio.StreamReader(limit=_READ_LIMIT, loop=loop)
    pipe = open(fd, "rb", buffering=0, closefd=False)  # noqa: SIM115 (the transport closes it)
    transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream, loop=loop), pipe)
    try:
        await run_async(
            stop_event=stop,
            reader=_PipeReader(stream),
            protocol=protocol,
            logger=logger,
            error_handler=error_handler,
        )
    finally:
        transport.close()
        os.set_blocking(fd, True)  # the pipe's flags are shared with whoever else holds it


class _PipeReader:
    """An ``asyncio.StreamReader`` as pygls's reader: end of input reads as ``b""``, as pygls expects."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self._stream = stream

    async def readline(self) -> bytes:
        try:
            return await self._stream.readline()
        except ValueError:  # a "line" longer than the limit: no client sends one
            return b""

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self._stream.readexactly(n)
        except asyncio.IncompleteReadError:  # the client went away mid-message
            return b""
