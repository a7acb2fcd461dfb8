#!/usr/bin/env python3
"""Open an HTML page in headless Chromium: dump its DOM after the scripts ran, take screenshots in the light and
the dark theme, and report every network request the page made, from Chromium's own net log.

Usage: html-browser.py PAGE.html [--dom FILE] [--screenshot FILE] [--dark-screenshot FILE]
                                 [--width PIXELS] [--height PIXELS|full] [--click-copy]

Prints a JSON summary on standard output: the files written, the page height, each screenshot's top-left pixel
("firstPixel": light and dark, as [r, g, b]), "pageRequests" (URLs the page asked for from the network: must be
empty for a mustard report) and "browserRequests" (Chromium's own background traffic — update checks and the
like — which the page did not cause and which are only listed). Each page gets 3 s of virtual time, so timers
and redirects it sets up run too.
With --click-copy, every copy button is clicked with a real mouse event (through the DevTools protocol), and the
summary's "copyChecks" say, for each, what the button then said and whether the clipboard holds exactly the
command above it; the last check clicks the first button again without the Clipboard API, to try the fallback.
Exit 0 when the page requested nothing from the network, 1 when it did, 2 when it could not be checked (Chromium
missing or failing). Debian's `chromium` package is installed by `make deps`.

How requests are told apart: Chromium's net log records every URL request and host resolution with the origin
that initiated it and the network isolation key of the page it belongs to. A request that a page (here a file://
page) caused carries that page's origin or `file://` key; Chromium's own requests say "not an origin" and carry
no file:// key. file:, data:, blob: and about: URLs never reach the network and are not counted.
"""
import argparse
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "chrome-extension:", "devtools:")
TIMEOUT = 60


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(binary, page, extra, net_log, profile):
    args = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
        "--force-device-scale-factor=1", "--virtual-time-budget=3000",  # timers and redirects get to run
        f"--user-data-dir={profile}", f"--log-net-log={net_log}",
    ] + extra + ["file://" + os.path.abspath(page)]
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"chromium did not finish within {TIMEOUT} s: {' '.join(args)}")
    if result.returncode != 0:
        raise RuntimeError(f"chromium exited {result.returncode}: {result.stderr[-2000:]}")
    return result.stdout


