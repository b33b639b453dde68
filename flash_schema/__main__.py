"""`python -m flash_schema` runs the CLI."""

from flash_schema.cli import main

main()
