"""Flash 1.0 corpus, part 5: configs in the style of public repositories pinned to Flash 1.0.0/1.0.1.

Issue 9's survey of 91 such files: `max_context_tokens` (63 files), `max_completion_tokens` (27),
`save_at_steps` with `max_steps` (23), `structured_outputs` (16), `algorithm = "opd"` (15),
`teacher_model`, `seed` (61), and a few keys 1.0.1 does not know yet (`prompts_per_step`,
`credit_assignment`). They are whole files, comments and all, the way people write them
(`real_world_1_0/*.toml`); the oracle says which ones Flash accepts.
"""

from __future__ import annotations

from pathlib import Path

from .toml_doc import Builder

FOLDER = Path(__file__).with_name("real_world_1_0")


def _real_world(b: Builder) -> None:
    for path in sorted(FOLDER.glob("*.toml")):
        b.add(f"real-world/{path.stem}", path.read_text("utf-8"))


FAMILIES = (_real_world,)