def load_net_log(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        pass
    # A log cut short (Chromium killed, or still flushing when it exited) lacks its closing brackets and may end
    # in half an event. Events are one per line: drop lines from the end until the rest closes into JSON.
    lines = text.rstrip().split("\n")
    while lines:
        try:
            return json.loads("\n".join(lines).rstrip().rstrip(",") + "]}")
        except ValueError:
            lines.pop()
    raise RuntimeError(f"the net log {path} holds no readable JSON")


def requests_in(net_log):
    """(page, browser): the network URLs and hosts the page caused, and those Chromium asked for itself.

    Each URL request and host resolution in the log says who asked: a URL request its initiator (a file:// page
    is the opaque origin "null"; Chromium itself is "not an origin") and the network isolation key of the page it
    is for, a host resolution its network anonymization key. Events that carry neither repeat an attributed one.
    """
    log = load_net_log(net_log)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    page, browser = set(), set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        targets = [params[key] for key in ("url", "host") if isinstance(params.get(key), str)]
        targets = [t for t in targets if not t.startswith(LOCAL_SCHEMES)]
        if not targets:
            continue
        keys = [str(params[k]) for k in ("network_isolation_key", "network_anonymization_key") if k in params]
        initiator = params.get("initiator")
        if (isinstance(initiator, str) and initiator != "not an origin") or any("file://" in k for k in keys):
            bucket = page
        elif initiator is not None or keys:
            bucket = browser
        else:
            continue
        bucket.update(f"{names.get(event.get('type'), '?')}: {t}" for t in targets)
    return sorted(page), sorted(browser)


def first_pixel(png):
    """The top-left pixel of a PNG as [r, g, b]: enough to tell a light page from a dark one."""
    import struct
    import zlib
    with open(png, "rb") as f:
        data = f.read()
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", data[pos + 8:pos + 18])
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    width, _, depth, color = header
    channels = {2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None:
        return None
    # The first pixel of the first row has no left or upper neighbour: every PNG filter leaves it as stored.
    row = zlib.decompressobj().decompress(idat, 1 + width * channels)
    return list(row[1:4])


class DevTools:
    """Chromium driven over --remote-debugging-pipe: JSON messages ending in NUL on file descriptors 3 and 4."""

    def __init__(self, binary, net_log, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def child_fds():
            # Through high numbers first: the pipes may themselves be 3 or 4.
            os.dup2(os.dup(to_chrome_r), 30)
            os.dup2(os.dup(from_chrome_w), 31)
            os.dup2(30, 3)
            os.dup2(31, 4)

        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-extensions", "--disable-sync", "--disable-background-networking", "--disable-component-update",
             f"--user-data-dir={profile}", f"--log-net-log={net_log}", "about:blank"],
            preexec_fn=child_fds, close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer, self.next_id, self.deadline = b"", 0, time.monotonic() + TIMEOUT

    def call(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                left = self.deadline - time.monotonic()
                ready, _, _ = select.select([self.from_chrome], [], [], max(0, left))
                if not ready:
                    raise RuntimeError(f"chromium did not answer {method} within {TIMEOUT} s")
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"chromium closed the DevTools pipe during {method}")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def evaluate(self, session, expression, wait=False):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": wait}, session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self):
        self.process.kill()
        self.process.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)


def click_copy_buttons(binary, page, net_log, profile):
    """Clicks each copy button like a user; what it said afterwards and whether the clipboard got the command."""
    tools = DevTools(binary, net_log, profile)
    try:
        target = tools.call("Target.createTarget", {"url": "file://" + os.path.abspath(page)})["targetId"]
        session = tools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        tools.call("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        tools.call("Emulation.setFocusEmulationEnabled", {"enabled": True}, session)
        while tools.evaluate(session, "document.readyState") != "complete":
            time.sleep(0.05)
        # Keep the Clipboard API at hand to read back, and to take away for the fallback.
        tools.evaluate(session, "window.__clipboard = navigator.clipboard; true")
        count = tools.evaluate(session, "document.querySelectorAll('button.copy').length")
        checks = []
        for index in list(range(count)) + ([0] if count else []):
            fallback = len(checks) == count
            if fallback:
                tools.evaluate(session, "Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true}); true")
            tools.evaluate(session, "window.__clipboard.writeText('(nothing copied yet)')", wait=True)
            spot = tools.evaluate(session, f"""(function () {{
                var b = document.querySelectorAll('button.copy')[{index}];
                b.scrollIntoView({{block: 'center'}});
                var r = b.getBoundingClientRect();
                return {{x: r.x + r.width / 2, y: r.y + r.height / 2, visible: !b.hidden && r.width > 0,
                         command: b.parentNode.querySelector('pre').textContent}};
            }})()""")
            for kind in ("mousePressed", "mouseReleased"):
                tools.call("Input.dispatchMouseEvent", {"type": kind, "x": spot["x"], "y": spot["y"], "button": "left", "clickCount": 1}, session)
            label = None
            for _ in range(40):
                label = tools.evaluate(session, f"document.querySelectorAll('button.copy')[{index}].textContent")
                if label != "Copy":
                    break
                time.sleep(0.025)
            clipboard = tools.evaluate(session, "window.__clipboard.readText()", wait=True)
            checks.append({"index": index, "via": "execCommand" if fallback else "clipboard-api", "visible": spot["visible"],
                           "label": label, "clipboardMatches": clipboard == spot["command"]})
        if count:
            time.sleep(1.8)
            checks[-1]["labelLater"] = tools.evaluate(session, "document.querySelectorAll('button.copy')[0].textContent")
        return checks
    finally:
        tools.close()


def page_height(binary, page, width, work):
    """The page's full height at this width: a copy of it that writes its own height into the DOM."""
    probe = os.path.join(work, "probe.html")
    with open(page, encoding="utf-8") as f:
        text = f.read()
    script = ("<script>document.documentElement.setAttribute('data-probe-height',"
              " String(Math.ceil(document.documentElement.getBoundingClientRect().height)));</script>")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(text + script)
    dom = run_chromium(binary, probe, [f"--window-size={width},800", "--dump-dom"],
                       os.path.join(work, "probe-net.json"), os.path.join(work, "probe-profile"))
    marker = 'data-probe-height="'
    start = dom.find(marker)
    if start < 0:
        raise RuntimeError("could not measure the page's height")
    return int(dom[start + len(marker):dom.index('"', start + len(marker))])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("page")
    parser.add_argument("--dom")
    parser.add_argument("--screenshot")
    parser.add_argument("--dark-screenshot")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", default="full")
    parser.add_argument("--click-copy", action="store_true")
    options = parser.parse_args(argv[1:])

    binary = chromium()
    if binary is None:
        print("html-browser: chromium is not installed: run `make deps` (it installs Debian's chromium package)",
              file=sys.stderr)
        return 2
    if not os.path.isfile(options.page):
        print(f"html-browser: no such page: {options.page}", file=sys.stderr)
        return 2

    work = tempfile.mkdtemp(prefix="html-browser-")
    try:
        summary = {"chromium": binary, "page": options.page, "files": []}
        runs = []
        if options.dom or not (options.screenshot or options.dark_screenshot):
            runs.append(("dom", ["--dump-dom", f"--window-size={options.width},800"], options.dom))
        if options.screenshot or options.dark_screenshot:
            height = page_height(binary, options.page, options.width, work) if options.height == "full" else int(options.height)
            height = max(200, min(height, 16000))
            summary["height"] = height
            size = f"--window-size={options.width},{height}"
            if options.screenshot:
                runs.append(("light", [size, "--screenshot=" + os.path.abspath(options.screenshot),
                                       "--blink-settings=preferredColorScheme=1"], options.screenshot))
            if options.dark_screenshot:
                runs.append(("dark", [size, "--screenshot=" + os.path.abspath(options.dark_screenshot),
                                      "--force-dark-mode", "--blink-settings=preferredColorScheme=0"],
                             options.dark_screenshot))
        page, browser = set(), set()
        for name, extra, output in runs:
            net_log = os.path.join(work, f"{name}-net.json")
            stdout = run_chromium(binary, options.page, extra, net_log, os.path.join(work, f"{name}-profile"))
            if name == "dom" and output:
                with open(output, "w", encoding="utf-8") as f:
                    f.write(stdout)
            if output:
                if not os.path.isfile(output):
                    raise RuntimeError(f"chromium wrote no {output}")
                summary["files"].append(output)
                if name != "dom":
                    summary.setdefault("firstPixel", {})[name] = first_pixel(output)
            p, b = requests_in(net_log)
            page.update(p)
            browser.update(b)
        if options.click_copy:
            net_log = os.path.join(work, "copy-net.json")
            summary["copyChecks"] = click_copy_buttons(binary, options.page, net_log, os.path.join(work, "copy-profile"))
            p, b = requests_in(net_log)
            page.update(p)
            browser.update(b)
        summary["pageRequests"] = sorted(page)
        summary["browserRequests"] = sorted(browser)
        print(json.dumps(summary, indent=2, sort_keys=True))
        return 1 if page else 0
    except (RuntimeError, OSError, ValueError, KeyError) as error:
        print(f"html-browser: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
