"""A headless Chromium driven over the DevTools protocol (a websocket, no Playwright or Selenium): open a
page, wait until Streamlit has drawn it, read the DOM, save a screenshot. Debian's chromium only."""

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with one tab; `with Browser() as browser: browser.open(url)`."""

    def __init__(self, width: int = 1400, height: int = 1000) -> None:
        self.width, self.height = width, height
        # chromium may still be writing its profile as it exits: cleaning up must not fail the test
        self._profile = tempfile.TemporaryDirectory(prefix="pulse-chromium-", ignore_cleanup_errors=True)
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("chromium is not installed")
        self._process = subprocess.Popen(
            [
                binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--remote-debugging-port=0", f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}", "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            tab = next(t for t in json.load(response) if t["type"] == "page")
        self._socket = connect(tab["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
        self._ids = itertools.count(1)

    def _devtools_port(self, timeout: float = 30) -> int:
        # chromium writes its chosen port here once it listens (we asked for any free port)
        marker = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker.exists() and marker.read_text().strip():
                return int(marker.read_text().splitlines()[0])
            if self._process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self._process.returncode}")
            time.sleep(0.1)
        raise TimeoutError("chromium did not open its DevTools port")

    def send(self, method: str, **params) -> dict:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:  # events arrive in between; we only wait for our answer
            message = json.loads(self._socket.recv(timeout=60))
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def open(self, url: str) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip
        self.send("Page.navigate", url=url)

    def wait_for_streamlit(self, timeout: float = 60, settle: float = 0.75) -> None:
        """Until the page has a title, no element is still loading, and the DOM has stopped changing."""
        check = """(() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || !document.querySelector('h1')) return null;
            if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')) return null;
            const status = document.querySelector('[data-testid="stStatusWidget"]');
            if (status && /running/i.test(status.innerText)) return null;
            return app.innerHTML.length;
        })()"""
        deadline = time.monotonic() + timeout
        last, stable_since = None, None
        while time.monotonic() < deadline:
            size = self.evaluate(check)
            if size is not None and size == last:
                if time.monotonic() - stable_since >= settle:
                    return
            else:
                last, stable_since = size, time.monotonic()
            time.sleep(0.25)
        raise TimeoutError("the page did not finish drawing")

    def count(self, selector: str) -> int:
        return self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")

    def texts(self, selector: str) -> list[str]:
        return self.evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.innerText)")

    def screenshot(self, path: Path, max_height: int = 8000) -> None:
        """The whole page: Streamlit scrolls inside its main area, so the window grows to its height."""
        height = self.evaluate(
            'Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
            '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight), document.body.scrollHeight)'
        )
        height = min(max(int(height or self.height), self.height), max_height)
        self.send("Emulation.setDeviceMetricsOverride", width=self.width, height=height,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip
        time.sleep(0.4)  # charts re-lay out to the new size
        image = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(image))

    def close(self) -> None:
        try:
            self._socket.close()
        finally:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._profile.cleanup()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
