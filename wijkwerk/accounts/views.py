from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from wijkwerk.accounts.forms import LoginForm
from wijkwerk.accounts.services import (
    authenticate,
    release_login_attempt,
    reserve_login_attempt,
)
from wijkwerk.extensions import db
from wijkwerk.ratelimit import client_address
from wijkwerk.urls import local_target

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("backoffice.home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        # The try is counted before the password is checked, in one atomic step: simultaneous
        # guesses cannot all pass a count taken before any of them was recorded.
        reservation = reserve_login_attempt(form.email.data, client_address())
        if reservation.refused:
            form.password.errors.append(
                _("Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")
            )
            response = make_response(render_template("accounts/login.html", form=form), 429)
            response.headers["Retry-After"] = str(reservation.retry_after)
            return response
        account = authenticate(form.email.data, form.password.data)
        if account is not None:
            release_login_attempt(reservation)
        db.session.commit()
        if account is not None:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without use
            login_user(account)
            return redirect(
                local_target(request.args.get("next"), url_for("backoffice.home.index"))
            )
        form.password.errors.append(_("Deze combinatie van e-mailadres en wachtwoord klopt niet."))
    if form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Ends this account's every session, not only this cookie: a copy of it (another
        # browser, a stolen cookie) is logged out too.
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("programmes.home"))
