"""The cycle collector around start-up: the one place flash-schema tunes it (CLI and server).

Start-up imports click, jsonschema, referencing and attrs (and pygls with lsprotocol for the
server) and builds the validator: on the order of 100,000 objects that live as long as the
process. While they are created the cycle collector runs again and again, walks them all and finds
nothing to free: about 15 ms of a 200 ms check. So the console script pauses the collector for
start-up (`pause`); once everything long-lived is loaded, `loaded` freezes it (no later collection
walks it again, and forked workers do not copy it by touching it) and turns the collector back on,
so memory stays bounded however long the process runs. Library users never go through here.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Start-up begins: no cycle collection until `loaded`."""
    gc.disable()


def paused() -> bool:
    """Whether the console script paused the collector (not so for tests or a library user)."""
    return not gc.isenabled()


def loaded() -> None:
    """Start-up is over: freeze what exists and collect again from here on."""
    gc.freeze()
    gc.enable()


def resume() -> None:
    """Collect again without freezing (start-up ended early: an error, `--help`)."""
    gc.enable()


def freeze_more() -> None:
    """Freeze objects built after start-up that live as long as the process (the server's
    schema index), when start-up froze at all (in the server process, not in a test's)."""
    if gc.get_freeze_count():
        gc.freeze()
