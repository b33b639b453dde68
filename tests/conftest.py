"""Suite-wide test setup: importable helpers, and end-to-end tests run last."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# The data-driven helpers (casekit, corpus, flash_oracle, ours) live beside the tests; the server package
# lives under lsp/ (not importable as `lsp`: PyPI has a package of that name).
for entry in (TESTS, ROOT, ROOT / "lsp"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the end-to-end tests (subprocesses, real editors, peer tools) after all the others."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
