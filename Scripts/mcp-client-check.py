#!/usr/bin/env python3
"""End-to-end check of `mustard mcp` with the reference MCP client (the `mcp` package from PyPI).

Starts the server on the samples (and any extra dumps named), initialises, lists the tools, calls each one and
compares what it answers with the CLI's JSON report of the same dump. Exit 0 when every check passes.
Usage: mcp-client-check.py MUSTARD DUMP...
"""
import asyncio
import json
import os
import subprocess
import sys
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def attr(obj, *names):
    """The first of several spellings (the SDK's 1.x camelCase, 2.x snake_case)."""
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(names[0])


def cli(mustard, *args):
    run = subprocess.run([mustard, *args], capture_output=True, text=True)
    return run.returncode, run.stdout


def cli_json(mustard, dump):
    run = subprocess.run([mustard, "analyze", dump, "-f", "json"], capture_output=True, text=True)
    return json.loads(run.stdout)


async def call(session, name, arguments):
    result = await session.call_tool(name, arguments)
    text = result.content[0].text if result.content else ""
    error = bool(attr(result, "is_error", "isError"))
    return error, (text if error else json.loads(text))


async def main(mustard, dumps):
    env = {"PATH": "/usr/bin:/bin"}
    if os.environ.get("XDG_CACHE_HOME"):
        env["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"]
    params = StdioServerParameters(command=mustard, args=["mcp", *dumps], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(attr(init, "server_info", "serverInfo").name == "mustard", "initialize: the server is mustard")
            tools = {t.name: t for t in (await session.list_tools()).tools}
            expected = {"dumps", "analyze", "explain", "timeline", "rules", "ls", "get", "describe", "logs", "events"}
            check(expected <= set(tools), f"tools/list has {sorted(expected)} (got {sorted(tools)})")
            for name, tool in tools.items():
                schema = attr(tool, "input_schema", "inputSchema")
                check(schema.get("type") == "object" and "properties" in schema, f"{name}: input schema is a JSON object schema")

            error, listed = await call(session, "dumps", {})
            check(not error and [d["path"] for d in listed["dumps"]] == dumps, "dumps: lists the dumps in order")

            for index, dump in enumerate(dumps):
                expected_report = cli_json(mustard, dump)
                started = time.monotonic()
                error, report = await call(session, "analyze", {"dump": dump, "limit": 500})
                elapsed = time.monotonic() - started
                check(not error, f"analyze {dump}: answers ({elapsed:.2f} s on first use)")
                if error:
                    continue
                want = [(f["id"], f["severity"], f["title"]) for f in expected_report["findings"]]
                got = [(f["id"], f["severity"], f["title"]) for f in report["findings"]]
                check(got == want, f"analyze {dump}: the CLI's findings, in its order ({len(want)})")
                check(report["summary"] == expected_report["summary"], f"analyze {dump}: the CLI's summary")
                check(report["missingData"] == expected_report["missingData"], f"analyze {dump}: the CLI's missing data")
                check(report["outcomes"] == expected_report["outcomes"], f"analyze {dump}: every rule's outcome as the CLI's ({len(expected_report['outcomes'])})")
                roots = {r["id"] for r in report["rootCauses"]}
                check(roots == {f["id"] for f in expected_report["findings"] if not f["causedBy"]}, f"analyze {dump}: root causes are the findings nothing causes")
                error, by_index = await call(session, "analyze", {"dump": str(index), "limit": 500})
                check(not error and by_index["findings"] == report["findings"], f"analyze {dump}: the same by index")

                for f in expected_report["findings"]:
                    error, explained = await call(session, "explain", {"dump": dump, "finding": f["id"]})
                    check(not error and explained == f, f"explain {f['id']}: the CLI's finding, evidence and fix")
                    error, rule = await call(session, "explain", {"rule": f["rule"]})
                    check(not error and rule["id"] == f["rule"] and rule["rationale"], f"explain rule {f['rule']}")

                for t in expected_report["timeline"]:
                    error, told = await call(session, "timeline", {"dump": dump, "migration": t["migration"], "limit": 500})
                    check(not error and told["entries"] == t["entries"], f"timeline {t['migration']}: the CLI's entries ({len(t['entries'])})")
                    if len(t["entries"]) > 2:
                        error, first = await call(session, "timeline", {"dump": dump, "migration": t["migration"], "limit": 2})
                        check(not error and first["entries"] == t["entries"][:2] and first["nextOffset"] == 2 and first["total"] == len(t["entries"]),
                              f"timeline {t['migration']}: paged, 2 at a time")
                        error, second = await call(session, "timeline", {"dump": dump, "migration": t["migration"], "offset": 2, "limit": 2})
                        check(not error and second["entries"] == t["entries"][2:4], f"timeline {t['migration']}: the next page")

            # The explore verbs answer as the CLI does, from the same index.
            for dump in dumps:
                _, names = cli(mustard, "get", dump, "pods", "-A", "-o", "name")
                error, got = await call(session, "get", {"dump": dump, "kind": "pods", "limit": 500})
                check(not error and sorted("pod/" + r["NAME"] for r in got["rows"]) == sorted(names.split()),
                      f"get pods {dump}: the CLI's pods ({len(names.split())})")
                if not error and got["rows"]:
                    row = got["rows"][0]
                    _, text = cli(mustard, "describe", dump, "pod", row["NAME"], "-n", row["namespace"], "--cluster", row["cluster"])
                    error, told = await call(session, "describe", {"dump": dump, "kind": "pod", "name": row["NAME"], "namespace": row["namespace"], "cluster": row["cluster"]})
                    check(not error and told["description"] == text, f"describe pod {row['NAME']}: the CLI's text")
                    error, as_json = await call(session, "get", {"dump": dump, "kind": "pod", "name": row["NAME"], "namespace": row["namespace"], "cluster": row["cluster"], "output": "json"})
                    check(not error and as_json["objects"][0]["metadata"]["name"] == row["NAME"], f"get pod {row['NAME']} as json: the object")
                _, events = cli(mustard, "events", dump, "-A")
                error, got = await call(session, "events", {"dump": dump, "limit": 500})
                check(not error and got["total"] == max(0, len(events.splitlines()) - 1), f"events {dump}: as many as the CLI ({got['total'] if not error else '?'})")
                if not error and got["total"] > 3:
                    # Pages of a streamed table: the same rows as one larger page, the total, where the next starts.
                    error, page = await call(session, "events", {"dump": dump, "offset": 1, "limit": 2})
                    check(not error and page["rows"] == got["rows"][1:3] and page["total"] == got["total"] and page["offset"] == 1
                          and page["nextOffset"] == 3, f"events {dump}: a page from offset 1")
                    error, past = await call(session, "events", {"dump": dump, "offset": got["total"] + 5})
                    check(not error and past["rows"] == [] and past["offset"] == got["total"] and past["nextOffset"] is None,
                          f"events {dump}: a page past the end is empty")
                _, listing = cli(mustard, "ls", dump, "-v")
                error, got = await call(session, "ls", {"dump": dump})
                check(not error and got["summary"] == listing, f"ls {dump}: the CLI's summary")
            error, logs = await call(session, "logs", {"dump": dumps[0], "pod": "migration-controller-z6mg2phcrr-vwcj9", "limit": 3})
            _, text = cli(mustard, "logs", dumps[0], "migration-controller-z6mg2phcrr-vwcj9")
            check(not error and [l["text"] for l in logs["lines"]] == text.splitlines()[:3] and logs["total"] == len(text.splitlines()),
                  f"logs: the CLI's lines, paged ({logs['total'] if not error else logs})")
            error, text = await call(session, "get", {"dump": dumps[0], "kind": "nosuchkind"})
            check(error and "nosuchkind" in text, "get: an unknown kind is a tool error naming it")

            error, rules = await call(session, "rules", {})
            _, listed_rules = cli(mustard, "rules", "list")
            check(not error and len(rules["rules"]) >= 10 and all("summary" in r for r in rules["rules"])
                  and all(r["id"] in listed_rules for r in rules["rules"]), "rules: every rule the CLI lists, shipped rule files included, with its summary")
            error, shipped = await call(session, "explain", {"rule": "mustard/migstorage-not-ready"})
            check(not error and shipped["id"] == "mustard/migstorage-not-ready", "explain: a shipped rule file's rule")

            # Wrong calls are tool errors that say what was wrong, and the server keeps serving.
            error, text = await call(session, "explain", {"dump": dumps[0], "finding": "no/such#finding"})
            check(error and "no finding no/such#finding" in text, "explain: an unknown finding is a tool error naming it")
            error, text = await call(session, "analyze", {"dump": "nowhere.tar.gz"})
            check(error and "no dump nowhere.tar.gz" in text, "analyze: an unknown dump is a tool error listing the dumps")
            error, text = await call(session, "timeline", {"dump": dumps[0], "migration": "x", "limit": 100000})
            check(error, "timeline: a limit beyond the maximum is refused")
            if len(dumps) > 1:
                error, text = await call(session, "analyze", {})
                check(error and "several dumps" in text, "analyze: with several dumps, one must be named")
            error, again = await call(session, "dumps", {})
            check(not error, "the server still answers after errors")
    return not failures


if __name__ == "__main__":
    ok = asyncio.run(main(sys.argv[1], sys.argv[2:]))
    print(f"{'passed' if ok else 'FAILED'}: MCP client check ({len(failures)} failure(s))")
    sys.exit(0 if ok else 1)
