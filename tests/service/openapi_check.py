#!/usr/bin/python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
#
# Checks docs/openapi.yaml against what vigild really does, for
# tests/service/openapi_test.cc. An independent reader of the spec: PyYAML
# and Debian's python3-jsonschema (JSON Schema 2020-12, OpenAPI 3.1's
# dialect), run by /usr/bin/python3.
#
#   openapi_check.py routes SPEC ROUTES_JSON
#       ROUTES_JSON: [{"template": "/v1/evaluate", "method": "POST",
#       "open": false, "scopes": ["evaluate"]}, ...], the router's routes:
#       `open` without a key by default, `scopes` the ones a key needs (any
#       of them) when the config makes every route that can require a key
#       do so. Exit 0 iff they and the spec's operations (path + method) are
#       the same set, and each operation's `security` says the same: open
#       ([] or an alternative {}) and the scopes of its alternatives; else
#       each difference on stderr, exit 1.
#
#   openapi_check.py responses SPEC RECORDS_JSON
#       RECORDS_JSON: [{"template", "method", "status", "content_type",
#       "headers": {lower-case name: value}, "body", "request_body"}, ...],
#       real requests and responses of vigild. Each response must be
#       documented: the operation's response for that status (or its
#       `default`, for an error status), its media type, its schema (the
#       body, parsed if JSON), and the headers it lists (present if
#       `required`, valid if present). A path that is no
#       route (404) or a route called with another method (405) has no
#       operation: its body must be an `Error`. A JSON request body that
#       vigild accepted (2xx) must validate against the operation's request
#       schema; one it refused as an unknown field (422 "...: unknown field")
#       must not. Exit 0 iff all pass; else every failure on stderr, exit 1.
import json
import sys

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def operations(spec):
    return {(path, method.upper())
            for path, item in spec.get("paths", {}).items()
            for method in item if method in METHODS}


def spec_access(spec, path, method):
    """(open, scopes) of an operation's security (or the spec's default)."""
    op = spec["paths"][path][method.lower()]
    security = op.get("security", spec.get("security", []))
    is_open = security == [] or {} in security
    scopes = set()
    for requirement in security:
        for names in requirement.values():
            scopes.update(names)
    return is_open, scopes


def check_routes(spec, routes_path):
    with open(routes_path, encoding="utf-8") as f:
        listed = json.load(f)
    routes = {(r["template"], r["method"]) for r in listed}
    ops = operations(spec)
    failures = []
    for path, method in sorted(routes - ops):
        failures.append(f"route {method} {path}: not in the spec")
    for path, method in sorted(ops - routes):
        failures.append(f"spec {method} {path}: no such route in vigild")
    for r in listed:
        if (r["template"], r["method"]) not in ops:
            continue
        is_open, scopes = spec_access(spec, r["template"], r["method"])
        if is_open != r["open"] or scopes != set(r["scopes"]):
            failures.append(
                f"{r['method']} {r['template']}: the spec's security says "
                f"open={is_open} scopes={sorted(scopes)}, vigild "
                f"open={r['open']} scopes={sorted(r['scopes'])}")
    return failures, f"{len(routes)} routes, {len(ops)} operations"


class Checker:
    def __init__(self, spec):
        self.spec = spec
        self.resolver = jsonschema.RefResolver.from_schema(spec)

    def deref(self, obj):
        while isinstance(obj, dict) and "$ref" in obj:
            obj = self.resolver.resolve(obj["$ref"])[1]
        return obj

    def schema_errors(self, schema, instance):
        validator = jsonschema.Draft202012Validator(
            schema, resolver=self.resolver,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        return sorted(
            f"{'/'.join(str(p) for p in e.absolute_path) or '(body)'}: {e.message[:300]}"
            for e in validator.iter_errors(instance))

    def response_for(self, rec):
        """The spec's response object for a record, or an error string."""
        item = self.spec["paths"].get(rec["template"], {})
        op = item.get(rec["method"].lower())
        status = rec["status"]
        if op is None:
            if (status == 404 and rec["template"] not in self.spec["paths"]) or (
                    status == 405 and item):
                return {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}}
            return f"no operation {rec['method']} {rec['template']} in the spec"
        responses = op.get("responses", {})
        response = responses.get(str(status))
        if response is None and status >= 400:
            response = responses.get("default")
        if response is None:
            return f"status {status} is not documented"
        return self.deref(response)

    def check_request(self, rec):
        """The request body against the operation's request schema."""
        op = self.spec["paths"].get(rec["template"], {}).get(rec["method"].lower())
        body = rec.get("request_body", "")
        if op is None or not body:
            return []
        media = self.deref(op.get("requestBody", {})).get("content", {}).get(
            "application/json")
        try:
            instance = json.loads(body)
        except ValueError:
            return []  # not JSON at all: vigild's 400, not a schema question
        if media is None:
            return (["a JSON request body was accepted where the spec "
                     "documents none"] if 200 <= rec["status"] < 300 else [])
        errors = self.schema_errors(media.get("schema", {}), instance)
        if 200 <= rec["status"] < 300:
            return [f"accepted request body: {e}" for e in errors]
        if rec["status"] == 422 and "unknown field" in rec["body"] and not errors:
            return ["vigild refused an unknown field that the request schema "
                    f"allows: {body[:200]!r}"]
        return []

    def check(self, rec):
        response = self.response_for(rec)
        if isinstance(response, str):
            return [response]
        failures = self.check_request(rec)
        for name, header in response.get("headers", {}).items():
            header = self.deref(header)
            value = rec["headers"].get(name.lower())
            if value is None:
                if header.get("required", False):
                    failures.append(f"header {name}: missing")
                continue
            schema = header.get("schema", {})
            instance = value
            if schema.get("type") == "integer":
                try:
                    instance = int(value)
                except ValueError:
                    pass
            failures += [f"header {name}: {e}"
                         for e in self.schema_errors(schema, instance)]
        content = response.get("content")
        if not content:
            if rec["body"]:
                failures.append("a body where the spec documents none")
            return failures
        media_type = rec["content_type"].split(";")[0].strip().lower()
        media = content.get(media_type)
        if media is None:
            return failures + [f"content type {media_type!r} not documented "
                               f"(want one of {sorted(content)})"]
        instance = rec["body"]
        if media_type == "application/json":
            try:
                instance = json.loads(rec["body"])
            except ValueError as e:
                return failures + [f"body is not JSON: {e}"]
        return failures + self.schema_errors(media.get("schema", {}), instance)


def check_responses(spec, records_path):
    with open(records_path, encoding="utf-8") as f:
        records = json.load(f)
    checker = Checker(spec)
    failures = []
    seen = set()
    for rec in records:
        seen.add((rec["method"], rec["template"], rec["status"]))
        for failure in checker.check(rec):
            failures.append(f"{rec['method']} {rec['template']} -> "
                            f"{rec['status']}: {failure}\n    body: "
                            f"{rec['body'][:200]!r}")
    return failures, (f"{len(records)} responses validated "
                      f"({len(seen)} distinct route/method/status)")


def main(argv):
    if len(argv) != 4 or argv[1] not in ("routes", "responses"):
        sys.stderr.write(__doc__ if __doc__ else "usage: openapi_check.py "
                         "routes|responses SPEC FILE\n")
        return 2
    spec = load_spec(argv[2])
    if argv[1] == "routes":
        failures, summary = check_routes(spec, argv[3])
    else:
        failures, summary = check_responses(spec, argv[3])
    for f in failures:
        sys.stderr.write(f + "\n")
    print(f"openapi_check {argv[1]}: {summary}; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
