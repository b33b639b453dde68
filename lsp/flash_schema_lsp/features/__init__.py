"""Pure LSP features over the core's Document and schema index (no pygls, no lsprotocol)."""

from __future__ import annotations

__all__: list[str] = []
