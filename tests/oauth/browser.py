"""A ``BROWSER`` command for the OAuth tests: real headless Chromium (Debian's ``/usr/bin/chromium``)
driven by Playwright opens the address, then clicks a button on the page it lands on.

Usage (what ``webbrowser`` runs): ``python -m tests.oauth.browser URL``. ``CIO_TEST_BROWSER_ACTION`` is
``approve`` or ``deny`` (click that button and wait for the page the browser ends on) or ``open``
(only load the page). ``CIO_TEST_BROWSER_LOG`` names a file that receives one JSON line: the address the
browser ended on, the HTTP status and the page text, so a test can check the loopback result page.
"""

from __future__ import annotations

import json
import os
import sys

CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 60_000


def drive(url: str, action: str) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--password-store=basic"],  # never the test keyring
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            response = page.goto(url)
            if action in ("approve", "deny"):
                with page.expect_navigation(wait_until="load"):
                    page.click(f"#{action}")
                response = None
            status = response.status if response is not None else None
            return {
                "url": page.url,
                "status": status,
                "title": page.title(),
                "text": page.inner_text("body"),
                "referrer_policy": None,
            }
        finally:
            browser.close()


def main(argv: list[str]) -> int:
    url = argv[1]
    action = os.environ.get("CIO_TEST_BROWSER_ACTION", "approve")
    result = drive(url, action)
    log = os.environ.get("CIO_TEST_BROWSER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
