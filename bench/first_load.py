"""The dashboard's first load after sign-in, cold cache, in headless chromium (docs/benchmarks.md
"First load"): time from the sign-in submit to the dashboard's ``load`` event, and the bytes that
crossed the wire (navigation and every resource), then the same page again from the cache.

    python bench/first_load.py http://127.0.0.1:8011 [--runs 3] [--user demo-exec] [--mbps 20]

``--mbps`` throttles the browser's network (Chrome DevTools network emulation, 20 ms latency):
on localhost the wire is free and only parsing and the server's work show.

Start the server first (``make run``, or its steps on another port). Needs playwright and
/usr/bin/chromium.
"""

import argparse
import statistics

from playwright.sync_api import sync_playwright

TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const plotly = resources.filter(r => r.name.includes("plotly"));
  return {
    load_ms: nav.loadEventEnd,
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    plotly_bytes: plotly.reduce((sum, r) => sum + r.transferSize, 0),
    plotly_decoded: plotly.reduce((sum, r) => sum + r.decodedBodySize, 0),
  };
}"""


def measure(base: str, user: str, password: str, mbps: float = 0) -> tuple[dict, dict]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base)
        page = context.new_page()
        if mbps:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            rate = mbps * 1e6 / 8  # bytes per second
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": 20,
                    "downloadThroughput": rate,
                    "uploadThroughput": rate,
                },
            )
        page.goto("/login/")
        page.get_by_label("Username").fill(user)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        first = page.evaluate(TIMING)
        page.goto("/dashboard/", wait_until="load")
        again = page.evaluate(TIMING)
        browser.close()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="demo-exec")
    parser.add_argument("--password", default="deallens-demo")
    parser.add_argument("--mbps", type=float, default=0, help="throttle to this many Mbit/s")
    args = parser.parse_args()
    firsts, agains = [], []
    for _ in range(args.runs):
        first, again = measure(args.base, args.user, args.password, args.mbps)
        firsts.append(first)
        agains.append(again)
        print(f"first {first}  again {again}")
    for label, rows in (("first load (cold cache)", firsts), ("second visit", agains)):
        print(
            f"{label}: median {statistics.median(r['load_ms'] for r in rows):.0f} ms, "
            f"{statistics.median(r['bytes'] for r in rows) / 1e6:.2f} MB transferred, "
            f"plotly {statistics.median(r['plotly_bytes'] for r in rows) / 1e6:.2f} MB "
            f"of {statistics.median(r['plotly_decoded'] for r in rows) / 1e6:.2f} MB"
        )


if __name__ == "__main__":
    main()
