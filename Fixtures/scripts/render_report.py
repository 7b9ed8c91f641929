#!/usr/bin/env python3
"""Renders a Learn HTML report in headless Chromium and checks it.

    python3 Fixtures/scripts/render_report.py REPORT.html [--shots DIR] [--anchor ID ...]

Chromium (Debian's `chromium` package) loads the file with logging on; the script fails when the
page logged a console message or failed to load anything (a self-contained report loads nothing),
or when the rendered DOM lacks an SVG plot the file has. With --shots it writes one screenshot of
the top of the page and one per --anchor (a section or plot id: the page is scrolled to it), at
1280 px wide. As root Chromium needs --no-sandbox, which the script adds.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("render_report: no Chromium found (apt-get install chromium)")


def run(args, url, extra):
    flags = ["--headless", "--disable-gpu", "--disable-background-networking", "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=1",
             "--allow-file-access-from-files", "--user-data-dir=" + tempfile.mkdtemp(prefix="learn-chromium-")]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")
    done = subprocess.run([chromium()] + flags + extra + [url], capture_output=True, text=True, timeout=120)
    return done.stdout, done.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--shots", help="folder for screenshots")
    parser.add_argument("--name", default="report", help="screenshot file name prefix")
    parser.add_argument("--anchor", action="append", default=[], help="element id to screenshot")
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args()
    path = os.path.abspath(args.report)
    url = "file://" + path
    source = open(path, encoding="utf-8").read()

    dom, log = run(args, url, ["--dump-dom"])
    problems = []
    for line in log.splitlines():
        if "CONSOLE" in line or "Uncaught" in line:
            problems.append(line.strip())
        # Any load but the report itself (an image, a font, a stylesheet, a script) is a fault.
        loaded = re.search(r"URLLoader::Start: (\S+)", line)
        if loaded and loaded.group(1) != url:
            problems.append("loaded " + loaded.group(1))
    expected = len(re.findall(r'<svg class="plot ', source))
    rendered = len(re.findall(r'<svg class="plot ', dom))
    if rendered != expected:
        problems.append(f"the rendered page has {rendered} plots, the file {expected}")
    if "<title>" not in dom:
        problems.append("the rendered page has no title")
    print(f"{args.report}: {expected} plots, {rendered} rendered, {len(problems)} problems")
    for problem in problems:
        print("  " + problem)

    if args.shots:
        os.makedirs(args.shots, exist_ok=True)
        for anchor in [None] + args.anchor:
            target = os.path.join(args.shots, f"{args.name}{'-' + anchor if anchor else ''}.png")
            # Open a copy scrolled to the anchor: headless screenshots show the top of the page.
            page = url
            if anchor:
                scrolled = tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8")
                start = source.find(f'id="{anchor}"')
                if start < 0:
                    sys.exit(f"render_report: no element with id {anchor}")
                opening = source.rfind("<", 0, start)
                body = source.find("<body>") + len("<body>")
                scrolled.write(source[:body] + source[opening:])
                scrolled.close()
                page = "file://" + scrolled.name
            _, shot_log = run(args, page, [f"--window-size=1280,{args.height}", f"--screenshot={target}"])
            if not os.path.exists(target):
                problems.append(f"no screenshot written for {anchor or 'the top'}: {shot_log[-300:]}")
            else:
                print(f"  wrote {target}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
