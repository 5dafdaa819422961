"""wijkwerk under a real gunicorn (sync workers, as in production) and a TCP proxy that can cut a
connection, for tests of what happens when a peer (the mail server, the database) fails."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(database_uri: str, **settings: object) -> dict[str, str]:
    """The environment of a wijkwerk process: the default config, the test's database, and
    ``settings`` as ``WIJKWERK_*`` variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIJKWERK_")}
    env.update(
        WIJKWERK_SQLALCHEMY_DATABASE_URI=database_uri,
        WIJKWERK_SECRET_KEY="test-secret-key-not-for-production",
        WIJKWERK_BASE_URL="http://wijkwerk.test",
        WIJKWERK_LOG_LEVEL="WARNING",
    )
    env.update({f"WIJKWERK_{k}": str(v) for k, v in settings.items()})
    return env


class Gunicorn:
    """``gunicorn app:app`` with ``workers`` sync workers on a free port."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                *(str(BIN / "gunicorn"), "--workers", str(workers), "--timeout", "30"),
                *("--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "app:app"),
            ],
            cwd=ROOT,
            env=env,
        )

    def __enter__(self) -> Gunicorn:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if self.request("GET", "/healthz", timeout=5)[0] == 200:
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def request(
        self, method: str, path: str, body: dict | None = None, timeout: float = 10
    ) -> tuple[int, dict | str, float]:
        """Status, answer (JSON when it is) and seconds taken."""
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            payload = json.dumps(body) if body is not None else None
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read().decode()
        finally:
            connection.close()
        if response.getheader("Content-Type", "").startswith("application/json"):
            data = json.loads(data)
        return response.status, data, time.monotonic() - started


class Proxy:
    """A TCP proxy on a free port to ``upstream_port``; :meth:`cut` drops every connection and
    refuses new ones (the server has gone), :meth:`restore` lets them through again."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self._up = threading.Event()
        self._up.set()
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._listen()

    def _listen(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        self._up.clear()
        if self._listener is not None:
            close_listener(self._listener)
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def restore(self) -> None:
        self._up.set()
        self._listen()

    def close(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while self._up.is_set():
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self._lock:
                self._open += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(source, target), daemon=True).start()


def close_listener(listener: socket.socket) -> None:
    """Stop listening now: on Linux a listener closed while a thread waits in ``accept`` goes on
    accepting until that call returns; shutting it down first ends the call."""
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()


def pipe(source: socket.socket, target: socket.socket) -> None:
    """Copy bytes from ``source`` to ``target`` until either side closes."""
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
