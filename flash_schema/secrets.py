"""Recognise secret-looking values, and redact them from anything we show."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

# Well-known credential shapes: (what it looks like, pattern).
_KNOWN_SOURCES = (
    ("an OpenAI-style API key", r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}"),
    ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    ("a Hugging Face token", r"\bhf_[A-Za-z0-9]{20,}"),
    ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{30,}"),
    ("a Stripe key", r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("a JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    ("a W&B API key", r"\b[0-9a-f]{40}\b"),
)
# Every shape above needs at least this many characters: shorter text is never compiled against.
SHORTEST = 20


@functools.cache
def _candidate() -> re.Pattern[str]:
    # Every shape above, and every long random token, holds a run of at least 15 token
    # characters ([A-Za-z0-9_+/=.-]; the shortest is a Slack token, `xoxb-` and 10 more) or
    # `-----BEGIN`: one search rules out most text before the shapes are tried one by one.
    return re.compile(r"[A-Za-z0-9_+/=.-]{15}|-----BEGIN")


@functools.cache
def _known() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Compiled on first use: most configs hold no long string at all.
    return tuple((kind, re.compile(src)) for kind, src in _KNOWN_SOURCES)


@functools.cache
def _token() -> re.Pattern[str]:
    # A long run of token characters: a candidate for the entropy test.
    return re.compile(r"[A-Za-z0-9_+/=.-]{32,}")


_MIN_ENTROPY = 3.5  # bits per character; English words and paths stay well below


def _entropy(text: str) -> float:
    counts = Counter(text)
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _high_entropy(token: str) -> bool:
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    # Paths and URLs are long but not secret; a token has no path separators every few chars.
    looks_path = token.count("/") >= 2 or token.count(".") >= 3
    return has_digit and has_alpha and not looks_path and _entropy(token) >= _MIN_ENTROPY


def secret_kind(value: str) -> str | None:
    """What a secret-looking ``value`` looks like ("a GitHub token"), or ``None``."""
    if len(value) < SHORTEST or _candidate().search(value) is None:
        return None
    for kind, pattern in _known():
        if pattern.search(value):
            return kind
    for match in _token().finditer(value):
        if _high_entropy(match.group()):
            return "a long random token"
    return None


def _spans(text: str) -> list[tuple[int, int]]:
    if len(text) < SHORTEST or _candidate().search(text) is None:
        return []
    spans = [m.span() for _, p in _known() for m in p.finditer(text)]
    spans += [m.span() for m in _token().finditer(text) if _high_entropy(m.group())]
    return sorted(spans)


def redact(text: str) -> str:
    """``text`` with every secret-looking run replaced by ``****`` (keeping 3 leading chars)."""
    spans = _spans(text)
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for begin, end in spans:
        if end <= pos:
            continue
        start = max(begin, pos)
        out.append(text[pos:start])
        out.append(text[start : min(start + 3, end)] + "****")
        pos = end
    out.append(text[pos:])
    return "".join(out)
