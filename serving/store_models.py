"""Tables of the decision store: leads, an append-only decision history, and the gates each decision fired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    """Declarative base of the store."""


class LeadRow(Base):
    """A lead as last known: the submitted lead with every event appended since."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("review_token", name="uq_leads_review_token"),
        Index("ix_leads_account_domain", "account_domain"),
        Index("ix_leads_ip_received", "source_ip", "received_at"),
        Index("ix_leads_email_received", "email", "received_at"),
    )

    lead_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # The opaque token of the public answer that lets the person ask for a human review (GDPR Art. 22).
    review_token: Mapped[str | None] = mapped_column(String(64))
    lead: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Copied from the lead when it is stored (features/accounts.py), so accounts and counts are indexed.
    account_domain: Mapped[str | None] = mapped_column(String(253), doc="registered company domain")
    email: Mapped[str | None] = mapped_column(String(320), doc="contact email, case-folded")
    source_ip: Mapped[str | None] = mapped_column(String(64))


class DecisionRow(Base):
    """One decision; rows are only ever inserted, so a lead's history is its rows in `seq` order."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("lead_id", "seq", name="uq_decisions_lead_seq"),
        Index("ix_decisions_route_decided", "route", "decided_at"),
        Index("ix_decisions_decided", "decided_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.lead_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(20))
    route: Mapped[str] = mapped_column(String(20))
    route_source: Mapped[str] = mapped_column(String(20))
    band: Mapped[str | None] = mapped_column(String(20))
    p_sql: Mapped[float | None] = mapped_column(Float)
    next_step: Mapped[str] = mapped_column(String(20))
    public_message: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str | None] = mapped_column(String(200))
    model_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_version: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    record: Mapped[dict] = mapped_column(JSON)


class DecisionGateRow(Base):
    """A gate that fired in a decision, for filtering decisions by gate."""

    __tablename__ = "decision_gates"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)
    lifted: Mapped[bool] = mapped_column(Boolean, default=False)


class ShadowDecisionRow(Base):
    """A challenger's decision on a lead, made beside the champion's and never shown to anyone outside."""

    __tablename__ = "shadow_decisions"
    __table_args__ = (
        UniqueConstraint("lead_id", "model_version", name="uq_shadow_lead_model"),
        Index("ix_shadow_model_decided", "model_version", "decided_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.lead_id"), index=True)
    model_version: Mapped[str] = mapped_column(String(200))
    policy_version: Mapped[str] = mapped_column(String(100))
    route: Mapped[str | None] = mapped_column(String(20))
    band: Mapped[str | None] = mapped_column(String(20))
    p_sql: Mapped[float | None] = mapped_column(Float)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seconds: Mapped[float] = mapped_column(Float, doc="time the challenger took to decide")
    error: Mapped[str | None] = mapped_column(String(500), doc="why the challenger failed, if it did")
    record: Mapped[dict | None] = mapped_column(JSON)


class OutcomeRow(Base):
    """What sales learned of a lead: SQL or not, won or not, and the standardized rejection reason."""

    __tablename__ = "outcomes"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.lead_id"), primary_key=True)
    sql: Mapped[bool] = mapped_column(Boolean)
    won: Mapped[bool | None] = mapped_column(Boolean, doc="none: unknown, not 'not won'")
    rejection_reason: Mapped[str | None] = mapped_column(String(100))
    feedback: Mapped[str | None] = mapped_column(String(2000), doc="free text a rep left")
    source: Mapped[str] = mapped_column(String(40), doc="api, import file name, ...")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    at_given: Mapped[bool | None] = mapped_column(
        Boolean,
        doc="recorded_at is the time sent with the outcome (its `at`); false: when leadgate recorded it, none "
        "being sent; none: stored before migration 0012, not known",
    )


class ErasureRow(Base):
    """What is kept of an erased lead: how it was decided, never who it was (GDPR Art. 17 audit)."""

    __tablename__ = "erasures"
    __table_args__ = (Index("ix_erasures_erased", "erased_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_hash: Mapped[str | None] = mapped_column(
        String(64), index=True, doc="HMAC-SHA256 of the lead id keyed by the erasure salt; none without one"
    )
    reason: Mapped[str] = mapped_column(String(20), doc="request (Art. 17) or retention")
    route: Mapped[str | None] = mapped_column(String(20), doc="the latest decision's route")
    route_source: Mapped[str | None] = mapped_column(String(20))
    band: Mapped[str | None] = mapped_column(String(20))
    gates: Mapped[list] = mapped_column(JSON, doc="codes of the gates the latest decision fired")
    model_version: Mapped[str | None] = mapped_column(String(200))
    policy_version: Mapped[str | None] = mapped_column(String(100))
    decisions: Mapped[int] = mapped_column(Integer, doc="how many decisions the lead had")
    decided_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="the latest decision's time, to the hour"
    )
    sql: Mapped[bool | None] = mapped_column(Boolean, doc="the outcome, when one was recorded")
    won: Mapped[bool | None] = mapped_column(Boolean)
    erased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccountStatusRow(Base):
    """What the company knows of an account beyond its leads: set by sales or account management."""

    __tablename__ = "account_status"

    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    do_not_engage: Mapped[bool] = mapped_column(Boolean, default=False)
    churned_non_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    open_escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(200), doc="the API key's name; none before 0009")


class AccountStatusAuditRow(Base):
    """Append-only: every change to an account's status, who made it, when, and the status before and after."""

    __tablename__ = "account_status_audit"
    __table_args__ = (Index("ix_account_status_audit_domain", "domain", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    domain: Mapped[str] = mapped_column(String(253))
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    before: Mapped[dict | None] = mapped_column(JSON, doc="the flags and note before; none: no status yet")
    after: Mapped[dict] = mapped_column(JSON)
    decided: Mapped[int] = mapped_column(Integer, doc="stored leads of the account decided again")


class ReviewRow(Base):
    """A person's request for a human to look at an automatic decision, and what sales found."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("lead_id", "decision_seq", name="uq_reviews_lead_seq"),
        Index("ix_reviews_status_opened", "status", "opened_at"),
        # Its id is in the API's URLs: SQLite must not hand an erased review's id to a new one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.lead_id"), index=True)
    decision_seq: Mapped[int] = mapped_column(Integer, doc="the disputed decision")
    route: Mapped[str] = mapped_column(String(20), doc="its route")
    control: Mapped[str] = mapped_column(String(20), doc="the control that set it (override: not automatic)")
    p_sql: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str | None] = mapped_column(String(2000), doc="what the person wrote")
    status: Mapped[str] = mapped_column(String(20), doc="open or resolved")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(20), doc="misclassified or correct")
    note: Mapped[str | None] = mapped_column(String(2000))
    resolved_by: Mapped[str | None] = mapped_column(String(100), doc="the API key's name")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class OverrideRow(Base):
    """Sales set a lead's route by hand, with a reason; active until lifted, kept as a record after."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.lead_id"), index=True)
    route: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str] = mapped_column(String(20), doc="vip, strategic or other")
    note: Mapped[str | None] = mapped_column(String(2000))
    created_by: Mapped[str] = mapped_column(String(100), doc="the API key's name")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lifted_by: Mapped[str | None] = mapped_column(String(100))
    lift_note: Mapped[str | None] = mapped_column(String(2000))


class FeedbackRow(Base):
    """Sales' verdict on a lead it was sent: accepted, or rejected with a standardized reason."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.lead_id"), index=True)
    verdict: Mapped[str] = mapped_column(String(20), doc="accepted or rejected")
    reason: Mapped[str | None] = mapped_column(String(40), doc="standardized code; required when rejected")
    note: Mapped[str | None] = mapped_column(String(2000))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListEntryRow(Base):
    """One entry of a maintained list (competitor domains, networks, employees, do-not-engage, rejected)."""

    __tablename__ = "list_entries"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), primary_key=True, doc="normalized domain or CIDR")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(String(500))


class ListAuditRow(Base):
    """Append-only: every change to a list, who made it, when and why; its highest id is the lists' revision."""

    __tablename__ = "list_audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(10), doc="add or remove")
    who: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SuppressionRow(Base):
    """A kind of contact stopped for a person (email) or an account (domain); lifted, never deleted."""

    __tablename__ = "suppressions"
    __table_args__ = (
        UniqueConstraint("subject", "contact", "source", "created_at", name="uq_suppressions_same"),
        Index("ix_suppressions_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(10), doc="email or domain")
    subject: Mapped[str] = mapped_column(String(320), doc="lower-cased; 'erased:' + a hash once erased")
    contact: Mapped[str] = mapped_column(String(20), doc="marketing_email, phone or all_contact")
    reason: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(
        String(40), doc="event:unsubscribe, event:do_not_call, event:spam_complaint, api, cli"
    )
    lead_id: Mapped[str | None] = mapped_column(String(200), doc="the lead whose event created it, if any")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lifted_by: Mapped[str | None] = mapped_column(String(200))
    lift_reason: Mapped[str | None] = mapped_column(String(500))
    expiry_settled_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="when its stored leads were decided again after it expired"
    )
