"""`make bench`, part 2: wijkwerk under load, measured (a benchmark, not a timed test).

For each database (PostgreSQL, SQLite) the script builds a fresh database (migrations, the CBS
municipalities, the demo programmes, and a large driedaagse for registrations), starts wijkwerk
under gunicorn with 2 sync workers, and drives it with wrk (Debian's package; installed when missing
and root) at 10 and 50 concurrent connections:

- the public programme page (GET /programmes/{slug}),
- an individual's registration on invoice (POST /api/v1/programmes/{slug}/registrations; every one
  a new person, so each request really registers, queues mail and issues an invoice),
- the programme's .ics feed (GET /programmes/{slug}/calendar.ics).

A bare Flask "hello" app under the same gunicorn settings gives the ceiling to compare with. Mail
goes to a local SMTP sink. Last, 200 clients start at one moment to race for the last 5 places of a
programme: exactly 5 may get one, the rest join the waiting list, none may fail.

Prints a Markdown table for docs/load.md and exits non-zero when a target is missed:
programme page ≥ 50 % of bare Flask's throughput, ≥ 50 registrations/s without errors, no
overbooking.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONCURRENCY = (10, 50)
WORKERS = 2
RACE_CLIENTS = 200
RACE_PLACES = 5
BIG_COURSE = "bench-driedaagse"
RACE_COURSE = "bench-laatste-plaatsen"

REGISTRATION = {
    "person": {
        "name": "Belasting Test",
        "email": "EMAIL",
        "phone": "06 12345678",
        "function": "Projectleider wijkaanpak",
        "organisation": "Gemeente Rotterdam",
        "organisation_type": "gemeente",
        "role": "projectleider",
    },
    "billing": {
        "organisation": "Gemeente Rotterdam",
        "address": "Coolsingel 40",
        "postcode": "3011 AD",
        "city": "Rotterdam",
        "email": "facturen@rotterdam.nl",
        "po_number": "4500123456",
    },
    "payment_method": "invoice",
    "consent": True,
    "locale": "nl",
}

# wrk's Lua: a new e-mail address for every POST, and the figures as one JSON line at the end.
WRK_SCRIPT = r"""
local counter = 0
local next_thread = 1
local nonce = "x"
function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end
function init(args)
  nonce = args[1] or "x"
end
if os.getenv("BENCH_BODY") then
  local template = os.getenv("BENCH_BODY")
  request = function()
    counter = counter + 1
    local email = string.format("bench-%s-%d-%d@example.nl", nonce, tid, counter)
    local body = string.gsub(template, "EMAIL", email)
    return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.status))
