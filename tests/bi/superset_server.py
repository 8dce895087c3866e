"""Start a throw-away Superset (from .venv-bi) on 127.0.0.1 with a sqlite metadata database."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BI_BIN = REPO_ROOT / ".venv-bi" / "bin"
ADMIN = ("admin", "admin-bi-test")

CONFIG = """\
SECRET_KEY = "bi-test-only-{nonce}"
SQLALCHEMY_DATABASE_URI = "sqlite:///{home}/superset.db"
WTF_CSRF_ENABLED = False
SQLLAB_TIMEOUT = 60
SUPERSET_WEBSERVER_TIMEOUT = 60
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def superset_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(
        SUPERSET_CONFIG_PATH=str(home / "superset_config.py"),
        SUPERSET_HOME=str(home),
        FLASK_APP="superset",
        PATH=f"{BI_BIN}:{env.get('PATH', '')}",
    )
    return env


def _run(args: list[str], env: dict[str, str], log: Path, timeout: float) -> None:
    with log.open("a") as out:
        subprocess.run(
            args, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=True
        )


@contextmanager
def running_superset(home: Path, startup_timeout: float = 180.0) -> Iterator[str]:
    """Initialise the metadata DB and the admin, serve on a free loopback port; yield the URL."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "superset_config.py").write_text(CONFIG.format(nonce=os.urandom(16).hex(), home=home))
    env = superset_env(home)
    log = home / "superset.log"
    superset = str(BI_BIN / "superset")
    _run([superset, "db", "upgrade"], env, log, 300)
    _run(
        [
            superset,
            "fab",
            "create-admin",
            "--username",
            ADMIN[0],
            "--firstname",
            "BI",
            "--lastname",
            "Test",
            "--email",
            "bi@example.org",
            "--password",
            ADMIN[1],
        ],
        env,
        log,
        120,
    )
    _run([superset, "init"], env, log, 300)
    port = free_port()
    with log.open("a") as out:
        server = subprocess.Popen(
            [superset, "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Superset did not start; see {log}")
            time.sleep(1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
