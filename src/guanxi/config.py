"""Typed readers of the environment that fail loudly with one clear line.

Settings read every value through these helpers, so a bad or missing value stops the start-up
with a message naming the variable instead of a traceback deep inside Django.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(Exception):
    """A setting read from the environment is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, "")
    if value == "":
        if default is None:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_mode() -> str:
    mode = env_str("GUANXI_MODE", "production").lower()
    if mode not in {"demo", "production", "test"}:
        raise ConfigError(f"GUANXI_MODE must be demo, production or test, not {mode!r}")
    return mode


def data_dir() -> Path:
    """The local folder holding the SQLite database, the job queue and the demo's secret key."""
    path = Path(env_str("GUANXI_DATA_DIR", str(Path.cwd() / "data"))).resolve()
    return path


def demo_secret_key(folder: Path) -> str:
    """A secret key generated on the first demo run and kept in the data folder."""
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def database_config(url: str, *, conn_max_age: int = 0) -> dict:
    """Parse DATABASE_URL into Django's DATABASES entry; SQLite gets WAL-friendly options."""
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            f"DATABASE_URL must start with sqlite:/// or postgres://, not {url.split('://')[0]!r}"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age)
    except Exception as exc:  # the library raises several kinds on a malformed URL
        raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ConfigError("DATABASE_URL names no SQLite file")
        # Several writers (web workers, the job consumer) share the file: IMMEDIATE transactions
        # take the write lock up front and the busy timeout waits for it instead of failing with
        # "database is locked" half-way through a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    else:
        if not config.get("NAME"):
            raise ConfigError("DATABASE_URL names no database")
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
    return config
