"""SMTP connections that cannot hang: Flask-Mail's connection with a timeout on every socket
operation, and a way for a stopping worker to cut the ones still open."""

from __future__ import annotations

import contextlib
import smtplib
import socket

from flask import current_app
from flask_mail import Connection


class TimedConnection(Connection):
    """Flask-Mail's connection with a timeout on every socket operation (Flask-Mail sets none, so
    a server that accepts and never answers would hold the caller for ever). Open connections are
    known, so a stopping worker can cut them (:func:`abort_connections`)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(current_app.extensions["mail"])
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(timeout=self.timeout)
        _open_hosts.add(host)
        try:
            host.connect(state.server, state.port)
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except BaseException:
            _open_hosts.discard(host)
            host.close()
            raise
        return host

    def __exit__(self, *exc_info) -> None:
        host = self.host
        try:
            if host is not None and exc_info[0] is None:
                host.quit()
        finally:
            if host is not None:
                _open_hosts.discard(host)
                host.close()


_open_hosts: set[smtplib.SMTP] = set()


def abort_connections() -> None:
    """Cut every open SMTP connection of this process: whatever waits on one fails at once (the
    ``deliver`` worker does this when it has been asked to stop and SMTP holds it up)."""
    for host in list(_open_hosts):
        sock = getattr(host, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # closed meanwhile
                sock.shutdown(socket.SHUT_RDWR)
