"""`python -m flash_schema` runs the CLI."""

from flash_schema._entry import run

run()
