"""Generating each dialect's JSON Schema from the source in `schema/src/` (a build step)."""
