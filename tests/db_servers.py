"""Real PostgreSQL and MariaDB servers for tests and benchmarks: Debian's packages (installed when missing,
as root: tests/system_packages.py), a throw-away data directory, a free loopback port, a user with a
password, stopped at the end.

Both run as their own system user when this is root (postgres refuses to run as root), from a folder
under /tmp that the user owns: pytest's tmp folders are private to root.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.system_packages import ensure_debian_package, is_root

USER, DATABASE = "pulse", "shop"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _owned_home(prefix: str, owner: str) -> Path:
    home = Path(tempfile.mkdtemp(prefix=prefix))
    if is_root():
        shutil.chown(home, owner, owner)
    return home


def _as(owner: str) -> list[str]:
    return ["runuser", "-u", owner, "--"] if is_root() else []


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:6])} failed: {result.stderr[-2000:]}")
    return result


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class PostgresServer:
    """PostgreSQL with database `shop`, owned by `pulse` who logs in with `password` (scram-sha-256)."""

    kind = "postgresql"

    def __init__(self, password: str) -> None:
        ensure_debian_package("postgresql", lambda: _postgres_bin() is not None)
        self.bin = _postgres_bin()
        self.password, self.port, self.host = password, _free_port(), "127.0.0.1"
        self.home = _owned_home("pulse-pg-", "postgres")
        self.data = self.home / "data"
        pwfile = self.home / "password"
        pwfile.write_text(password)
        if is_root():
            shutil.chown(pwfile, "postgres", "postgres")
        as_postgres = _as("postgres")
        _run([*as_postgres, str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}",
              "--auth=scram-sha-256", "-E", "UTF8", "--no-locale"])  # fmt: skip
        pwfile.unlink()
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([*as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
              "-l", str(self.home / "server.log"), "-w", "-t", "60", "start"])  # fmt: skip
        self.sql(f"create database {DATABASE}", database="postgres")

    @property
    def url(self) -> str:
        """Without the password: the pipeline takes it from PULSE_SOURCE_DATABASE_PASSWORD."""
        return f"postgresql://{USER}@{self.host}:{self.port}/{DATABASE}"

    def sql(self, statements: str, database: str = DATABASE) -> str:
        """Run SQL with psql (not the library under test); tab-separated output without a header."""
        return _run(
            [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
             "-h", self.host, "-p", str(self.port), "-U", USER, "-d", database],
            input=statements,
            env={**os.environ, "PGPASSWORD": self.password},
        ).stdout  # fmt: skip

    def stop(self) -> None:
        stop = [*_as("postgres"), str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]
        subprocess.run(stop, capture_output=True)
        shutil.rmtree(self.home, ignore_errors=True)


class MariaDBServer:
    """MariaDB with database `shop`, readable by `pulse` who logs in over TCP with `password`."""

    kind = "mysql"

    def __init__(self, password: str) -> None:
        ensure_debian_package("mariadb-server", lambda: shutil.which("mariadbd", path="/usr/sbin:/usr/bin"))
        self.password, self.port, self.host = password, _free_port(), "127.0.0.1"
        self.home = _owned_home("pulse-mariadb-", "mysql")
        self.data, self.socket = self.home / "data", self.home / "mysqld.sock"
        user = ["--user=mysql"] if is_root() else []
        _run(["mariadb-install-db", "--no-defaults", *user, f"--datadir={self.data}",
              "--auth-root-authentication-method=normal", "--skip-test-db"])  # fmt: skip
        self._process = subprocess.Popen(
            ["/usr/sbin/mariadbd", "--no-defaults", *user, f"--datadir={self.data}",
             f"--socket={self.socket}", f"--port={self.port}", "--bind-address=127.0.0.1",
             "--skip-name-resolve",
             f"--pid-file={self.home / 'mariadbd.pid'}", f"--log-error={self.home / 'error.log'}",
             "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait_until_ready()
        self._root_sql(
            f"create database {DATABASE} character set utf8mb4; "
            f"create user '{USER}'@'%' identified by '{password}'; "
            f"grant all on {DATABASE}.* to '{USER}'@'%';"
        )

    def _root_sql(self, statements: str) -> str:
        return _run(["mariadb", "--no-defaults", "-S", str(self.socket), "-u", "root", "-N", "-B"],
                    input=statements).stdout  # fmt: skip

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self.home / "error.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"mariadbd exited with {self._process.returncode}: {log}")
            ping = ["mariadb-admin", "--no-defaults", "-S", str(self.socket), "-u", "root", "ping"]
            if self.socket.exists() and subprocess.run(ping, capture_output=True).returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError(f"mariadbd did not answer within {timeout:.0f} s")

    @property
    def url(self) -> str:
        return f"mysql://{USER}@{self.host}:{self.port}/{DATABASE}"

    def sql(self, statements: str) -> str:
        """Run SQL with the mariadb client as `pulse` over TCP; tab-separated output without a header."""
        return _run(
            ["mariadb", "--no-defaults", "-h", self.host, "-P", str(self.port), "-u", USER, "-N", "-B",
             "--local-infile=1", DATABASE],
            input=statements,
            env={**os.environ, "MYSQL_PWD": self.password},
        ).stdout  # fmt: skip

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
        shutil.rmtree(self.home, ignore_errors=True)
