"""Make the language server package importable when the project is not installed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parents[2]
for entry in (ROOT, ROOT / "lsp"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

if TYPE_CHECKING:
    from flash_schema.document import Document

CURSOR = "█"


def cursor(text: str) -> tuple[str, int]:
    """Strip the `█` cursor marker; return the text and the marker's offset."""
    assert text.count(CURSOR) == 1, "exactly one cursor marker"
    offset = text.index(CURSOR)
    return text.replace(CURSOR, ""), offset


@pytest.fixture
def at() -> Callable[[str], tuple[Document, int]]:
    """`at("...█...")` -> (Document, offset)."""
    from flash_schema.document import Document

    def make(text: str) -> tuple[Document, int]:
        source, offset = cursor(text)
        return Document.from_text(source), offset

    return make
