"""Mail leaves through Flask-Mail to a real SMTP server (the one the tests start)."""

from flask_mail import Message

from wijkwerk.extensions import mail


def test_flask_mail_delivers_to_the_configured_smtp_server(app, smtp):
    message = Message(
        subject="Bevestiging van uw aanmelding",
        recipients=["anna@example.nl"],
        body="Beste Anna,\n\nUw aanmelding is ontvangen.",
        html="<p>Beste Anna,</p><p>Uw aanmelding is ontvangen.</p>",
    )
    mail.send(message)
    [received] = smtp.to("anna@example.nl")
    assert received["Subject"] == "Bevestiging van uw aanmelding"
    assert received["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert received.get_body(("plain",)).get_content().startswith("Beste Anna,")
    assert "<p>Beste Anna,</p>" in received.get_body(("html",)).get_content()
