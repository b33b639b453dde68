"""Cross-key `[train]` rules: GRPO length room (0.2.43), the prompt budget, `save_at_steps`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any

from flash_schema.keywords.errors import FlashError


def _is_count(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _train(instance: Any) -> Mapping[str, Any] | None:
    if not isinstance(instance, Mapping):
        return None
    train = instance.get("train")
    return train if isinstance(train, Mapping) else None


def grpo_length(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-grpo-length`` (0.2.43): the GRPO engine length must leave room for the completion.

    The value holds `max_tokens`' defaults: ``{"completion": 320, "thinking": 1536}``.
    """
    train = _train(instance)
    if not isinstance(value, Mapping) or train is None:
        return
    thinking = instance.get("thinking") is True
    max_length = train.get("max_length")
    max_tokens = train.get("max_tokens", value["thinking"] if thinking else value["completion"])
    if not all(_is_count(v) for v in (max_length, max_tokens)):
        return
    if max_length <= max_tokens:
        yield FlashError(
            f"`{{path}}` = {max_length} leaves no room for the {max_tokens}-token completion; the GRPO "
            "worker will stop with an error",
            path=("train", "max_length"),
        )


def prompt_budget(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-prompt-budget``: `max_context_tokens` must exceed the completion length (GRPO, OPD).

    The value holds the algorithm and its completion defaults: ``{"algorithm": "grpo",
    "completion": 320, "thinking": 1536}``.
    """
    train = _train(instance)
    if not isinstance(value, Mapping) or train is None or "max_context_tokens" not in train:
        return
    context = train["max_context_tokens"]
    thinking = instance.get("thinking") is True
    completion = train.get("max_completion_tokens", value["thinking"] if thinking else value["completion"])
    if not (_is_count(context) and _is_count(completion)):
        return  # a type error on either is reported by its own key
    if context <= completion:
        source = "`max_completion_tokens`" if "max_completion_tokens" in train else "the default completion length"
        yield FlashError(
            f"`{{path}}` = {_num(context)} leaves no prompt budget after {source} ({_num(completion)}) for "
            f"{value['algorithm']}; Flash rejects it at parse time",
            path=("train", "max_context_tokens"),
            args={"hint": f"set `max_context_tokens` above {_num(completion)}"},
        )


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def save_at_steps(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Iterator[FlashError]:
    """``x-flash-save-at-steps`` (on `[train]`): strictly increasing, within a positive `max_steps`."""
    if not value or not isinstance(instance, Mapping):
        return
    steps = instance.get("save_at_steps")
    if not isinstance(steps, list) or not steps:
        return
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in steps):
        return  # entry type and bound errors come from `items`
    path = ("save_at_steps",)
    if any(b <= a for a, b in itertools.pairwise(steps)):
        yield FlashError("`{path}` must be strictly increasing with no duplicates", path=path)
        return
    max_steps = instance.get("max_steps")
    if not (isinstance(max_steps, int) and not isinstance(max_steps, bool)):
        if max_steps is None:
            yield FlashError(
                "`{path}` needs a positive `max_steps` in `[train]`",
                path=path,
                args={"hint": f"set `max_steps` to at least {steps[-1]}"},
            )
        return  # a wrong-typed max_steps has its own error
    if max_steps <= 0:
        yield FlashError(
            "`{path}` needs a positive `max_steps`; `max_steps` = " + str(max_steps) + " means unset",
            path=path,
            args={"hint": f"set `max_steps` to at least {steps[-1]}"},
        )
    elif steps[-1] > max_steps:
        yield FlashError(
            f"`{{path}}` has step {steps[-1]}, beyond `max_steps` = {max_steps}",
            path=path,
            args={"hint": f"raise `max_steps` to {steps[-1]} or drop the later steps"},
        )