end
"""

HELLO_APP = """
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is not installed; run: sudo apt-get install wrk")
    print("installing wrk (Debian package)...", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk did not install")


def _serve_mail(port: int, received, stop) -> None:
    """The SMTP sink's process: accept and forget every message, counting them."""
    from aiosmtpd.controller import Controller

    os.nice(19)

    class Handler:
        async def handle_DATA(self, _server, _session, _envelope) -> str:
            with received.get_lock():
                received.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


class MailSink:
    """An SMTP server that accepts and forgets every message (aiosmtpd). It stands in for the mail
    server, which in production is another machine: it runs in a process of its own at the lowest
    priority, so it does not take the CPU the app is measured on."""

    def __init__(self) -> None:
        import multiprocessing

        self.port = free_port()
        self._received = multiprocessing.Value("i", 0)
        self._stop = multiprocessing.Event()
        self._process = multiprocessing.Process(
            target=_serve_mail, args=(self.port, self._received, self._stop), daemon=True
        )

    @property
    def received(self) -> int:
        return self._received.value

    def __enter__(self) -> MailSink:
        self._process.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._process.join(timeout=30)


def prepare(uri: str) -> dict:
    """A fresh database: schema by migration, municipalities, demo programmes, two courses."""
    from wijkwerk import create_app
    from wijkwerk.extensions import db
    from wijkwerk.programmes.models import (
        Allocation,
        FeeUnit,
        Programme,
        ProgrammeKind,
        ProgrammeSession,
        ProgrammeStatus,
    )
    from wijkwerk.timeutil import local

    env = {**os.environ, "WIJKWERK_SQLALCHEMY_DATABASE_URI": uri, "WIJKWERK_LOG_LEVEL": "WARNING"}
    for command in (["db", "upgrade"], ["wijkwerk", "load-municipalities"], ["wijkwerk", "demo"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    app = create_app(SQLALCHEMY_DATABASE_URI=uri, LOG_LEVEL="WARNING")
    with app.app_context():
        for slug, capacity in ((BIG_COURSE, 1_000_000), (RACE_COURSE, RACE_PLACES)):
            programme = Programme(
                slug=slug,
                kind=ProgrammeKind.DRIEDAAGSE,
                title=f"Driedaagse ({slug})",
                status=ProgrammeStatus.PUBLISHED,
                fee_cents=180_000,
                fee_per=FeeUnit.PERSON,
                capacity=capacity,
                allocation=Allocation.FIRST_COME,
                registration_deadline=local(2099, 9, 1, 23, 59),
            )
            db.session.add(programme)
            for day in (22, 23, 24):
                db.session.add(
                    ProgrammeSession(
                        programme=programme,
                        title=f"Dag {day - 21}",
                        starts_at=local(2099, 11, day, 9, 30),
                        ends_at=local(2099, 11, day, 17, 0),
                        location_name="Kaap Doorn",
                    )
                )
        db.session.commit()
        demo = db.session.scalar(
            db.select(Programme.slug).where(Programme.kind == ProgrammeKind.WERKPLAATS)
        )
        db.engine.dispose()
    return {"programme": demo}


class Gunicorn:
    def __init__(self, target: str, env: dict, cwd: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
                target,
            ],
            cwd=cwd,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {target} did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(url: str, connections: int, script: Path, body: str | None = None) -> dict:
    env = {**os.environ}
    if body is not None:
        env["BENCH_BODY"] = body
    # Warm up (connections, caches, the first query plans) before measuring.
    subprocess.run(
        ["wrk", "-t2", f"-c{connections}", "-d2s", "-s", str(script), url, "--", "warm"],
        env=env,
        check=True,
        capture_output=True,
    )
    nonce = f"{connections}-{time.time_ns()}"
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{SECONDS}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            url,
            "--",
            nonce,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def race(base_url: str) -> dict:
    """200 clients, released at one moment, each registering a different person."""
    barrier = threading.Barrier(RACE_CLIENTS)
    statuses: list[int] = []
    states: list[str] = []
    lock = threading.Lock()
    host, port = base_url.removeprefix("http://").split(":")

    def client(n: int) -> None:
        body = json.dumps(REGISTRATION).replace("EMAIL", f"race-{n}@example.nl")
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        connection.connect()
        barrier.wait()
        connection.request(
            "POST",
            f"/api/v1/programmes/{RACE_COURSE}/registrations",
            body,
            {"Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        data = answer.read()
        with lock:
            statuses.append(answer.status)
            if answer.status == 201:
                states.append(json.loads(data)["state"])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(RACE_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "clients": RACE_CLIENTS,
        "created": statuses.count(201),
        "failed": len(statuses) - statuses.count(201),
        "confirmed": states.count("confirmed"),
        "waitlisted": states.count("waitlisted"),
    }


def places_taken(uri: str, slug: str) -> tuple[int, int]:
    """(places held, capacity) as the database has them after the run."""
    from wijkwerk import create_app
    from wijkwerk.extensions import db
    from wijkwerk.programmes.models import Programme
    from wijkwerk.registrations.models import Registration

    app = create_app(SQLALCHEMY_DATABASE_URI=uri, LOG_LEVEL="WARNING")
    with app.app_context():
        programme = db.session.scalar(db.select(Programme).where(Programme.slug == slug))
        held = db.session.scalar(
            db.select(db.func.count(Registration.id)).where(
                Registration.programme_id == programme.id, Registration.holds_place.is_(True)
            )
        )
        capacity = programme.capacity
        db.engine.dispose()
    return held, capacity


def drain(uri: str, limit: float = 600) -> dict:
    """Wait until the delivery worker has sent everything queued; how long that took after the
    last request, and the counts."""
    from wijkwerk import create_app
    from wijkwerk.extensions import db
    from wijkwerk.outbox.models import OutboxMessage

    app = create_app(SQLALCHEMY_DATABASE_URI=uri, LOG_LEVEL="WARNING")
    started = time.monotonic()
    with app.app_context():
        count = db.select(db.func.count(OutboxMessage.id))
        while True:
            unsent = db.session.scalar(count.where(OutboxMessage.sent_at.is_(None)))
            db.session.commit()
            if not unsent or time.monotonic() - started > limit:
                break
            time.sleep(0.2)
        figures = {
            "queued": db.session.scalar(count),
            "unsent": unsent,
            "failed": db.session.scalar(count.where(OutboxMessage.last_error.is_not(None))),
            "seconds": time.monotonic() - started,
        }
        db.engine.dispose()
    return figures


def postgres_uri() -> str:
    base = subprocess.run(
        ["bash", str(ROOT / "scripts" / "test-postgres.sh")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    server = base.rsplit("/", 1)[0]
    admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS wijkwerk_bench")
        connection.execute("CREATE DATABASE wijkwerk_bench")
    return f"{server}/wijkwerk_bench"


def measure_wijkwerk(name: str, uri: str, work: Path, sink: MailSink, results: dict) -> None:
    print(f"[{name}] preparing the database...", file=sys.stderr)
    slugs = prepare(uri)
    env = {
        **os.environ,
        "WIJKWERK_SQLALCHEMY_DATABASE_URI": uri,
        "WIJKWERK_SECRET_KEY": "bench-secret-key",
        "WIJKWERK_MAIL_SERVER": "127.0.0.1",
        "WIJKWERK_MAIL_PORT": str(sink.port),
        "WIJKWERK_LOG_LEVEL": "WARNING",
        "WIJKWERK_BASE_URL": "http://127.0.0.1",
        "WIJKWERK_MAIL_DELIVERY": "worker",
    }
    server = Gunicorn("app:app", env, ROOT)
    # The mail delivery worker, as docs/operations.md "Production" runs it: a process of its own at a lower
    # priority, so a burst of registrations goes first and the mail follows.
    courier = subprocess.Popen(
        ["nice", "-n", "19", str(BIN / "flask"), "--app", "app", "wijkwerk", "deliver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        script = work / "wrk.lua"
        body = json.dumps(REGISTRATION)
        for connections in CONCURRENCY:
            print(f"[{name}] {connections} clients...", file=sys.stderr)
            results[(name, "programme page", connections)] = wrk(
                f"{server.url}/programmes/{slugs['programme']}", connections, script
            )
            results[(name, "registration POST", connections)] = wrk(
                f"{server.url}/api/v1/programmes/{BIG_COURSE}/registrations",
                connections,
                script,
                body,
            )
            results[(name, ".ics feed", connections)] = wrk(
                f"{server.url}/programmes/{slugs['programme']}/calendar.ics", connections, script
            )
        print(f"[{name}] {RACE_CLIENTS} clients race for {RACE_PLACES} places...", file=sys.stderr)
        outcome = race(server.url)
        outcome["held"], outcome["capacity"] = places_taken(uri, RACE_COURSE)
        results[(name, "race")] = outcome
        print(f"[{name}] waiting for the outbox to empty...", file=sys.stderr)
        results[(name, "mail")] = drain(uri)
    finally:
        server.stop()
        courier.terminate()
        courier.wait(timeout=60)


def cpu_speed() -> float:
    """Milliseconds one core takes for a fixed pure-Python loop: this machine's speed varies from
    run to run (a shared host), and the figures move with it."""
    started = time.perf_counter()
    total = 0
    for number in range(2_000_000):
        total += number
    return (time.perf_counter() - started) * 1000


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"
    )


def report(results: dict) -> tuple[str, list[str]]:
    speeds = results["cpu"]
    lines = [
        f"Measured {dt.datetime.now(dt.UTC).date().isoformat()} on {machine()}; gunicorn {WORKERS} sync workers, "
        f"wrk 2 threads, {SECONDS} s per figure after a 2 s warm-up. A fixed Python loop took "
        f"{min(speeds):.0f}–{max(speeds):.0f} ms during the run (lower is faster).",
        "",
        "| what | clients | PostgreSQL req/s | p95 ms | SQLite req/s | p95 ms | bare Flask req/s | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    misses = []
    for what in ("programme page", "registration POST", ".ics feed"):
        for connections in CONCURRENCY:
            row = [what, str(connections)]
            for name in ("PostgreSQL", "SQLite"):
                figures = results[(name, what, connections)]
                errors = f" ({figures['errors']} errors)" if figures["errors"] else ""
                row += [f"{figures['rps']:.0f}{errors}", f"{figures['p95_ms']:.0f}"]
                if figures["errors"]:
                    misses.append(f"{name} {what} at {connections}: {figures['errors']} errors")
            hello = results[("hello", connections)]
            row += [f"{hello['rps']:.0f}", f"{hello['p95_ms']:.1f}"]
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for name in ("PostgreSQL", "SQLite"):
        outcome = results[(name, "race")]
        lines.append(
            f"- {name}: {outcome['clients']} clients raced for {RACE_PLACES} places: "
            f"{outcome['confirmed']} confirmed, {outcome['waitlisted']} on the waiting list, "
            f"{outcome['failed']} failed; the database holds {outcome['held']} of "
            f"{outcome['capacity']} places."
        )
        if outcome["held"] > outcome["capacity"] or outcome["confirmed"] != RACE_PLACES:
            misses.append(f"{name}: overbooked or places lost: {outcome}")
        if outcome["failed"]:
            misses.append(f"{name}: {outcome['failed']} race requests failed")
        mail = results[(name, "mail")]
        lines.append(
            f"- {name}: the delivery worker sent all {mail['queued'] - mail['unsent']} of "
            f"{mail['queued']} queued mails ({mail['failed']} refused); the last went out "
            f"{mail['seconds']:.0f} s after the last request."
        )
        if mail["unsent"] or mail["failed"]:
            misses.append(f"{name}: {mail['unsent']} mails unsent, {mail['failed']} failed")
        for connections in CONCURRENCY:
            page = results[(name, "programme page", connections)]["rps"]
            hello = results[("hello", connections)]["rps"]
            share = page / hello
            lines.append(
                f"- {name}, {connections} clients: the programme page runs at {share:.0%} of bare "
                f"Flask's throughput (target ≥ 50 %)."
            )
            if share < 0.5:
                misses.append(f"{name} programme page at {connections}: {share:.0%} of bare Flask")
            registrations = results[(name, "registration POST", connections)]["rps"]
            if registrations < 50:
                misses.append(f"{name} registrations at {connections}: {registrations:.0f}/s < 50")
    return "\n".join(lines), misses


def main() -> int:
    ensure_wrk()
    results: dict = {"cpu": [cpu_speed()]}
    with tempfile.TemporaryDirectory(prefix="wijkwerk-bench-") as folder:
        work = Path(folder)
        (work / "wrk.lua").write_text(WRK_SCRIPT)
        (work / "hello.py").write_text(HELLO_APP)
        with MailSink() as sink:
            print("[bare Flask] measuring...", file=sys.stderr)
            hello = Gunicorn("hello:app", {**os.environ}, work)
            try:
                for connections in CONCURRENCY:
                    results[("hello", connections)] = wrk(hello.url, connections, work / "wrk.lua")
            finally:
                hello.stop()
            measure_wijkwerk("PostgreSQL", postgres_uri(), work, sink, results)
            results["cpu"].append(cpu_speed())
            measure_wijkwerk("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", work, sink, results)
            print(f"[mail] {sink.received} messages received by the sink", file=sys.stderr)
    results["cpu"].append(cpu_speed())
    table, misses = report(results)
    print(table)
    if misses:
        print("\nTargets missed:\n- " + "\n- ".join(misses))
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
