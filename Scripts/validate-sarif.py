#!/usr/bin/env python3
"""Validate a SARIF log against the SARIF 2.1.0 JSON schema.

Usage: validate-sarif.py FILE SCHEMA

Exit 0 when FILE is valid, 1 when it is not (each error on standard error, with where it is), 2 when it
cannot be checked (usage, unreadable file or schema, the jsonschema package missing: `pip install jsonschema`).
"""
import json
import sys


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate-sarif: the Python package jsonschema is missing (pip install jsonschema)", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            document = json.load(f)
        with open(argv[2], encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as error:
        print(f"validate-sarif: {error}", file=sys.stderr)
        return 2
    # The SARIF schema is draft-04; pick the validator it declares, and check formats (uri, date-time…) too.
    validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for error in errors[:50]:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        print(f"{argv[1]}: {where}: {error.message[:300]}", file=sys.stderr)
    if errors:
        print(f"{argv[1]}: {len(errors)} error(s) against {argv[2]}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: valid SARIF 2.1.0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
