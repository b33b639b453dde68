"""Reading config files safely: one clear error for anything that is not a readable file."""

from __future__ import annotations

import os
import stat

#: Larger inputs are refused (exit 2): no real config comes near it, and it bounds memory.
MAX_BYTES = 1024 * 1024


class InputError(Exception):
    """A file that cannot be read as a config (missing, a directory, a FIFO, too large...)."""


def read_config_bytes(path: str, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, or an `InputError` with a one-line reason."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        msg = f"{path}: no such file"
        raise InputError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot read it ({exc.strerror or exc})"
        raise InputError(msg) from None
    if stat.S_ISDIR(st.st_mode):
        msg = f"{path}: is a directory, not a TOML config"
        raise InputError(msg)
    if not stat.S_ISREG(st.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        msg = f"{path}: is {kind}; pass a regular TOML file (or use `-` for standard input)"
        raise InputError(msg)
    if st.st_size > max_bytes:
        msg = f"{path}: is {st.st_size / 2**20:.1f} MiB, over the {max_bytes // 2**20} MiB limit for a config"
        raise InputError(msg)
    try:
        with open(path, "rb") as fh:
            # Ask for the size stat reported (plus one byte to see growth), not the whole limit:
            # read(max_bytes + 1) allocates a 1 MiB buffer per file. A file that grew since, or
            # that reports no size (/proc), is read on up to the limit.
            want = min(st.st_size, max_bytes) + 1
            data = fh.read(want)
            if len(data) == want:
                data += fh.read(max_bytes + 1 - want)
    except OSError as exc:
        msg = f"{path}: cannot read it ({exc.strerror or exc})"
        raise InputError(msg) from None
    if len(data) > max_bytes:
        msg = f"{path}: is over the {max_bytes // (1024 * 1024)} MiB limit for a config"
        raise InputError(msg)
    return data


def peek_text(path: str, max_bytes: int = MAX_BYTES) -> str | None:
    """Up to ``max_bytes`` of the regular file at ``path`` as text (undecodable bytes replaced),
    to decide what the file is; ``None`` when it is not a regular file that can be read."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # never open a FIFO or a device: it could block
        with open(path, "rb") as fh:
            head = fh.read(max_bytes)
    except OSError:
        return None
    return head.decode("utf-8", "replace").removeprefix("\ufeff")
