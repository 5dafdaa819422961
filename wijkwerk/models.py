"""Every model, imported once so that Alembic, the shell and ``db.create_all`` see them all."""

from wijkwerk.accounts.models import Account, ApiToken, Role
from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.municipalities.models import Municipality, Organisation, OrganisationType
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.payments.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    Payment,
    PaymentStatus,
    StripeEvent,
)
from wijkwerk.people.models import Person
from wijkwerk.programmes.models import (
    Allocation,
    ContactTopic,
    Exemption,
    FeeUnit,
    Programme,
    ProgrammeContact,
    ProgrammeKind,
    ProgrammeSession,
    ProgrammeStatus,
    SessionStatus,
)
from wijkwerk.registrations.models import (
    BillingDetails,
    Casus,
    Domain,
    MemberRole,
    PaymentMethod,
    Registration,
    RegistrationEvent,
    RegistrationMember,
    RegistrationState,
)

__all__ = [
    "Account",
    "Allocation",
    "ApiToken",
    "Attendance",
    "AttendanceStatus",
    "BillingDetails",
    "Casus",
    "ContactTopic",
    "Domain",
    "Exemption",
    "FeeUnit",
    "Invoice",
    "InvoiceCounter",
    "InvoiceKind",
    "MemberRole",
    "Municipality",
    "Organisation",
    "OrganisationType",
    "OutboxAttachment",
    "OutboxMessage",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Person",
    "Programme",
    "ProgrammeContact",
    "ProgrammeKind",
    "ProgrammeSession",
    "ProgrammeStatus",
    "Registration",
    "RegistrationEvent",
    "RegistrationMember",
    "RegistrationState",
    "Role",
    "SessionStatus",
    "StripeEvent",
]
