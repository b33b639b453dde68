"""Suite-wide test setup: end-to-end tests run last.

The helpers beside the tests (casekit, oracle, gen_cases) are importable through pytest's
``pythonpath`` setting; ``flash_schema`` and ``flash_schema_lsp`` (which lives under lsp/) through
the editable install (pyproject.toml's ``dev-mode-dirs``).
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """The quick run (`-m "not e2e and not slow"`) tries fewer examples per property (tests/speed.py)."""
    import os

    expression = str(config.getoption("markexpr", "") or "")
    if "not slow" in expression:
        os.environ["FLASH_SCHEMA_QUICK_RUN"] = "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the end-to-end tests (subprocesses, real editors, peer tools) after all the others."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
