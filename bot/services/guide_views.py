"""Read models for the customer pages: a guide's customer list and a customer's timeline.

Every query takes its scope (a guide id, or a store id) as an argument; a customer outside it
is not found (None), so the page answers 404.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.rules.birthdays import SOURCE_GUIDE, birthday_note, year_known
from bot.rules.labels import STATUS_LABELS, channel_label as _label, tier_label
from bot.rules.membership import friendship_status
from bot.services.birthdays import state_birthday
from bot.services.timeline import timeline_events
from models import Channel, Customer, CustomerPurchase, Friendship, Guide, utcnow

STATUS_FILTERS = ("active", "lost", "all")
PAGE_SIZE = 50


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def active_clause():
    """SQL for 'the friendship is active' (latest add after every deletion)."""
    f = Friendship
    return and_(f.added_at.is_not(None),
                or_(f.deleted_by_guide_at.is_(None), f.added_at > f.deleted_by_guide_at),
                or_(f.deleted_by_customer_at.is_(None), f.added_at > f.deleted_by_customer_at))


def channel_label(friendship: Friendship, channel: Channel | None) -> str:
    """How the customer came to this guide."""
    return _label(friendship.campaign, channel is not None, friendship.add_way)


@dataclass(frozen=True)
class CustomerRow:
    """One line of a customer list."""

    external_userid: str
    name: str
    remark: str | None
    avatar: str | None
    guide_name: str
    status: str
    added_at: datetime | None
    channel: str
    tier: str
    purchase_count: int
    last_purchase_at: datetime | None

    @property
    def display_name(self) -> str:
        return self.remark or self.name or self.external_userid

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def tier_label(self) -> str:
        return tier_label(self.tier)


@dataclass(frozen=True)
class CustomerPage:
    """One page of a guide's customer list, and where it stands in the whole list."""

    rows: list[CustomerRow]
    total: int          # the customers matching the search and filter, on every page
    page: int           # 1-based
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_count(total: int, size: int) -> int:
    """Pages of `size` for `total` rows (an empty list has one, empty, page)."""
    return max(1, -(-total // size))


def _list_filters(query: str | None, status: str) -> list:
    where = []
    if query and query.strip():
        like = f"%{_escape_like(query.strip())}%"
        where.append(or_(Customer.name.ilike(like, escape="\\"), Friendship.remark.ilike(like, escape="\\")))
    if status == "active":
        where.append(active_clause())
    elif status == "lost":
        where += [~active_clause(), or_(Friendship.deleted_by_guide_at.is_not(None),
                                        Friendship.deleted_by_customer_at.is_not(None))]
    return where


def customer_page(*, session: Session, guide_id: int, query: str | None = None, status: str = "active",
                  page: int = 1, size: int = PAGE_SIZE) -> CustomerPage:
    """A page of the guide's customers (their friendships), newest first, optionally searched by name or
    remark. A page past the end is the last page."""
    where = [Friendship.guide_id == guide_id, *_list_filters(query, status)]
    total = session.scalar(select(func.count()).select_from(Friendship)
                           .join(Customer, Friendship.customer_id == Customer.id).where(*where))
    page = min(max(page, 1), page_count(total, size))
    stmt = (
        select(Friendship, Customer, Channel, CustomerPurchase, Guide.name)
        .join(Customer, Friendship.customer_id == Customer.id)
        .join(Guide, Friendship.guide_id == Guide.id)
        .outerjoin(Channel, Friendship.channel_id == Channel.id)
        .outerjoin(CustomerPurchase, CustomerPurchase.customer_id == Customer.id)
        .where(*where)
        .order_by(Friendship.added_at.desc(), Friendship.id.desc())
        .offset((page - 1) * size).limit(size)
    )
    rows = [_row(f, c, ch, p, guide_name) for f, c, ch, p, guide_name in session.execute(stmt)]
    return CustomerPage(rows, total, page, size)


def _row(f: Friendship, c: Customer, channel: Channel | None, purchase: CustomerPurchase | None,
         guide_name: str) -> CustomerRow:
    return CustomerRow(
        external_userid=c.external_userid, name=c.name, remark=f.remark, avatar=c.avatar, guide_name=guide_name,
        status=friendship_status(f.added_at, f.deleted_by_guide_at, f.deleted_by_customer_at),
        added_at=f.added_at, channel=channel_label(f, channel),
        tier=purchase.tier if purchase else "none", purchase_count=purchase.purchase_count if purchase else 0,
        last_purchase_at=purchase.last_purchase_at if purchase else None,
    )


def _scoped_friendships(session: Session, customer: Customer, guide_id: int | None,
                        store_id: int | None) -> list[tuple[Friendship, Guide, Channel | None]]:
    stmt = (
        select(Friendship, Guide, Channel).join(Guide, Friendship.guide_id == Guide.id)
        .outerjoin(Channel, Friendship.channel_id == Channel.id)
        .where(Friendship.customer_id == customer.id).order_by(Friendship.id)
    )
    if guide_id is not None:
        stmt = stmt.where(Friendship.guide_id == guide_id)
    elif store_id is not None:
        stmt = stmt.where(or_(Guide.store_id == store_id, Friendship.store_id == store_id))
    return [tuple(row) for row in session.execute(stmt)]


def set_birthday(*, session: Session, external_userid: str, guide_id: int, birthday: date | None) -> Customer | None:
    """A guide records (or clears) a customer's birthday; None when the customer is not the guide's. The
    customer's change makes the next daily run re-derive their touches (the birthday ritual)."""
    customer = session.scalars(select(Customer).where(Customer.external_userid == external_userid)).one_or_none()
    if customer is None or not _scoped_friendships(session, customer, guide_id, None):
        return None
    if state_birthday(customer, birthday, SOURCE_GUIDE, utcnow()):
        session.flush()
    return customer


def customer_detail(*, session: Session, external_userid: str, guide_id: int | None = None,
                    store_id: int | None = None) -> dict | None:
    """The customer and their timeline as seen from a guide (or a store); None outside that scope."""
    customer = session.scalars(select(Customer).where(Customer.external_userid == external_userid)).one_or_none()
    if customer is None:
        return None
    friendships = _scoped_friendships(session, customer, guide_id, store_id)
    if not friendships:
        return None
    purchase = session.get(CustomerPurchase, customer.id)
    main = friendships[0][0]
    return {
        "customer": customer, "remark": main.remark, "display_name": main.remark or customer.name,
        "friendships": [_friendship_summary(f, g, ch) for f, g, ch in friendships],
        "tier": purchase.tier if purchase else "none",
        "tier_label": tier_label(purchase.tier if purchase else None),
        "purchase_count": purchase.purchase_count if purchase else 0,
        "lifetime_amount": purchase.lifetime_amount if purchase else 0,
        "first_purchase_at": purchase.first_purchase_at if purchase else None,
        "last_purchase_at": purchase.last_purchase_at if purchase else None,
        "events": timeline_events(session=session, customer=customer, friendships=friendships),
        "birthday_note": birthday_note(customer.birthday, customer.birthday_source),
        "birthday_value": customer.birthday.isoformat() if customer.birthday and year_known(customer.birthday) else "",
    }


def _friendship_summary(f: Friendship, guide: Guide, channel: Channel | None) -> dict:
    status = friendship_status(f.added_at, f.deleted_by_guide_at, f.deleted_by_customer_at)
    return {"guide": guide, "status": status, "status_label": STATUS_LABELS.get(status, status),
            "channel": channel_label(f, channel), "added_at": f.added_at}
