"""The `flash-schema` console script (and `python -m flash_schema`): the CLI, started lean.

Start-up imports click, jsonschema, referencing and attrs and builds the validator: on the
order of 100,000 objects that live as long as the process. While they are created the cycle
collector runs again and again, walks them all and finds nothing to free: about 15 ms of a
200 ms check of one file. So the collector is off while loading; once loaded,
`flash_schema.cli.resume_gc` freezes what exists (no later collection walks it, and forked
workers do not copy it by touching it) and turns the collector back on, so memory stays
bounded however many files one run checks. Library users never go through here.
"""

from __future__ import annotations

import gc


def run() -> None:
    """Run the click CLI with the cycle collector paused for start-up."""
    gc.disable()
    try:
        from flash_schema.cli import main

        main()
    finally:
        gc.enable()
