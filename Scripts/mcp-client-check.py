#!/usr/bin/env python3
"""End-to-end check of `mustard mcp` with the reference MCP client (the `mcp` package from PyPI).

Starts the server on the samples (and any extra dumps named), initialises, lists the tools, calls each one and
compares what it answers with the CLI's JSON report of the same dump. Exit 0 when every check passes.
Usage: mcp-client-check.py MUSTARD DUMP...
"""
import asyncio
import json
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


def cli_json(mustard, dump):
    run = subprocess.run([mustard, "analyze", dump, "-f", "json"], capture_output=True, text=True)
    return json.loads(run.stdout)


async def call(session, name, arguments):
    result = await session.call_tool(name, arguments)
    text = result.content[0].text if result.content else ""
    error = bool(attr(result, "is_error", "isError"))
    return error, (text if error else json.loads(text))


async def main(mustard, dumps):
    params = StdioServerParameters(command=mustard, args=["mcp", *dumps], env={"PATH": "/usr/bin:/bin"})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(attr(init, "server_info", "serverInfo").name == "mustard", "initialize: the server is mustard")
            tools = {t.name: t for t in (await session.list_tools()).tools}
            expected = {"dumps", "analyze", "explain", "timeline", "rules"}
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

            error, rules = await call(session, "rules", {})
            check(not error and len(rules["rules"]) >= 10 and all("summary" in r for r in rules["rules"]), "rules: every rule with its summary")

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
