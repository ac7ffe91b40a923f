"""What a Spark test needs on a fresh machine: Java (Debian's package) and the `[spark]` extra (the lock).

Installed when missing, the way the dashboard tests install chromium; skipped where that is impossible.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO_ROOT

JAVA_PACKAGE = "openjdk-17-jre-headless"


def ensure_java() -> None:
    if shutil.which("java"):
        return
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"java is missing and this is not root with apt-get: apt-get install {JAVA_PACKAGE}")
    install = ["apt-get", "install", "-y", "--no-install-recommends", JAVA_PACKAGE]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=True)
        subprocess.run(install, env=env, capture_output=True, check=True)


def spark_extra() -> list[str]:
    """The requirements of pyproject.toml's `[spark]` extra."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return project["optional-dependencies"]["spark"]


def ensure_spark_extra() -> None:
    """Install the extra's packages (not the project: the venv keeps its editable install) at the locked
    versions; about 30 s, most of it the 450 MB pyspark download."""
    if importlib.util.find_spec("pyspark") and importlib.util.find_spec("dbt.adapters.spark"):
        return
    pip = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "-c", str(REPO_ROOT / "constraints.txt"), *spark_extra()], check=True)
    importlib.invalidate_caches()
