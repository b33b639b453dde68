"""draft-07 ``allOf``, minus the portable shadows of our custom keywords.

The exported schemas repeat some custom keywords in plain JSON Schema for other tools, in ``allOf``
entries marked ``x-flash-portable`` (see ``flash_schema/schemagen/portable.py``). Each shadow is a
looser form of a rule its keyword states exactly and words better, so our validator skips them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError

PORTABLE = "x-flash-portable"  # = keywords.PORTABLE (this module is imported from there)


def all_of(validator: Any, value: Sequence[Any], instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    for index, subschema in enumerate(value):
        if isinstance(subschema, Mapping) and subschema.get(PORTABLE):
            continue
        yield from validator.descend(instance, subschema, schema_path=index)
