"""One test run's private services: a PostgreSQL schema, a Redis server, a free port,
and the environment variables that would point a test at shared state."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import create_engine, text

# --- one test run's private services ----------------------------------------

# Variables a developer's shell may carry that would point a test at shared state.
SHARED_ENVIRONMENT = ("DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI", "REPORT_CACHE_DIR", "JOBS_DIR",
                      "SECRET_KEY", "INSTANCE_PATH", "REPORT_SERVER_SOCKET")


def free_port() -> int:
    """A port bound once and closed: free for a server to take, and until one does,
    nothing listens there (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresSchema:
    """A schema of its own in the database TEST_DATABASE_URL names, for one run:
    two runs against one database never see each other's tables, and only this
    run's schema is ever dropped."""

    def __init__(self, url: str):
        self.admin_url = sqlalchemy_url(url)
        self.name = f"test_{os.getpid()}_{secrets.token_hex(4)}"
        separator = "&" if "?" in self.admin_url else "?"
        self.url = f"{self.admin_url}{separator}options=-csearch_path%3D{self.name}"

    def __enter__(self) -> PostgresSchema:
        self._execute(f'CREATE SCHEMA "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        self._execute(f'DROP SCHEMA "{self.name}" CASCADE')

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.admin_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


class RedisServer:
    """A private redis-server on a free port for one test run, without
    persistence, stopped (and its folder removed) afterwards."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/system-deps.sh (make test does)")
        self.folder = Path(tempfile.mkdtemp(prefix="snub-redis-"))
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> RedisServer:
        for _attempt in range(5):  # another process may take the free port before redis binds it
            self.port = free_port()
            self.process = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_ready():
                return self
            self.process.kill()
            self.process.wait()
        raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text(errors='replace')[-500:]}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                return bool(Redis.from_url(self.url, socket_timeout=1).ping())
            except RedisConnectionError:
                time.sleep(0.05)
        return False

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
