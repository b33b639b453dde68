"""The server's log: failures are logged by exception type and stack only, never by message."""

from __future__ import annotations

import logging
import traceback

logger = logging.getLogger("flash_schema_lsp")


def log_failure(name: str, exc: BaseException) -> None:
    """Log that ``name`` failed with ``exc``.

    Type and stack only: an exception's message may quote the document (and its secrets).
    """
    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("%s failed with %s\n%s", name, type(exc).__name__, stack)
