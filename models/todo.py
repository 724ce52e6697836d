"""Daily care to-dos, the daily runs that make them, the guide's card, and the group sends.

Idempotency lives in the database: a to-do is unique per (customer, rule, anchor, guide), a run
per (store, day), a card per (guide, day), a group send per WeCom msgid.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UTCDateTime, utcnow

TODO_PENDING = "pending"
TODO_SENT = "sent"          # handed to WeCom (a group-send task waiting for the guide's confirmation)
TODO_DONE = "done"          # the customer received it
TODO_SKIPPED = "skipped"
TODO_SNOOZED = "snoozed"
TODO_EXPIRED = "expired"    # its window ended before it was sent
TODO_FAILED = "failed"      # WeCom did not deliver it (not a friend, receive limit)
# The skip reason of an open to-do the daily run withdrew: its touch no longer holds (the customer bought
# again, carted again, the birthday was corrected ...); not counted as assigned to the guide.
RETRACTED_REASON = "情况已变化（系统撤回）"
TODO_STATUSES = (TODO_PENDING, TODO_SENT, TODO_DONE, TODO_SKIPPED, TODO_SNOOZED, TODO_EXPIRED, TODO_FAILED)
OPEN_STATUSES = (TODO_PENDING, TODO_SNOOZED)

CHANNEL_GROUP_SEND = "group_send"
CHANNEL_SIDEBAR = "sidebar"

SEND_OPEN = "open"
SEND_FINAL = "final"


class Todo(Base):
    __tablename__ = "todo"
    __table_args__ = (
        # Leading on the customer: the generation asks "did this customer get this touch already?".
        UniqueConstraint("customer_id", "rule_id", "anchor", "guide_id"),
        CheckConstraint("status IN ('pending', 'sent', 'done', 'skipped', 'snoozed', 'expired', 'failed')",
                        name="status_known"),
        # `listed`, `text` and the materials are in no index, and pages keep room (fillfactor), so the daily
        # relisting and rendering update rows in place (PostgreSQL's HOT updates) without index writes.
        # A guide's to-dos by status; within the pending ones, the most urgent (the daily cap) come first: the
        # day's list-making reads the top of a guide's pending entries, not every row (`listed` stays out of
        # every index, see above). One index for both: each costs the day's insert and expiry a write a row.
        Index("ix_todo_guide_status_order", "guide_id", "status", "first_purchase", "priority"),
        # The open to-dos by the end of their window (the daily expiry); an expired one leaves the index.
        Index("ix_todo_open_expires_on", "expires_on", postgresql_where=text("status IN ('pending', 'snoozed')"),
              sqlite_where=text("status IN ('pending', 'snoozed')")),
        Index("ix_todo_generated_on", "generated_on"),
        Index("ix_todo_sent_at", "sent_at", postgresql_where=text("sent_at IS NOT NULL"),
              sqlite_where=text("sent_at IS NOT NULL")),
        Index("ix_todo_group_send_id", "group_send_id", postgresql_where=text("group_send_id IS NOT NULL"),
              sqlite_where=text("group_send_id IS NOT NULL")),
        # WeCom refused a send for the customer's receive limit (the run skips those customers this period).
        Index("ix_todo_failure_reason", "failure_reason", "updated_at",
              postgresql_where=text("failure_reason IS NOT NULL"), sqlite_where=text("failure_reason IS NOT NULL")),
        {"postgresql_with": {"fillfactor": 70}},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No foreign keys on the generated references: the daily run writes them from rows it has just joined,
    # and stores, guides, customers and rules are never deleted (guides are deactivated, rules disabled).
    # A key check locks its parent row (a WAL record per customer): the day's insert took two to three times as long.
    store_id: Mapped[int] = mapped_column(BigId)
    guide_id: Mapped[int] = mapped_column(BigId)
    customer_id: Mapped[int] = mapped_column(BigId)
    rule_id: Mapped[int] = mapped_column(BigId)
    anchor: Mapped[date] = mapped_column(Date)               # the reference day that makes the touch unique
    generated_on: Mapped[date] = mapped_column(Date)         # the day of the run that created it
    due_on: Mapped[date] = mapped_column(Date)               # the first day it may be listed
    listed: Mapped[bool] = mapped_column(default=False)      # on the guide's list today (within the daily cap)
    expires_on: Mapped[date] = mapped_column(Date)           # the last day of the rule's window
    priority: Mapped[int] = mapped_column(Integer)
    first_purchase: Mapped[bool] = mapped_column(default=False)  # a first-purchase customer: listed first
    text: Mapped[str | None] = mapped_column(Text)           # the rendered personal message
    template_index: Mapped[int | None] = mapped_column(Integer)
    material_ids: Mapped[list] = mapped_column(JSON, default=list)
    links: Mapped[list] = mapped_column(JSON, default=list)   # [{"material_id", "target", "token"}]
    status: Mapped[str] = mapped_column(String(16), default=TODO_PENDING)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    skip_reason: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str | None] = mapped_column(String(16))
    group_send_id: Mapped[int | None] = mapped_column(ForeignKey("group_send.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    rule: Mapped["CadenceRule"] = relationship(primaryjoin="foreign(Todo.rule_id) == CadenceRule.id")  # noqa: F821
    customer: Mapped["Customer"] = relationship(primaryjoin="foreign(Todo.customer_id) == Customer.id")  # noqa: F821


class TodoCandidate(Base):
    """A touch that is due and has no to-do yet, with its customer's caring guide, kept from one run to the next.

    A run adds the touches whose window opened since the previous run and re-derives the touches of the
    customers whose data changed; the candidates that make their guide's list become to-dos (or are held out)
    and leave the table, the others (behind a full list, the customer got another touch today, was contacted
    lately, is at the receive cap) wait for the next run until their window ends. A touch no active guide
    cares for is not kept. The table is derived state: a full run (the first, or after a crash) rebuilds it
    from the rules; a run after HQ edits a rule re-derives that rule's touches.
    """

    __tablename__ = "todo_candidate"
    # A guide's candidates in list order: the top of a guide's waiting touches is read, not all of them.
    __table_args__ = (Index("ix_todo_candidate_guide_order", "guide_id", "sort_key", "rank", "anchor", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    anchor: Mapped[date] = mapped_column(Date, primary_key=True)
    expires_on: Mapped[date] = mapped_column(Date)
    tier: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)          # the rule's place among the enabled rules (tie-break)
    priority: Mapped[int] = mapped_column(Integer)
    bucket: Mapped[int] = mapped_column(Integer)        # the holdout bucket (bot.services.effect)
    guide_id: Mapped[int | None] = mapped_column(BigId)  # the caring guide
    sort_key: Mapped[int] = mapped_column(Integer, server_default="0")   # -(first purchase x 1000 + priority)


class TodoRunout(Base):
    """The day a consumable a customer bought runs out: per customer and SKU, the latest counted purchase
    within the look-back (day, quantity x the SKU's usage cycle; bot.rules.cadence.runout_day).

    Derived state of the daily run, like todo_candidate: a full run rebuilds it, a daily run re-derives the
    customers whose purchases changed, so the replenishment touches opening on a day are an index range.
    """

    __tablename__ = "todo_runout"
    __table_args__ = (Index("ix_todo_runout_runout", "runout"),)

    customer_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    purchase_day: Mapped[date] = mapped_column(Date)
    runout: Mapped[date] = mapped_column(Date)


class TodoDerived(Base):
    """One row while the derived state (todo_candidate, todo_runout) is whole: written by a full run. Like
    them it is unlogged on PostgreSQL, so a crash, which empties them, empties it too, and the next daily
    run is a full one. `basis`: the rules and usage cycles the kept touches follow
    (bot.rules.cadence.derivation), so a run after HQ's edits re-derives only the edited rules' touches."""

    __tablename__ = "todo_derived"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)   # always 1
    rebuilt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    basis: Mapped[dict | None] = mapped_column(JSON)


class TodoRun(Base):
    """One daily generation of one store (a rerun updates it)."""

    __tablename__ = "todo_run"
    __table_args__ = (UniqueConstraint("store_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id"))
    day: Mapped[date] = mapped_column(Date)
    created: Mapped[int] = mapped_column(Integer, default=0)
    listed: Mapped[int] = mapped_column(Integer, default=0)
    carried: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TodoCard(Base):
    """The one template card a guide gets per day, summarising the day's to-dos."""

    __tablename__ = "todo_card"
    __table_args__ = (UniqueConstraint("guide_id", "day"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"))
    day: Mapped[date] = mapped_column(Date)
    task_id: Mapped[str] = mapped_column(String(128), unique=True)
    msgid: Mapped[str | None] = mapped_column(String(128))
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupSend(Base):
    """A WeCom group-send task (externalcontact/add_msg_template) made from to-dos, polled until final."""

    __tablename__ = "group_send"
    __table_args__ = (Index("ix_group_send_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    msgid: Mapped[str] = mapped_column(String(128), unique=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide.id"), index=True)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("todo_card.id"))
    customer_count: Mapped[int] = mapped_column(Integer, default=0)
    fail_list: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(8), default=SEND_OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
