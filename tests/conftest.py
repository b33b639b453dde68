"""Suite-wide test setup: end-to-end tests run last; the real Flash releases' verdicts, asked once.

The helpers beside the tests (casekit, ours, flash_oracle, corpus, speed) are importable through pytest's
``pythonpath`` setting; ``flash_schema`` and ``flash_schema_lsp`` (which lives under lsp/) through
the editable install (pyproject.toml's ``dev-mode-dirs``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from flash_oracle import FlashVerdict, OracleInput


def pytest_configure(config: pytest.Config) -> None:
    """The quick run (`-m "not e2e and not slow"`) tries fewer examples per property (tests/speed.py)."""
    import os

    expression = str(config.getoption("markexpr", "") or "")
    if "not slow" in expression:
        os.environ["FLASH_SCHEMA_QUICK_RUN"] = "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the end-to-end tests (subprocesses, real editors, peer tools) after all the others."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def verdicts(request: pytest.FixtureRequest) -> Callable[[str, OracleInput], FlashVerdict]:
    """Flash's verdict on a case of a dialect's corpus (generated and hand cases): every dialect a
    selected test is parametrized with (``dialect``) is asked at once, once per session, the
    releases' oracles side by side."""
    from corpus import DIALECTS, generate
    from corpus.hand import hand_cases
    from flash_oracle import DIALECTS as RELEASES
    from flash_oracle import cached, verdicts_many

    selected = set()
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("dialect") in DIALECTS:
            selected.add(callspec.params["dialect"])
    verdicts_many({RELEASES[d]: [*generate(d), *hand_cases(d)] for d in sorted(selected)})
    return lambda dialect, case: cached(RELEASES[dialect], case)
