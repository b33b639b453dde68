"""Test-only oracle: ask the real Flash 0.2.43 parser whether it accepts a config.

This module is for the test suite only (differential tests of our schema against Flash); nothing
in ``flash_schema`` may import it. It runs, in-process, the exact code path of
``flash train CONFIG [--config OVERLAY]... [--set KEY=VALUE]... --dry-run``:

1. ``flash.schema.spec_from_file(path, run_id=..., overrides=sets, extra_configs=overlay_paths)``,
   which reads the base file with ``flash.schema.load_toml`` (``tomllib``), deep-merges each
   overlay with ``flash.schema._deep_merge``, applies each ``--set`` with
   ``flash.schema._apply_override`` and then calls ``flash.schema.spec_from_dict``;
2. the dry-run tail of ``flash.cli.commands.cmd_train``: ``json.dumps`` of
   ``{"run_id", "state": "dry_run", "spec": spec.to_dict()}``, which can itself fail (a TOML
   datetime inside ``[environment.params]`` is not JSON serializable).

Exceptions in ``flash.cli.commands._USER_ERRORS`` are what the CLI prints as ``error: <message>``;
anything else is an uncaught traceback (also exit 1), reported here as not ok with the message
``"<ExceptionType>: <text>"``.

Some configs make Flash 0.2.43 loop practically forever in GPU sizing (a GRPO ``max_length`` or
``group_size`` near 2**53 drives ``flash.engine.vram.grpo_kv_floor_gb`` through ~10**15 loop
iterations), so the parse runs under a wall-clock deadline (``TIMEOUT_SECONDS``, via SIGALRM;
only on the main thread, where pytest runs tests). A config that hits the deadline is reported as
not ok (``flash train --dry-run`` never succeeds on it), with ``gpu_sizing`` set when the parse was
stuck inside the sizing code.

The call never touches the network: ``FLASH_NO_UPDATE_CHECK=1`` and ``HF_HUB_OFFLINE=1`` are set
for its duration, ``flash.engine.vram.fetch_hf_params_b`` (the only HF Hub lookup on the parse
path, reached for uncatalogued model ids) is replaced by the offline answer ``None``, and socket
connects/DNS lookups raise. Any attempt to reach the network is an oracle bug and raises
``RuntimeError``. All of this is process-global patching, so calls are serialised with a lock and
everything is restored afterwards.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, NoReturn
from unittest import mock

import flash
import flash.engine.vram as flash_vram
from flash.cli.commands import _USER_ERRORS
from flash.schema import spec_from_file

__all__ = ["FLASH_VERSION", "GPU_SIZING_RE", "TIMEOUT_SECONDS", "FlashVerdict", "flash_verdict"]

FLASH_VERSION = "0.2.43"
if flash.__version__ != FLASH_VERSION:  # pragma: no cover - environment guard
    msg = f"the Flash oracle expects freesolo-flash=={FLASH_VERSION}, found {flash.__version__}"
    raise ImportError(msg)

GPU_SIZING_RE = re.compile(r"^no validated RunPod-provisionable GPU class has >= \d+ GB VRAM$")

# Dry-run passes new_run_id() (`flash-<unixtime>-<8 hex>`); it is never validated, so a fixed value
# in the same format keeps the oracle deterministic.
_DRY_RUN_ID = "flash-0-00000000"
_OFFLINE_ENV = {"FLASH_NO_UPDATE_CHECK": "1", "HF_HUB_OFFLINE": "1"}
_LOCK = threading.Lock()
# A normal parse takes 1-6 ms; the hanging ones never finish.
TIMEOUT_SECONDS = 1.0
# Where Flash's GPU sizing lives (parse step 11): provisional_gpu -> engine.vram / cheapest_gpu.
_SIZING_CODE = ("flash/engine/vram.py", "flash/providers/base.py", "flash/providers/allocator.py")


@dataclass(frozen=True)
class FlashVerdict:
    """What ``flash train X --dry-run`` (0.2.43) says about one config."""

    ok: bool
    """Flash accepts the config (dry-run exit 0)."""
    message: str | None
    """Flash's error message (without the CLI's ``error:`` prefix) when not ok."""
    gpu_sizing: bool
    """The rejection is the GPU-sizing check, which our schema deliberately does not model."""


class _NetworkAttemptError(BaseException):
    """Raised (as a BaseException, so Flash's ``except Exception`` cannot swallow it) on I/O."""


class _DeadlineExceededError(BaseException):
    """Raised from SIGALRM inside a parse that overran ``TIMEOUT_SECONDS``."""


class _Deadline:
    """A SIGALRM deadline around one parse; a no-op off the main thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        del signum, frame
        if self.armed:  # the parse may have finished just before the timer fired
            self.armed = False
            raise _DeadlineExceededError

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGALRM, self._on_alarm)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        finally:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _stuck_in_sizing(tb: TracebackType | None) -> tuple[bool, str]:
    """Whether the innermost frames of a timed-out parse are Flash's GPU sizing, and where."""
    in_sizing, where = False, "?"
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename.replace("\\", "/")
        if filename.endswith(_SIZING_CODE):
            in_sizing = True
        if code.co_filename != __file__:  # skip the alarm handler itself
            where = f"{code.co_name} ({'/'.join(filename.split('/')[-3:])}:{tb.tb_lineno})"
        tb = tb.tb_next
    return in_sizing, where


def _deny_network(*_args: Any, **_kwargs: Any) -> NoReturn:
    msg = "the Flash oracle must not touch the network"
    raise _NetworkAttemptError(msg)


def _offline_fetch_hf_params_b(model_id: str) -> float | None:
    # What fetch_hf_params_b returns with huggingface_hub absent (our venv) or the network down.
    del model_id
    return None


@contextlib.contextmanager
def _sandbox() -> Iterator[Path]:
    """Temp dir + offline env + network block + captured stdio, all undone on exit."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(_LOCK)
        stack.enter_context(mock.patch.dict(os.environ, _OFFLINE_ENV))
        stack.enter_context(mock.patch.object(flash_vram, "fetch_hf_params_b", _offline_fetch_hf_params_b))
        for name in ("connect", "connect_ex", "sendto"):
            stack.enter_context(mock.patch.object(socket.socket, name, _deny_network))
        for name in ("create_connection", "getaddrinfo", "gethostbyname"):
            stack.enter_context(mock.patch.object(socket, name, _deny_network))
        # Flash prints warnings for some unreachable branches; keep test output clean.
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="flash-oracle-"))
        yield Path(tmp)


def _write(path: Path, text: str) -> str:
    # Binary write: no newline translation, so CR/CRLF cases reach tomllib byte-exact. Lone
    # surrogates are passed through so they arrive as invalid UTF-8, as a real file would.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return str(path)


def _dry_run(base: str, overlays: list[str], sets: list[str]) -> None:
    """The ``cmd_train`` dry-run path, minus printing."""
    spec = spec_from_file(base, run_id=_DRY_RUN_ID, overrides=sets, extra_configs=overlays)
    payload = {"run_id": spec.run_id, "state": "dry_run", "spec": spec.to_dict()}
    json.dumps(payload, indent=2)


def flash_verdict(base_text: str, overlays: Sequence[str] = (), sets: Sequence[str] = ()) -> FlashVerdict:
    """Run Flash 0.2.43's dry-run parse on TOML text (plus ``--config`` texts and ``--set`` args).

    ``sets`` are the ``--set`` values as argparse hands them over (``"train.lora_rank=16"``).
    """
    with _sandbox() as tmp:
        base = _write(tmp / "config.toml", base_text)
        extra = [_write(tmp / f"overlay-{i}.toml", text) for i, text in enumerate(overlays)]
        try:
            with _Deadline(TIMEOUT_SECONDS).running():
                _dry_run(base, extra, list(sets))
        except _DeadlineExceededError as exc:
            in_sizing, where = _stuck_in_sizing(exc.__traceback__)
            message = (
                f"timeout: Flash did not finish within {TIMEOUT_SECONDS} s (stuck in {where}); "
                "`flash train --dry-run` hangs on this config"
            )
            return FlashVerdict(False, message, gpu_sizing=in_sizing)
        except _NetworkAttemptError as exc:
            msg = "the Flash oracle tried to reach the network"
            raise RuntimeError(msg) from exc
        except _USER_ERRORS as exc:  # printed by the CLI as `error: <message>`
            message = str(exc)
            return FlashVerdict(False, message, bool(GPU_SIZING_RE.match(message)))
        except Exception as exc:  # the CLI shows a traceback, exit 1
            return FlashVerdict(False, f"{type(exc).__name__}: {exc}", gpu_sizing=False)
    return FlashVerdict(ok=True, message=None, gpu_sizing=False)
