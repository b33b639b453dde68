"""Selection ranges ("expand selection"): key → key/value pair → its table → the document.

On a value: the value, then each array or inline table around it with its own pair, then the pair
it belongs to. On a header: the segment, the header, then the table. Each range holds the one
before it; equal neighbours are merged.
"""

from __future__ import annotations

from flash_schema.document import Document, Span

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.\"' \t")


def _statement_start(doc: Document, key_start: int) -> int:
    """Where a key/value statement starts: before the dotted parents of its last key segment."""
    text = doc.text
    i = key_start
    while i > 0 and text[i - 1] in _KEY_CHARS:
        i -= 1
    while i < key_start and text[i] in " \t":
        i += 1
    return i


def _trimmed(doc: Document, start: int, end: int) -> Span:
    while end > start and doc.text[end - 1] in " \t\r\n":
        end -= 1
    return Span(start, end)


def _chain(doc: Document, offset: int) -> list[Span]:
    chain: list[Span] = []
    hit = doc.at(offset)
    if hit is not None:
        chain.append(hit.span)
        if hit.kind == "header":
            line_no = doc.position(offset)[0]
            line = doc.line(line_no)
            chain.append(Span(line.start, line.end))
            after = [n for n, _ in doc.declared_tables() if n > line_no]
            stop = doc.line_span(after[0]).start if after else len(doc.text)
            chain.append(_trimmed(doc, line.start, stop))
        else:
            path = hit.path
            for size in range(len(path), 0, -1):
                node = doc.node(path[:size])
                if node is None or node.value is None:
                    continue
                if node.kind in ("array", "inline-table") or size < len(path):
                    chain.append(node.value)
                if node.key is not None:
                    chain.append(Span(_statement_start(doc, node.key.start), node.value.end))
    if hit is None or hit.kind != "header":
        table, start, end = doc.enclosing_table(offset)
        if table or start:
            chain.append(_trimmed(doc, start, end))
    chain.append(Span(0, len(doc.text)))
    out: list[Span] = []
    for span in chain:
        if out and not (span.start <= out[-1].start and out[-1].end <= span.end):
            continue  # not around the last one (a value on a broken line)
        if not out or span != out[-1]:
            out.append(span)
    return out


def selection_ranges(doc: Document, offsets: list[int]) -> list[list[Span]]:
    """For each offset, the ranges an editor grows the selection through, innermost first."""
    return [_chain(doc, offset) for offset in offsets]
