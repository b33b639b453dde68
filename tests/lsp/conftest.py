"""The `█` cursor marker of the in-process feature tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

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
