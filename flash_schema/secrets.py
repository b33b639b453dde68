"""Recognise secrets, and redact them from anything we show.

A value is a secret when one of three things says so, in this order:

1. **A known credential format**: a provider's prefix and body (OpenAI ``sk-proj-…``, Anthropic
   ``sk-ant-api03-…``, Hugging Face ``hf_…``, GitHub ``ghp_…``/``github_pat_…``, AWS ``AKIA…``,
   Slack ``xox…``, Google ``AIza…``, Stripe, a JSON Web Token, a private key block, Flash's own
   ``fslo_…`` keys and a few more).  These are secrets wherever they appear.
2. **Context**: a key named like a credential (``*_API_KEY``, ``*_TOKEN``, ``*_SECRET``,
   ``PASSWORD``…) holding a value shaped like one (not a placeholder such as ``"${HF_TOKEN}"``, a
   variable name, a path, a URL or a model id).  Some formats mean nothing without it: a W&B API
   key is 40 hex digits, exactly like a git commit SHA, and an AWS secret access key is 40
   characters of base64.  In free text (a message, a source line, a ``--set`` argument) the
   context is an assignment: ``NAME = value``, ``NAME=value``, ``NAME: value``.
3. **A long random token** (the fallback): a run of at least 20 letters and digits, with upper
   case, lower case and digits, whose character class changes as often as chance makes it
   (``q7Rz…``), with high entropy.  Names never pass: Hugging Face model ids, dataset and run
   names, paths and URLs are words, numbers and separators; hex (git SHAs, checksums, UUIDs)
   has no upper and lower case mixed.

Redaction keeps three leading characters and replaces the rest by ``****``.  It is linear in
the length of the text: every pattern starts at a token boundary (a lookbehind) and its
repetitions are possessive, so no position of the text is scanned more than a fixed number of
times, whatever the text (tests/test_secrets.py times a megabyte of adversarial input).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

#: The shortest value that can be a secret (a short password under a key named like one).
SHORTEST = 8
#: The shortest credential of a known format (a Slack token), or long random token, is longer.
_SHORTEST_ALONE = 15
# Without context, a secret has 7 letters or digits in a row somewhere (a random body, `PRIVATE`
# in a key block), or is an assignment (`TOKEN=…`): most values of a config are ruled out at once.
_MAYBE_ALONE = re.compile(r"[A-Za-z0-9]{7}|[=:]")

# -- 1. known formats ---------------------------------------------------------------------------

# (kind, pattern); each pattern starts with a literal prefix and is tried only at a token start.
_KNOWN_SOURCES: tuple[tuple[str, str], ...] = (
    ("an Anthropic API key", r"sk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_-]{20,}+"),
    ("an OpenAI API key", r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}+"),
    ("an OpenAI-style API key", r"sk-[A-Za-z0-9]{32,}+(?![_-])"),
    ("a GitHub token", r"gh[pousr]_[A-Za-z0-9]{20,}+"),
    ("a GitHub token", r"github_pat_[A-Za-z0-9_]{22,}+"),
    ("a GitLab token", r"glpat-[A-Za-z0-9_-]{20,}+"),
    ("a Hugging Face token", r"hf_[A-Za-z0-9]{20,}+"),
    ("a Hugging Face token", r"api_org_[A-Za-z0-9]{20,}+"),
    ("a Flash API key", r"fslo_[A-Za-z0-9_-]{20,}+"),
    ("an AWS access key id", r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![0-9A-Za-z])"),
    ("a Slack token", r"xox[abposre]-[A-Za-z0-9-]{10,}+"),
    ("a Slack token", r"xapp-[0-9]-[A-Za-z0-9-]{10,}+"),
    ("a Google API key", r"AIza[0-9A-Za-z_-]{30,}+"),
    ("a Stripe key", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}+"),
    ("a Stripe webhook secret", r"whsec_[A-Za-z0-9]{24,}+"),
    ("an npm token", r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
    ("a PyPI token", r"pypi-AgE[A-Za-z0-9_-]{50,}+"),
    ("a Replicate token", r"r8_[A-Za-z0-9]{30,}+"),
    ("a Groq API key", r"gsk_[A-Za-z0-9]{40,}+"),
    ("a Perplexity API key", r"pplx-[A-Za-z0-9]{40,}+"),
    ("an xAI API key", r"xai-[A-Za-z0-9]{40,}+"),
    ("a SendGrid API key", r"SG\.[A-Za-z0-9_-]{16,}+\.[A-Za-z0-9_-]{30,}+"),
    ("a JSON Web Token", r"eyJ[A-Za-z0-9_-]{8,}+\.eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+"),
    ("a private key", r"-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----"),
)
_KNOWN_KINDS = tuple(kind for kind, _ in _KNOWN_SOURCES)

# Characters a token is made of; a known format starts where none of them precedes it.
_TOKEN_CHARS = "A-Za-z0-9_+/=.~-"


@functools.cache
def _known() -> re.Pattern[str]:
    # Compiled on first use: most configs hold no long string at all.  One alternation, each
    # branch a named group, tried only at a token boundary.
    branches = "|".join(f"(?P<k{i}>{src})" for i, (_, src) in enumerate(_KNOWN_SOURCES))
    return re.compile(rf"(?<![A-Za-z0-9_-])(?:{branches})")


_END_KEY = "-----END "


def _known_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for m in _known().finditer(text):
        assert m.lastgroup is not None
        kind = _KNOWN_KINDS[int(m.lastgroup[1:])]
        end = m.end()
        if kind == "a private key":
            # The key is the block after the header: mask through its END line (or to the end).
            close = text.find(_END_KEY, end)
            end = len(text) if close < 0 else text.find("-----", close + len(_END_KEY)) + 5
            end = len(text) if end < 5 else end
            spans.append((m.start(), end, kind))
            break  # everything after is masked already
        spans.append((m.start(), end, kind))
    return spans


# -- 2. context -------------------------------------------------------------------------------

# Name parts (after splitting on `_`, `-`, `.`, spaces and camelCase) that make a credential name.
_SECRET_PARTS = frozenset(
    {
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "PWD",
        "CREDENTIAL",
        "CREDENTIALS",
        "APIKEY",
        "PRIVATEKEY",
        "ACCESSKEY",
        "SECRETKEY",
        "AUTHTOKEN",
        "ACCESSTOKEN",
        "PAT",
        "BEARER",
    }
)
# `KEY` is a credential name only beside one of these (`OPENAI_API_KEY`, `WANDB_KEY`), not in
# `prompt_key`, `answer_key` or `cache_key`.
_KEY_QUALIFIERS = frozenset(
    {
        "API",
        "SECRET",
        "PRIVATE",
        "ACCESS",
        "INTERNAL",
        "AUTH",
        "SIGNING",
        "ENCRYPTION",
        "SSH",
        "DEPLOY",
        "GPG",
        "PGP",
        "RSA",
        "PEM",
        "SSL",
        "TLS",
        "SERVICE",
        "CLIENT",
        "MASTER",
        "LICENSE",
        "WANDB",
        "OPENAI",
        "ANTHROPIC",
        "HF",
        "HUGGINGFACE",
        "GROQ",
        "TOGETHER",
        "MISTRAL",
        "COHERE",
        "GEMINI",
        "GOOGLE",
        "STRIPE",
        "FREESOLO",
        "FLASH",
    }
)
# Token names a tokenizer uses (`eos_token`): never credentials whatever their value.
_NOT_SECRET_PARTS = frozenset({"EOS", "BOS", "PAD", "UNK", "SEP", "CLS", "MASK", "SPECIAL"})
_NAME_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


@functools.lru_cache(maxsize=1024)
def _name_parts(name: str) -> tuple[str, ...]:
    return tuple(p.upper() for p in _NAME_SPLIT.split(name) if p)


# Every credential name holds one of these (upper-cased): most names are ruled out at once.
_NAME_HINTS = ("TOKEN", "SECRET", "PASS", "PWD", "CREDENTIAL", "KEY", "PAT", "BEARER")


@functools.lru_cache(maxsize=1024)
def is_secret_name(name: str) -> bool:
    """Whether a key or variable ``name`` says its value is a credential (``OPENAI_API_KEY``)."""
    upper = name.upper()
    if not any(hint in upper for hint in _NAME_HINTS):
        return False
    parts = _name_parts(name)
    if not parts or any(p in _NOT_SECRET_PARTS for p in parts):
        return False
    if any(p in _SECRET_PARTS for p in parts):
        return True
    return "KEY" in parts and any(p in _KEY_QUALIFIERS for p in parts)


def _is_wandb_name(name: str) -> bool:
    return "WANDB" in _name_parts(name)


_PLACEHOLDER_WORDS = ("your", "example", "placeholder", "changeme", "change-me", "change_me", "redacted", "dummy")
_REFERENCE = re.compile(r"[$%@<{]|env:|vault:|secret:|ref\+|file:", re.IGNORECASE)
_ENV_NAME = re.compile(r"[A-Z]+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64_40 = re.compile(r"[A-Za-z0-9/+]{40}")
_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _placeholder(value: str) -> bool:
    lower = value.lower()
    if any(w in lower for w in _PLACEHOLDER_WORDS) or len(set(lower) - set("-_.")) <= 2:
        return True  # "your-token-here", "xxxxxxxx", "********"
    return _REFERENCE.match(value) is not None or _ENV_NAME.fullmatch(value) is not None


def _name_like(value: str) -> bool:
    """Words, numbers and separators: a model id, a dataset, a run name, a path or a URL."""
    if "://" in value or value.startswith(("/", "./", "../", "~/")):
        return True
    parts = [p for p in re.split(r"[-_./:@+]", value) if p]
    return len(parts) > 1 and all(_wordish(p) for p in parts)


def _wordish(part: str) -> bool:
    """A word, a number, a short code (`8B`, `v0`) or camelCase words (`DeepSeek`, `HuggingFaceH4`)."""
    if len(part) <= 5:
        return True
    pieces = _PIECE.findall(part)
    return sum(map(len, pieces)) == len(part) and (len(pieces) <= 2 or len(part) / len(pieces) >= 3)


def _credential_shaped(value: str, name: str) -> bool:
    """Whether ``value``, stored under the credential name ``name``, can be the credential itself."""
    if len(value) < SHORTEST or len(value) > 16384 or any(c.isspace() for c in value):
        return False
    if _placeholder(value):
        return False
    if any(p in _name_parts(name) for p in ("PASSWORD", "PASSWD", "PASSPHRASE", "PWD")):
        return True  # a password can be anything
    return not _name_like(value)


def _context_kind(value: str, name: str, path: Sequence[str | int] = ()) -> str | None:
    """What ``value`` is as the value of the credential name ``name`` (``None``: not a credential)."""
    if not is_secret_name(name) or not _credential_shaped(value, name):
        return None
    wandb = _is_wandb_name(name) or any(isinstance(p, str) and p.lower() == "wandb" for p in path)
    if wandb and len(value) == 40 and _HEX.fullmatch(value):
        return "a W&B API key"
    if "AWS" in _name_parts(name) and _BASE64_40.fullmatch(value):
        return "an AWS secret access key"
    return "a credential (its key is named like one)"


# An assignment in free text: a name (bounded, starting at a token boundary), an optional
# closing quote or backtick, `=` or `:`, an optional opening quote, then the value.
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9_.-])([A-Za-z_][A-Za-z0-9_.-]{0,80}+)[\"'`\]]?[ \t]{0,16}+[=:][ \t]{0,16}+[\"']?"
    r"([^\s\"'`,;{}\[\]]{1,16384}+)"
)


def _context_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for m in _ASSIGNMENT.finditer(text):
        name = m.group(1).rsplit(".", 1)[-1]
        value = m.group(2)
        kind = _context_kind(value, name)
        if kind is not None:
            spans.append((m.start(2), m.end(2), kind))
    return spans


# -- 3. long random tokens ----------------------------------------------------------------------

_RUN = re.compile(rf"[{_TOKEN_CHARS}]{{20,}}+")
_SEPARATORS = re.compile(r"[_+/=.~-]+")
_MIN_PART = 16  # letters and digits in a row (or in a token whose separators are few)
_MIN_ENTROPY = 3.5  # bits per character
_MAX_PIECE = 3.0  # mean length of its words and numbers; a name's are longer (`Llama`, `Instruct`)


def _entropy(text: str) -> float:
    n = len(text)
    return -sum(k / n * math.log2(k / n) for k in Counter(text).values())


def _random_part(part: str) -> bool:
    if len(part) < _MIN_PART or not part.isascii() or not part.isalnum():
        return False
    if not (any(c.isupper() for c in part) and any(c.islower() for c in part)):
        return False  # hex (SHAs, UUIDs, checksums), numbers and names in one case
    pieces = _PIECE.findall(part)
    return len(part) / len(pieces) < _MAX_PIECE and _entropy(part) >= _MIN_ENTROPY


def looks_random(token: str) -> bool:
    """Whether ``token`` (a run of letters, digits and ``_+/=.~-``) holds a long random string.

    Each separator-free part is tried, and the whole token without its separators when they
    are few (base64 has a `+` or `/` every 32 characters on average; a name has a separator
    every few).  A part is random when it mixes upper and lower case, has high entropy, and
    splits into short pieces: `q7Rz…` is `q`, `7`, `Rz`…, while `Llama3Checkpoint` is `Llama`,
    `3`, `Checkpoint`.  On uniformly random tokens of 20 to 64 characters this misses under
    2% of those of 24 characters or more; on the 50,669 distinct 20+ character tokens of the
    Python packages this project installs it fires on 10 (abbreviated C identifiers).
    """
    parts = [p for p in _SEPARATORS.split(token) if p]
    if any(_random_part(p) for p in parts):
        return True
    separators = len(parts) - 1
    return separators > 0 and "." not in token and len(token) >= 8 * separators and _random_part("".join(parts))


def _random_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "a long random token") for m in _RUN.finditer(text) if looks_random(m.group())]


# -- the API ------------------------------------------------------------------------------------


def secret_kind(value: str, path: Sequence[str | int] = ()) -> str | None:
    """What a secret ``value`` looks like ("a GitHub token"), or ``None`` when it is no secret.

    ``path`` is where the value is (``("worker_env", "WANDB_API_KEY")``): its last name is the
    context that makes a value shaped like a credential one.
    """
    if len(value) < SHORTEST:
        return None
    alone = len(value) >= _SHORTEST_ALONE and _MAYBE_ALONE.search(value) is not None
    for _, _, kind in _known_spans(value) if alone else ():
        return kind
    name = next((p for p in reversed(path) if isinstance(p, str)), None)
    if name is not None:
        named = _context_kind(value.strip(), name, path)
        if named is not None:
            return named
    if not alone:
        return None
    for _, _, kind in _context_spans(value):
        return kind  # the value itself is an assignment: "API_TOKEN=…"
    for _, _, kind in _random_spans(value):
        return kind
    return None


def secret_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every secret in ``text``, sorted and not overlapping."""
    if len(text) < SHORTEST:
        return []
    found = sorted((b, e) for b, e, _ in (*_known_spans(text), *_context_spans(text), *_random_spans(text)))
    merged: list[tuple[int, int]] = []
    for begin, end in found:
        if merged and begin < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


