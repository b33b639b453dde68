"""flash-schema: the schema, validator and language server for Flash training configs."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
