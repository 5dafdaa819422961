import os
import stat

import pytest

from wijkwerk import create_app


def test_settings_come_from_the_environment_with_the_wijkwerk_prefix(monkeypatch, tmp_path):
    monkeypatch.setenv("WIJKWERK_BASE_URL", "https://wijkwerk.example.nl/")
    monkeypatch.setenv("WIJKWERK_MAIL_PORT", "2525")
    monkeypatch.setenv("WIJKWERK_SQLALCHEMY_DATABASE_URI", "sqlite:///" + str(tmp_path / "x.db"))
    monkeypatch.setenv("WIJKWERK_STRIPE_SECRET_KEY", "sk_test_123")
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["BASE_URL"] == "https://wijkwerk.example.nl"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")
    assert app.config["STRIPE_SECRET_KEY"] == "sk_test_123"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("WIJKWERK_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app(instance_path=str(tmp_path / "instance"))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{tmp_path / 'instance' / 'wijkwerk.sqlite3'}"
    )
    assert app.config["STRIPE_SECRET_KEY"] is None  # Stripe only when configured


def test_development_secret_key_is_generated_once_and_private(monkeypatch, tmp_path):
    monkeypatch.delenv("WIJKWERK_SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path / "instance"))
    second = create_app(instance_path=str(tmp_path / "instance"))
    key_file = tmp_path / "instance" / "secret_key"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_production_refuses_to_start_without_secret_key_and_database(monkeypatch, tmp_path):
    for name in ("WIJKWERK_SECRET_KEY", "WIJKWERK_SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="WIJKWERK_SECRET_KEY"):
        create_app("config.production.ProductionConfig", instance_path=str(tmp_path))
    monkeypatch.setenv("WIJKWERK_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("WIJKWERK_SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://u@127.0.0.1/db")
    with pytest.raises(RuntimeError, match="WIJKWERK_SELLER_KVK"):  # an invoice needs the seller
        create_app("config.production.ProductionConfig", instance_path=str(tmp_path))
    seller = {
        "SELLER_NAME": "Kennisinstituut",
        "SELLER_ADDRESS": "Postbus 1",
        "SELLER_KVK": "12345678",
        "SELLER_VAT_NUMBER": "NL123456789B01",
    }
    for name, value in seller.items():
        monkeypatch.setenv(f"WIJKWERK_{name}", value)
    # the e-invoice needs the address in parts and the account it is paid to (docs/einvoice.md)
    with pytest.raises(RuntimeError) as refused:
        create_app("config.production.ProductionConfig", instance_path=str(tmp_path))
    for name in ("WIJKWERK_SELLER_POSTCODE", "WIJKWERK_SELLER_CITY", "WIJKWERK_SELLER_IBAN"):
        assert name in str(refused.value)
    monkeypatch.setenv("WIJKWERK_SELLER_POSTCODE", "2500 AA")
    monkeypatch.setenv("WIJKWERK_SELLER_CITY", "Den Haag")
    monkeypatch.setenv("WIJKWERK_SELLER_IBAN", "NL91 ABNA 0417 1643 00")
    monkeypatch.setenv("WIJKWERK_SELLER_KVK", "1234567")  # seven digits: not a KvK number
    with pytest.raises(RuntimeError, match="WIJKWERK_SELLER_KVK must be 8 digits"):
        create_app("config.production.ProductionConfig", instance_path=str(tmp_path))
    monkeypatch.setenv("WIJKWERK_SELLER_KVK", "12345678")
    monkeypatch.setenv("WIJKWERK_SELLER_VAT_NUMBER", "123456789B01")  # no country
    with pytest.raises(RuntimeError, match="WIJKWERK_SELLER_VAT_NUMBER must be"):
        create_app("config.production.ProductionConfig", instance_path=str(tmp_path))
    monkeypatch.setenv("WIJKWERK_SELLER_VAT_NUMBER", "NL123456789B01")
    app = create_app("config.production.ProductionConfig", instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
