"""Flask extensions, created unbound and initialised in the application factory."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from wijkwerk.db import Base

db = SQLAlchemy(model_class=Base)
# Batch mode lets Alembic alter tables on SQLite, which has only a limited ALTER TABLE.
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
login = LoginManager()
