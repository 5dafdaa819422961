"""``flask --app app wijkwerk …``: thin commands; each one is one transaction around a service."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from wijkwerk.accounts.models import Role
from wijkwerk.accounts.services import AccountError, create_account, create_api_token, find_account
from wijkwerk.demo.activity import load_activity
from wijkwerk.demo.programmes import load_demo
from wijkwerk.extensions import db
from wijkwerk.formatting import counted
from wijkwerk.jobs import run_due_jobs
from wijkwerk.municipalities.services import (
    ReferenceDataError,
    load_municipalities,
    read_rows,
    reference_date_from_name,
    shipped_file,
)
from wijkwerk.outbox.services import deliver_pending, run_worker
from wijkwerk.outbox.smtp import abort_connections
from wijkwerk.privacy import retention
from wijkwerk.timeutil import AMSTERDAM, frozen_at, now_utc
from wijkwerk.validation import moment_message

# After SIGTERM the mail worker finishes the message it is sending; an SMTP server that holds it up
# longer than this is cut off (the message stays unsent, for the next run).
STOP_GRACE_SECONDS = 2.0

wijkwerk_cli = AppGroup("wijkwerk", help="Beheer van wijkwerk: accounts, referentiegegevens, demo.")


@wijkwerk_cli.command("create-organiser")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ORGANISER.value,
    show_default=True,
    help="admin: alles; organiser: programma's draaien; viewer: alleen lezen.",
)
@click.option("--name", default="", help="Naam zoals getoond in de back-office.")
@click.password_option("--password", help="Wachtwoord (wordt gevraagd als u het weglaat).")
def create_organiser(email: str, role: str, name: str, password: str) -> None:
    """Maak een back-office-account aan."""
    try:
        account = create_account(email, password, Role(role), name)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Account aangemaakt: {account.email} ({account.role.value})")


@wijkwerk_cli.command("create-token")
@click.argument("email")
def create_token(email: str) -> None:
    """Maak een API-token voor een account en toon het (eenmalig)."""
    account = find_account(email)
    if account is None:
        raise click.ClickException(f"Geen account met e-mailadres {email}.")
    token = create_api_token(account)
    db.session.commit()
    click.echo(token)


@wijkwerk_cli.command("load-municipalities")
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Peildatum van de inwonertallen (standaard 1 januari van het jaar in de bestandsnaam).",
)
def load_municipalities_command(path: Path | None, reference_date: dt.datetime | None) -> None:
    """Laad of werk de gemeentelijst bij (standaard het meegeleverde CBS-bestand)."""
    path = path or shipped_file()
    population_date = reference_date.date() if reference_date else reference_date_from_name(path)
    if population_date is None:
        raise click.ClickException("Geef --reference-date: de bestandsnaam noemt geen jaar.")
    try:
        rows = read_rows(path.read_text(encoding="utf-8-sig"))
    except ReferenceDataError as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc
    result = load_municipalities(rows, population_date)
    db.session.commit()
    click.echo(
        f"{result.total} gemeenten in {path.name}: {len(result.added)} nieuw, "
        f"{len(result.updated)} bijgewerkt, {result.unchanged} ongewijzigd, "
        f"{len(result.deactivated)} niet meer actief."
    )


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.datetime:
    """``--now``: ISO 8601; without an offset it is Amsterdam wall-clock time."""
    if value is None:
        return now_utc()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"geen ISO 8601-tijdstip: {value}") from exc
    if moment_message(moment):  # the calendar's arithmetic cannot reach year 1 or 9999
        raise click.BadParameter(f"kies een moment tussen 2000 en 2199: {value}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(dt.UTC)


# `--now` for the commands that act on "now" (tick, purge): ISO 8601, Amsterdam time without offset.
now_option = click.option(
    "--now",
    "now",
    callback=_moment,
    help="Doe alsof het dit moment is (ISO 8601; zonder tijdzone: Amsterdamse tijd).",
)


@wijkwerk_cli.command("tick")
@now_option
def tick(now: dt.datetime) -> None:
    """Voer uit wat nu aan de beurt is: herinneringen, verdelingen, mail. Voor cron."""
    with frozen_at(now):
        report = run_due_jobs(now)
    click.echo(report.summary())


@wijkwerk_cli.command("deliver")
@click.option("--once", is_flag=True, help="Verstuur wat nu klaarstaat en stop.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    help="Seconden tussen twee keer kijken als er niets klaarstaat.",
)
def deliver(once: bool, interval: float) -> None:
    """Verstuur de mail uit de outbox. Zonder --once blijft het draaien tot SIGTERM of Ctrl-C:
    de bezorger bij WIJKWERK_MAIL_DELIVERY=worker (als eigen dienst, naast gunicorn)."""
    if once:
        report = deliver_pending()
        click.echo(f"{counted(report.sent, 'mail', 'mails')} verstuurd, {report.failed} mislukt")
        return
    stop = threading.Event()

    def stop_soon(*_) -> None:
        stop.set()  # the message being sent is finished; if SMTP holds it up, it is cut
        cut = threading.Timer(STOP_GRACE_SECONDS, abort_connections)
        cut.daemon = True
        cut.start()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop_soon)
    click.echo(f"Mailbezorger gestart (elke {interval:g} s); stop met SIGTERM of Ctrl-C.")
    sent = run_worker(stop, interval=interval)
    click.echo(f"Mailbezorger gestopt: {counted(sent, 'mail', 'mails')} verstuurd.")


@wijkwerk_cli.command("purge")
@now_option
@click.option("--dry-run", is_flag=True, help="Alleen tellen; niets wijzigen.")
def purge(now: dt.datetime, dry_run: bool) -> None:
    """Anonimiseer persoonsgegevens van programma's die langer dan de bewaartermijn geleden
    eindigden (PERSONAL_DATA_RETENTION_DAYS). Facturen blijven. Voor cron, bijvoorbeeld wekelijks."""
    with frozen_at(now):
        done = retention.purge(now)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    verb = "Zou anonimiseren" if dry_run else "Geanonimiseerd"
    click.echo(
        f"{verb} (bewaartermijn {days} dagen): {done.registrations} aanmeldingen, "
        f"{done.members} deelnames, {done.people} personen, {done.mails} e-mails."
    )


@wijkwerk_cli.command("demo")
def demo() -> None:
    """Laad de vier demoprogramma's (bestaande blijven ongemoeid)."""
    now = now_utc()
    created = load_demo(now)
    activity = load_activity(created, now)
    db.session.commit()
    if created:
        for programme in created:
            click.echo(f"Aangemaakt: {programme.title} (/programmes/{programme.slug})")
        for line in activity:
            click.echo(f"  {line}")
    else:
        click.echo("De demoprogramma's bestaan al; niets gewijzigd.")
