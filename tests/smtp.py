"""A real SMTP server for the tests (aiosmtpd), keeping every message it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from tests.servers import close_listener, pipe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, _session, envelope: Envelope, address, _options) -> str:
        if address in self.server.hang_up_on:
            server.transport.close()
            return "421 4.4.2 Closing connection"
        if address in self.server.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope: Envelope) -> str:
        if self.server.on_data is not None:
            self.server.on_data()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SMTPServer:
    """``messages`` holds ``(recipients, EmailMessage)`` in the order received; addresses in
    ``refused`` are turned away (550), as a real server does with an unknown mailbox; at an address
    in ``hang_up_on`` the server drops the connection; ``on_data`` is called while a message is
    being received (the sender is waiting for the answer)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refused: set[str] = set()
        self.hang_up_on: set[str] = set()
        self.on_data: Callable[[], None] | None = None
        self.lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.refused.clear()
        self.hang_up_on.clear()
        self.on_data = None

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]


class HangingSMTP:
    """A mail server that hangs: it accepts connections and never says a word, until
    :meth:`recover` makes it pass every new connection on to the real server ``upstream`` (as a
    mail server that comes back after an outage). ``accepted`` counts connections."""

    def __init__(self, upstream: SMTPServer) -> None:
        self.upstream = upstream
        self.accepted = 0
        self.recovered = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._held: list[socket.socket] = []
        self._closing = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> HangingSMTP:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._closing = True
        close_listener(self._listener)
        for held in self._held:
            held.close()

    def recover(self) -> None:
        self.recovered.set()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            if not self.recovered.is_set():
                self._held.append(client)  # open, silent
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream.port))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(source, target), daemon=True).start()
