"""flash-schema's language server: Flash config diagnostics, hover, completion and quick fixes.

Only :mod:`flash_schema_lsp.server` speaks LSP (pygls/lsprotocol); the features in
:mod:`flash_schema_lsp.features` are pure functions over the core's ``Document``.
"""

from __future__ import annotations

__all__: list[str] = []
