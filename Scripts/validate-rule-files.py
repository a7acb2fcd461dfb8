#!/usr/bin/env python3
"""Validates mustard rule files (or suppression files with --suppress) against the JSON Schema in docs/.

mustard checks the same when it loads a file, with line numbers; this is for editors and CI that speak JSON Schema.
Usage: validate-rule-files.py [--suppress] SCHEMA FILE...   (exit 1 when a file is invalid)
"""
import datetime
import sys

import jsonschema
import yaml


def plain(value):
    # YAML reads 2026-12-31 as a date; the schema (like mustard) wants the text.
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main(argv):
    args = [a for a in argv if a != "--suppress"]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0]) as f:
        import json
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in args[1:]:
        with open(path) as f:
            document = plain(yaml.safe_load(f))
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        for error in errors:
            print(f"{path}: {'/'.join(str(p) for p in error.path) or '(top)'}: {error.message}")
        bad += bool(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
