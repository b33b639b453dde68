"""The floor: the least a TOML + JSON Schema check can do (tomllib + jsonschema, nothing else)."""

import json
import sys
import tomllib

import jsonschema

with open(sys.argv[1], encoding="utf-8") as fh:
    schema = json.load(fh)
validator = jsonschema.Draft7Validator(schema)
failed = False
for path in sys.argv[2:]:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    for error in validator.iter_errors(data):
        failed = True
        print(f"{path}: {error.message[:100]}")
sys.exit(1 if failed else 0)
