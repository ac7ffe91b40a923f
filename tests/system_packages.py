"""What some tests need from the machine: Debian packages (servers, Java, chromium) installed with apt-get
when missing and this is root, and the `[spark]` extra installed with pip. One installer at a time, across
the suite's workers: apt and pip each refuse, or break, when two run at once."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

INSTALL_LOCK = Path(tempfile.gettempdir()) / "customer-pulse-test-installs.lock"


class MissingPackage(RuntimeError):
    """A Debian package is absent and this is not root with apt-get to install it."""


def one_installer() -> FileLock:
    return FileLock(INSTALL_LOCK)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def ensure_debian_package(package: str, present: Callable[[], object]) -> None:
    """apt-get install `package` when `present()` is false; MissingPackage when this cannot."""
    if present():
        return
    if not is_root() or shutil.which("apt-get") is None:
        raise MissingPackage(
            f"{package} is not installed and this is not root with apt-get: apt-get install {package}"
        )
    with one_installer():
        if present():  # another worker installed it while this one waited
            return
        install = ["apt-get", "install", "-y", "--no-install-recommends", package]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=True)
            subprocess.run(install, env=env, capture_output=True, check=True)
    if not present():
        raise RuntimeError(f"apt-get installed {package} but its programs are not there")


def debian_package_or_skip(package: str, present: Callable[[], object]) -> None:
    """ensure_debian_package for a test: skipped, saying what to install, where this cannot install it."""
    import pytest  # here: the benchmarks use this module's servers without pytest

    try:
        ensure_debian_package(package, present)
    except MissingPackage as missing:
        pytest.skip(str(missing))
