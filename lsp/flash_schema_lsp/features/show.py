"""The "Show resolved config" command: what `flash-schema show` prints for an open document.

The editors ask for it with ``workspace/executeCommand`` (``flash-schema.show``, the document's
URI as the one argument) and open the text read-only: the resolved config as TOML, or, when the
release rejects the document, its diagnostics as `flash-schema check` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flash_schema.document import Document
from flash_schema.releases import Release

COMMAND = "flash-schema.show"


@dataclass(frozen=True, slots=True)
class ShowOutput:
    """The command's answer: ``text`` in ``language`` ("toml", or "plaintext" for diagnostics)."""

    valid: bool
    text: str
    language: Literal["toml", "plaintext"]

    def to_json(self) -> dict[str, object]:
        return {"valid": self.valid, "text": self.text, "language": self.language}


def show_document(doc: Document, release: Release, name: str) -> ShowOutput:
    """`flash-schema show` of ``doc`` (as the file ``name``) for ``release``."""
    from flash_schema.reporting import render_text
    from flash_schema.show import render_toml, show_config

    result = show_config(name, doc, flash_version=release)
    if result.resolved is None:
        return ShowOutput(False, render_text([result.check]), "plaintext")
    return ShowOutput(True, render_toml(result), "toml")
