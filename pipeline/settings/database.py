"""Settings of a shop database source: where it is, the file of queries, and its password (never shown)."""

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.settings.environment import EnvReader, SettingsError

# the URL's scheme -> the database kind (its SQL dialect and reader); postgres:// and mariadb:// are aliases
KINDS = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
LABELS = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB"}
# the client's own password variable, honoured when PULSE_SOURCE_DATABASE_PASSWORD is unset
CLIENT_PASSWORD_VARS = {"postgresql": "PGPASSWORD", "mysql": "MYSQL_PWD"}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}


@dataclass(frozen=True)
class DatabaseSettings:
    kind: str  # postgresql or mysql
    host: str
    port: int
    user: str
    database: str
    queries_path: Path
    # from PULSE_SOURCE_DATABASE_PASSWORD, the URL, or PGPASSWORD / MYSQL_PWD; never logged (repr hides it)
    password: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """What the console may show: no password, ever."""
        return f"{LABELS[self.kind]} {self.user}@{self.host}:{self.port}/{self.database}"

    @property
    def location(self) -> str:
        """The source's address for run logs and metadata (the run's raw path): no password."""
        return f"{self.kind}://{self.user}@{self.host}:{self.port}/{self.database}"

    @classmethod
    def from_env(cls, env: EnvReader) -> "DatabaseSettings | None":
        url, queries = env.text("PULSE_SOURCE_DATABASE_URL"), env.text("PULSE_SOURCE_QUERIES")
        if url is None and queries is None:
            return None
        if url is None or queries is None:
            missing = "PULSE_SOURCE_QUERIES" if url else "PULSE_SOURCE_DATABASE_URL"
            raise SettingsError(
                f"a shop database needs both PULSE_SOURCE_DATABASE_URL and PULSE_SOURCE_QUERIES: {missing} "
                "is not set (docs/shop-database.md)"
            )
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            parts, port = None, None
        kind = KINDS.get(parts.scheme.lower()) if parts else None
        # the URL is never echoed: it may hold a password
        if kind is None or not parts.hostname or not parts.username or len(parts.path) < 2:
            raise SettingsError(
                "PULSE_SOURCE_DATABASE_URL is not a database URL such as postgresql://user@host:5432/shop or "
                "mysql://user@host:3306/shop (the password goes in PULSE_SOURCE_DATABASE_PASSWORD)"
            )
        queries_path = Path(queries).expanduser().resolve()
        if not queries_path.is_file():
            raise SettingsError(f"PULSE_SOURCE_QUERIES={queries!r} is not a file (a YAML file of queries)")
        password = (
            env.text("PULSE_SOURCE_DATABASE_PASSWORD")
            or (unquote(parts.password) if parts.password else None)
            or env.text(CLIENT_PASSWORD_VARS[kind])
        )
        return cls(
            kind=kind,
            host=parts.hostname,
            port=port or DEFAULT_PORTS[kind],
            user=unquote(parts.username),
            database=unquote(parts.path.lstrip("/")),
            queries_path=queries_path,
            password=password,
        )
