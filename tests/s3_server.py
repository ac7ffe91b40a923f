"""A real S3 HTTP API for tests: moto's server on 127.0.0.1, in a process of its own.

A process, not a thread of the test process: some delta-rs calls (restore, history) hold Python's GIL
while they wait for the network, which would freeze a server thread living in the same interpreter.
A process can also be paused (SIGSTOP), which is how a test stops the server mid-publish and then
lets it carry on with its buckets intact.
"""

import signal
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    def __init__(self) -> None:
        port = _free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto server exited with {self._process.returncode}")
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"moto server did not answer on {self.endpoint} within {timeout:.0f} s")

    def pause(self) -> None:
        """The server stops answering (connections hang) until resume(); nothing is lost."""
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        self._process.terminate()
        self._process.wait(timeout=30)
