"""The command that serves the dashboards, shared by `tasks.py dashboard` and the browser test.

Standard library only: tasks.py imports it with the system Python, before any package is installed.
"""

from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501


def url(port: int = DEFAULT_PORT) -> str:
    return f"http://127.0.0.1:{port}"


def streamlit_command(python: str, port: int = DEFAULT_PORT) -> list[str]:
    """`streamlit run` on loopback only (the pages show customer ids and revenue), with no file watcher,
    no browser opened and no usage statistics sent."""
    return [
        python, "-m", "streamlit", "run", str(APP),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
