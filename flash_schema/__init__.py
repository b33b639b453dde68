"""flash-schema: the schema, validator and language server for Flash training configs.

The library API, for tools that check Flash configs themselves (a CI bot, an editor plugin)::

    import flash_schema

    result = flash_schema.check_file("configs/grpo.toml")  # the release the project pins
    result = flash_schema.check('model = "Qwen/Qwen3.5-9B"\\n', flash_version="1.0")
    if not result.valid:
        for d in result.diagnostics:
            print(d.severity.value, d.code, d.message)

Everything named in ``__all__`` is stable; the submodules are not. Names load on first use, so
``import flash_schema`` stays cheap.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flash_schema.checker import CheckResult
    from flash_schema.diagnostics import Diagnostic, Edit, Fix, Severity
    from flash_schema.document import Document
    from flash_schema.files import InputError
    from flash_schema.fixes import Applied
    from flash_schema.releases import Release, VersionError
    from flash_schema.spans import Span

__version__ = "0.1.0"

__all__ = [
    "Applied",
    "CheckResult",
    "Diagnostic",
    "Document",
    "Edit",
    "Fix",
    "InputError",
    "Release",
    "Severity",
    "Span",
    "VersionError",
    "__version__",
    "check",
    "check_file",
    "detect_release",
    "fix",
    "resolve_release",
]

# name -> (module, attribute): loaded when first asked for (PEP 562)
_LAZY = {
    "CheckResult": ("flash_schema.checker", "CheckResult"),
    "Diagnostic": ("flash_schema.diagnostics", "Diagnostic"),
    "Edit": ("flash_schema.diagnostics", "Edit"),
    "Fix": ("flash_schema.diagnostics", "Fix"),
    "Severity": ("flash_schema.diagnostics", "Severity"),
    "Document": ("flash_schema.document", "Document"),
    "Span": ("flash_schema.spans", "Span"),
    "Applied": ("flash_schema.fixes", "Applied"),
    "InputError": ("flash_schema.files", "InputError"),
    "Release": ("flash_schema.releases", "Release"),
    "VersionError": ("flash_schema.releases", "VersionError"),
    "resolve_release": ("flash_schema.releases", "resolve"),
    "detect_release": ("flash_schema.releases", "detect"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    msg = f"module 'flash_schema' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def check(
    text: str | bytes,
    *,
    flash_version: str | Release | None = None,
    path: str | os.PathLike[str] | None = None,
    overlays: Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]] = (),
    sets: Sequence[str] = (),
) -> CheckResult:
    """Check one config's text as ``flash train`` would, for one Flash release.

    ``flash_version``: a release (``"1.0.1"``), a series (``"1.3"``) or ``"latest"``; without it,
    the release is detected for ``path`` (the nearest pin file above it, the installed
    ``freesolo-flash``, else the newest known). ``path`` also names the file in the result.
    ``overlays``: the ``--config`` files' texts by name, merged in order (a mapping, or (name, text)
    pairs when one is given twice); ``sets`` are
    ``--set KEY=VALUE`` arguments. Raises `VersionError` for a ``flash_version`` that is no release.
    """
    from flash_schema.checker import check_config

    pairs = overlays.items() if isinstance(overlays, Mapping) else overlays
    docs = [(name, _document(content)) for name, content in pairs]
    name = os.fspath(path) if path is not None else "<text>"
    return check_config(name, _document(text), docs, tuple(sets), flash_version=flash_version)


def check_file(
    path: str | os.PathLike[str],
    *,
    flash_version: str | Release | None = None,
    overlays: Sequence[str | os.PathLike[str]] = (),
    sets: Sequence[str] = (),
) -> CheckResult:
    """Check a config file (and ``--config`` overlay files) as ``flash train`` would.

    Reads at most the size limit the CLI reads; raises `InputError` (with a one-line reason) for
    a file it cannot read.
    """
    from flash_schema.files import read_config_bytes

    texts = [(os.fspath(o), read_config_bytes(os.fspath(o))) for o in overlays]
    return check(read_config_bytes(os.fspath(path)), flash_version=flash_version, path=path, overlays=texts, sets=sets)


def fix(result: CheckResult) -> Applied:
    """The certain fixes of a checked config, applied to its text (``Applied.text``); the file is
    not written. Fixes never invent a value: what needs one stays a diagnostic."""
    from flash_schema.fixes import fix_text

    return fix_text(result.document, result.diagnostics)


def _document(content: str | bytes) -> Document:
    from flash_schema.document import Document

    return Document.from_bytes(content) if isinstance(content, bytes) else Document.from_text(content)
