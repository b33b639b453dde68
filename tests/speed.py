"""How hard the property tests push: fully in `make test`, lightly in the quick run a developer
repeats (`pytest -m "not e2e and not slow"`), which tests/conftest.py detects."""

from __future__ import annotations

import os

#: Set by tests/conftest.py when the run deselects the slow tests.
QUICK = os.environ.get("FLASH_SCHEMA_QUICK_RUN") == "1"


def examples(full: int) -> int:
    """Hypothesis examples for a property: ``full`` in a full run, an eighth in the quick run."""
    return max(10, full // 8) if QUICK else full
