"""The server's log: failures are logged by exception type and stack only, never by message.

``safe`` wraps a handler so that a failure is logged and answered with an empty result.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

logger = logging.getLogger("flash_schema_lsp")
P = ParamSpec("P")
R = TypeVar("R")


def log_failure(name: str, exc: BaseException) -> None:
    """Log that ``name`` failed with ``exc``.

    Type and stack only: an exception's message may quote the document (and its secrets).
    """
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s failed with %s\n%s", name, type(exc).__name__, stack)


def safe(default: Callable[[], Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a handler; if it raises, log that and return ``default()`` instead."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                log_failure(fn.__name__, exc)
                result: R = default()
                return result

        return run

    return wrap


def nothing() -> None:
    """The answer of a failed handler that answers one thing (nothing)."""


def empty() -> list[Any]:
    """The answer of a failed handler that answers a list."""
    return []
