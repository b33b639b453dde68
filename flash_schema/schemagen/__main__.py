"""`python -m flash_schema.schemagen [--check] [SCHEMA_DIR]`: regenerate (or check) `schema/`."""

from __future__ import annotations

import sys
from pathlib import Path

from flash_schema.schemagen.write import write_or_check


def main(argv: list[str]) -> int:
    check = "--check" in argv
    rest = [a for a in argv if a != "--check"]
    root = Path(rest[0]) if rest else Path(__file__).resolve().parents[2] / "schema"
    code, message = write_or_check(root, check_only=check)
    sys.stdout.write(message + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