_KEEP = 3
_MASK = "****"


def redact_mapped(text: str) -> tuple[str, Callable[[int], int]]:
    """``text`` redacted, and a function from an offset in ``text`` to one in the result.

    An offset inside a masked secret maps into its mask (so a caret still points at it).
    """
    spans = secret_spans(text)
    if not spans:
        return text, lambda offset: offset
    out: list[str] = []
    starts: list[tuple[int, int, int]] = []  # (start in text, end in text, start in the result)
    pos = shown = 0
    for begin, end in spans:
        out.append(text[pos:begin])
        shown += begin - pos
        piece = text[begin : min(begin + _KEEP, end)] + _MASK
        starts.append((begin, end, shown))
        out.append(piece)
        shown += len(piece)
        pos = end
    out.append(text[pos:])

    def where(offset: int) -> int:
        delta = 0
        for begin, end, at in starts:
            if offset < begin:
                break
            if offset < end:
                return at + min(offset - begin, _KEEP + len(_MASK))
            delta = at + (_KEEP if end - begin > _KEEP else end - begin) + len(_MASK) - end
        return offset + delta

    return "".join(out), where


def redact(text: str) -> str:
    """``text`` with every secret replaced by ``****`` (keeping 3 leading characters)."""
    return redact_mapped(text)[0]
