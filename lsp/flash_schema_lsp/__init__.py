"""flash-schema's language server: Flash config diagnostics, hover, completion and quick fixes.

The features in :mod:`flash_schema_lsp.features` are pure functions over the core's ``Document``
and schema index.  Only the server modules speak LSP (pygls/lsprotocol): ``server`` wires the
handlers, ``convert`` turns the features' results into LSP types, ``capabilities`` reads what
the client can do, ``pygls_fixes`` works around pygls; ``documents`` keeps the open documents.
"""

from __future__ import annotations

__all__: list[str] = []
