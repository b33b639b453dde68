"""Re-parsing after an edit inside one value: splice the value in, instead of parsing it all.

Typing in a value (``steps = 30`` → ``steps = 300``) is the edit an editor sends most, and on
a big config parsing the whole text again with tomllib costs tens of milliseconds.  When

- the old text parsed cleanly,
- the edit stays on one line, after the start of the value of a ``key = value`` statement
  that the old document has on that line alone (its key and its value on it, so the line is
  no part of a multi-line string or array), and
- the new line, parsed on its own by tomllib, is still exactly that ``key = value``,

the new text parses too, to the old data with that one value replaced.  tomllib reads a
document statement by statement; everything before the statement is unchanged, so it meets
the statement in the same state; the statement still ends on its own line; and since the old
text parsed, no other statement defines that key or anything under it (TOML forbids it
whatever the value is).  A value parses the same on its own line as in the document.

Anything else, or any check that fails, gives ``None``: the caller parses the whole text
(``Document.from_text``, whose result this must always equal: tests/lsp/test_lsp_reparse.py
compares the two on thousands of edits).  Once the checks pass, ``Document.with_value`` makes
the new document.
"""

from __future__ import annotations

import tomllib
from typing import Any

from flash_schema.document import Document, Path
from flash_schema.files import MAX_BYTES


def changed_region(before: str, after: str) -> tuple[int, int, int]:
    """Where ``after`` differs from ``before``: ``(start, old_end, new_end)``.

    ``before[start:old_end]`` was replaced by ``after[start:new_end]`` (common prefix and
    suffix excluded, never overlapping).  Binary search over slice comparisons: a few
    memcmp-speed passes over the text rather than a Python loop per character.
    """
    n = min(len(before), len(after))
    lo, hi = 0, n  # before[:lo] == after[:lo]; they differ within [:hi + 1] (unless hi == n)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if before[lo:mid] == after[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    start = lo
    a, b = len(before), len(after)
    lo, hi = 0, n - start  # the common suffix, not reaching into the common prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if before[a - mid : a - lo] == after[b - mid : b - lo]:
            lo = mid
        else:
            hi = mid - 1
    return start, a - lo, b - lo


def reparse(old: Document, text: str) -> Document | None:
    """``text`` parsed by splicing into ``old`` (see the module doc), or ``None``."""
    if old.syntax_errors or text == old.text or len(text) > MAX_BYTES:
        return None  # (over the limit, Document.from_text refuses the text: let it say so)
    before = old.text
    start, old_end, new_end = changed_region(before, text)
    removed, inserted = before[start:old_end], text[start:new_end]
    if "\n" in removed or "\r" in removed or "\n" in inserted or "\r" in inserted:
        return None
    line_no, _ = old.position(start)
    line = old.line(line_no)
    if line.kind != "key" or line.eq is None or old_end > line.end:
        return None
    table = old.enclosing_table(line.start)[0]
    keys = tuple(s.name for s in line.segments)
    path: Path = (*table, *keys)
    node = old.node(path)
    if node is None or node.key is None or node.value is None:
        return None
    value = node.value
    if not (line.start <= node.key.start and line.eq < value.start <= start and value.end <= line.end):
        return None
    found, old_value = old.value_at(path)
    delta = len(text) - len(before)
    old_line = before[line.start : line.end]
    new_line = text[line.start : line.end + delta]
    try:
        if _only_value(tomllib.loads(old_line), keys) != (True, old_value) or not found:
            return None  # a sanity check: the line on its own says what the document said
        ok, new_value = _only_value(tomllib.loads(new_line), keys)
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return None
    if not ok:
        return None
    return old.with_value(text, path, new_value)


def _only_value(data: dict[str, Any], keys: tuple[str, ...]) -> tuple[bool, Any]:
    """The value of ``keys`` when ``data`` holds nothing else (one table per dotted part)."""
    node: Any = data
    for key in keys:
        if not isinstance(node, dict) or len(node) != 1 or key not in node:
            return False, None
        node = node[key]
    return True, node
