"""Every model, imported once so that Alembic, the shell and ``db.create_all`` see them all."""

from wijkwerk.accounts.models import Account, ApiToken, LoginAttempt, Role
from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.audit.models import AuditEntry
from wijkwerk.municipalities.models import Municipality, Organisation, OrganisationType
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.payments.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
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
    CoachSlot,
    Domain,
    MemberRole,
    PaymentMethod,
    ProfessionalRole,
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
    "AuditEntry",
    "BillingDetails",
    "Casus",
    "CoachSlot",
    "ContactTopic",
    "Domain",
    "Exemption",
    "FeeUnit",
    "Invoice",
    "InvoiceCounter",
    "InvoiceKind",
    "LoginAttempt",
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
    "ProfessionalRole",
    "Programme",
    "ProgrammeContact",
    "ProgrammeKind",
    "ProgrammeSession",
    "ProgrammeStatus",
    "Refund",
    "RefundStatus",
    "Registration",
    "RegistrationEvent",
    "RegistrationMember",
    "RegistrationState",
    "Role",
    "SessionStatus",
    "StripeEvent",
]
