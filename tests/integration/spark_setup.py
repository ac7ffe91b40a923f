"""What a Spark test needs on a fresh machine: Java (Debian's package) and the `[spark]` extra (the lock).

Installed when missing (tests/system_packages.py); skipped where that is impossible.
"""

import importlib.util
import shutil
import subprocess
import sys
import tomllib

from tests.conftest import REPO_ROOT
from tests.system_packages import debian_package_or_skip, one_installer

JAVA_PACKAGE = "openjdk-17-jre-headless"


def ensure_java() -> None:
    debian_package_or_skip(JAVA_PACKAGE, lambda: shutil.which("java"))


def spark_extra() -> list[str]:
    """The requirements of pyproject.toml's `[spark]` extra."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return project["optional-dependencies"]["spark"]


def ensure_spark_extra() -> None:
    """Install the extra's packages (not the project: the venv keeps its editable install) at the locked
    versions; about 30 s, most of it the 450 MB pyspark download."""

    def installed() -> bool:
        importlib.invalidate_caches()
        return all(importlib.util.find_spec(name) for name in ("pyspark", "dbt.adapters.spark", "pyhive"))

    if installed():
        return
    with one_installer():  # each worker collects the suite: the first installs, the others find it there
        if installed():
            return
        pip = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        subprocess.run([*pip, "-c", str(REPO_ROOT / "constraints.txt"), *spark_extra()], check=True)
    importlib.invalidate_caches()
