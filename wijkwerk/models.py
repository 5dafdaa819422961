"""Every model, imported once so that Alembic, the shell and ``db.create_all`` see them all."""

from wijkwerk.accounts.models import Account, ApiToken, Role
from wijkwerk.attendance.models import Attendance, AttendanceStatus
from wijkwerk.audit.models import AuditEntry
from wijkwerk.documents.models import Document
from wijkwerk.kennis.models import CityParticipation, KennisMeeting, MeetingPresenter
from wijkwerk.municipalities.models import Municipality, Organisation, OrganisationType
from wijkwerk.outbox.models import OutboxAttachment, OutboxMessage
from wijkwerk.payments.models import (
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    Payment,
    PaymentMethod,
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
from wijkwerk.ratelimit import RateLimitCounter
from wijkwerk.registrations.messages import ProgrammeMessage
from wijkwerk.registrations.models import (
    Registration,
    RegistrationEvent,
    RegistrationState,
)
from wijkwerk.registrations.parts import (
    BillingDetails,
    Casus,
    CoachSlot,
    Domain,
    MemberRole,
    ProfessionalRole,
    RegistrationMember,
)
from wijkwerk.wijklab.models import (
    Expert,
    InvitationStatus,
    LabGoal,
    LabRequest,
    LabStage,
    LabTask,
    PanelInvitation,
    TaskOwner,
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
    "CityParticipation",
    "CoachSlot",
    "ContactTopic",
    "Document",
    "Domain",
    "Exemption",
    "Expert",
    "FeeUnit",
    "InvitationStatus",
    "Invoice",
    "InvoiceCounter",
    "InvoiceKind",
    "KennisMeeting",
    "LabGoal",
    "LabRequest",
    "LabStage",
    "LabTask",
    "MeetingPresenter",
    "MemberRole",
    "Municipality",
    "Organisation",
    "OrganisationType",
    "OutboxAttachment",
    "OutboxMessage",
    "PanelInvitation",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Person",
    "ProfessionalRole",
    "Programme",
    "ProgrammeContact",
    "ProgrammeKind",
    "ProgrammeMessage",
    "ProgrammeSession",
    "ProgrammeStatus",
    "RateLimitCounter",
    "Refund",
    "RefundStatus",
    "Registration",
    "RegistrationEvent",
    "RegistrationMember",
    "RegistrationState",
    "Role",
    "SessionStatus",
    "StripeEvent",
    "TaskOwner",
]
