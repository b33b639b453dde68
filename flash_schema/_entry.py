"""The `flash-schema` console script (and `python -m flash_schema`): the CLI, started lean
(see `flash_schema.startup` for why the cycle collector is paused while it loads)."""

from __future__ import annotations

from flash_schema import startup


def run() -> None:
    """Run the click CLI with the cycle collector paused for start-up."""
    startup.pause()
    try:
        from flash_schema.cli import main

        main()
    finally:
        startup.resume()
