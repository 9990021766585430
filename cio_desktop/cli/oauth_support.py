"""What the sign-in commands share: following a browser or device-code sign-in on a terminal.

The authorization address is printed (stderr) before the browser opens, so it can be copied when no
browser appears; every line typed on standard input is taken as "the address the browser ended on"
(remote desktops, WSL). A reading thread is a daemon so a finished sign-in never waits for input.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cio_desktop.oauth.device import DeviceCode
    from cio_desktop.oauth.flow import SignInFlow
    from cio_desktop.oauth.signin import SignInHooks


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def terminal_hooks(*, no_browser: bool) -> SignInHooks:
    """Hooks that print the address, open the browser unless ``no_browser``, and read pasted addresses."""
    from cio_desktop.oauth.flow import system_browser
    from cio_desktop.oauth.signin import SignInHooks

    loop = asyncio.get_running_loop()

    async def opener(url: str) -> bool:
        say("Open this address to sign in (it was opened in your browser if one could be started):")
        say(f"  {url}")
        say("Waiting for the browser (5 minutes; Ctrl+C cancels). If the browser ends on an address that")
        say("does not load (a remote desktop, WSL), paste that address here and press Enter.")
        if no_browser:
            return False
        return await system_browser(url)

    def started(flow: SignInFlow) -> None:
        def deliver(line: str) -> None:
            from cio_desktop.oauth.errors import OAuthError

            try:
                flow.submit_pasted(line)
            except OAuthError as exc:
                say(f"cio-desktop: {exc.message} Still waiting.")

        def reader() -> None:
            for line in sys.stdin:
                if line.strip():
                    try:
                        loop.call_soon_threadsafe(deliver, line.strip())
                    except RuntimeError:  # the loop is gone: the sign-in is over
                        return

        if sys.stdin is not None and not sys.stdin.closed:
            threading.Thread(target=reader, name="cio-desktop-paste", daemon=True).start()

    def device_code(code: DeviceCode) -> None:
        say(f"To sign in, open {code.verification_uri} and enter the code {code.user_code}")
        if code.verification_uri_complete:
            say(f"  (or open {code.verification_uri_complete})")
        say("Waiting for approval (Ctrl+C cancels)...")

    return SignInHooks(opener=opener, started=started, device_code=device_code)


def expiry_words(expires_at: float | None) -> str:
    if expires_at is None:
        return "no expiry given"
    import time
    from datetime import datetime

    left = expires_at - time.time()
    when = datetime.fromtimestamp(expires_at).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"expires {when}" if left > 0 else f"expired {when} (renewed on next use)"
