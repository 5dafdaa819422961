"""Municipalities (CBS reference data) and the organisations people work for."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, case
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from wijkwerk.db import UTCDateTime, str_enum
from wijkwerk.extensions import db
from wijkwerk.timeutil import now_utc


class Municipality(db.Model):
    """A Dutch municipality, keyed by its CBS code (``GM0606``).

    Codes of municipalities that merged away are kept (``active = False``) so old registrations keep
    pointing at them. ``middelgroot`` is the organiser's override when set, else the rule's verdict
    computed when the reference list was loaded.
    """

    __tablename__ = "municipality"
    __table_args__ = (CheckConstraint("code LIKE 'GM____'", name="code_format"),)

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)  # official CBS name
    common_name: Mapped[str] = mapped_column(String(120))  # everyday name: Den Haag, Den Bosch
    province_code: Mapped[str] = mapped_column(String(4))
    province_name: Mapped[str] = mapped_column(String(60))
    population: Mapped[int] = mapped_column(Integer)
    population_date: Mapped[dt.date]
    m50_member: Mapped[bool] = mapped_column(Boolean, default=False)
    middelgroot_by_rule: Mapped[bool] = mapped_column(Boolean, default=False)
    middelgroot_override: Mapped[bool | None] = mapped_column(Boolean)
    middelgroot_override_reason: Mapped[str | None] = mapped_column(Text)
    middelgroot_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    middelgroot_override_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Its OIN (Logius), set by organisers: where e-invoices to this municipality are addressed.
    oin: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    @hybrid_property
    def middelgroot(self) -> bool:
        if self.middelgroot_override is not None:
            return self.middelgroot_override
        return self.middelgroot_by_rule

    @middelgroot.inplace.expression
    @classmethod
    def _middelgroot_expression(cls):
        return case(
            (cls.middelgroot_override.is_not(None), cls.middelgroot_override),
            else_=cls.middelgroot_by_rule,
        )

    @property
    def display_name(self) -> str:
        return self.common_name or self.name

    def __repr__(self) -> str:
        return f"<Municipality {self.code} {self.name}>"


class OrganisationType(StrEnum):
    """Where a participant works (seed 003's audience list; docs/api.md ``organisation_type``)."""

    GEMEENTE = "gemeente"
    WELZIJN = "welzijn"
    ONDERWIJS = "onderwijs"
    ZORG = "zorg"
    SOCIAAL_WERK = "sociaal_werk"
    IMPACT = "impact"
    INITIATIEF = "initiatief"
    WONINGCORPORATIE = "woningcorporatie"
    POLITIE = "politie"
    ANDERS = "anders"


class Organisation(db.Model):
    """An organisation people work for; a municipality's own organisation links to it."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[OrganisationType] = mapped_column(str_enum(OrganisationType, "organisation_type"))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.code"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
