"""The three tier tags in WeCom: make sure they exist, and move each friendship's tag with the tier.

The tags are keyed on WeCom's tag_id (a rename in the admin console keeps them); an existing
group 购买次数 and tags of the right names are reused. A sync reads the customer's current tier
and puts exactly that tier tag on every active friendship (one mark_tag per friendship that is
not already right), so whatever order the jobs run in, the tags converge.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot import runtime as rt
from bot.db import Database
from bot.flows import tag_queue
from bot.rules.membership import is_active
from bot.rules.order_input import mobile_hash, normalize_mobile
from bot.rules.purchases import TIER_NONE, TIER_TAG_GROUP, TIER_TAG_NAMES, tier_tag_change
from bot.services import birthdays, orders, tags, tiers
from bot.services.bulk import insert_rows
from bot.wecom.errors import NotExternalContact, WeComError
from models import Customer, CustomerPurchase, Friendship, Guide, TierTag, TierTagMark, utcnow
from models.order import TAG_SYNC_FAILED, TAG_SYNC_PENDING, TAG_SYNC_SYNCED

log = logging.getLogger(__name__)

TAG_ORDER = {"first": 3, "second": 2, "third_plus": 1}  # larger shows first in WeCom
INVALID_TAG = 40068
MAX_ROUNDS = 5


class TagSyncError(RuntimeError):
    """Some mark_tag calls failed; the job is retried."""


def tier_tag_ids(*, session: Session) -> dict[str, str] | None:
    """tier -> tag_id as last ensured, or None when a tier has no tag yet."""
    mapping = {row.tier: row.tag_id for row in session.scalars(select(TierTag))}
    return mapping if all(tier in mapping for tier in TIER_TAG_NAMES) else None


def _our_group(groups: list[dict], mapping: dict[str, str]) -> dict | None:
    live = [g for g in groups if not g.get("deleted")]
    mapped = set(mapping.values())
    for group in live:
        if any(t.get("id") in mapped for t in group.get("tag", [])):
            return group
    return next((g for g in live if g.get("group_name") == TIER_TAG_GROUP), None)


def ensure_tier_tags(*, session: Session, client) -> dict[str, str]:
    """Make sure the group 购买次数 has the three tier tags in WeCom; return tier -> tag_id."""
    groups = client.post("externalcontact/get_corp_tag_list", data={}).get("tag_group", [])
    live = {t["id"] for g in groups if not g.get("deleted") for t in g.get("tag", []) if not t.get("deleted")}
    known = {row.tier: row.tag_id for row in session.scalars(select(TierTag))}
    mapping = {tier: tid for tier, tid in known.items() if tid in live and tier in TIER_TAG_NAMES}
    group = _our_group(groups, mapping)
    by_name = {t["name"]: t["id"] for t in (group or {}).get("tag", []) if not t.get("deleted")}
    for tier, name in TIER_TAG_NAMES.items():
        if tier not in mapping and by_name.get(name) and by_name[name] not in mapping.values():
            mapping[tier] = by_name[name]
    missing = [tier for tier in TIER_TAG_NAMES if tier not in mapping]
    if missing:
        body: dict = {"tag": [{"name": TIER_TAG_NAMES[t], "order": TAG_ORDER[t]} for t in missing]}
        body.update({"group_id": group["group_id"]} if group else {"group_name": TIER_TAG_GROUP, "order": 0})
        created = client.post("externalcontact/add_corp_tag", data=body)["tag_group"]
        tier_of = {name: tier for tier, name in TIER_TAG_NAMES.items()}
        mapping.update({tier_of[t["name"]]: t["id"] for t in created.get("tag", []) if t["name"] in tier_of})
        group = group or created
        groups = groups + [created]
    tags.store_tag_groups(session=session, tag_groups=[g for g in groups if g.get("group_id") == group["group_id"]])
    session.execute(delete(TierTag))
    session.add_all(TierTag(tier=tier, tag_id=tid, group_id=group["group_id"]) for tier, tid in mapping.items())
    session.flush()
    return mapping


def ensure_at_startup(runtime: rt.Runtime) -> None:
    """Ensure the tier tags when a worker starts; WeCom being unreachable only logs (jobs ensure again)."""
    try:
        with runtime.db.transaction() as session:
            mapping = ensure_tier_tags(session=session, client=runtime.wecom)
        log.info("tier tags ready: %s", mapping)
    except Exception:  # noqa: BLE001 - start-up must not die because WeCom is down
        log.warning("could not ensure the tier tags at start-up; tag jobs will retry", exc_info=True)


@dataclass
class _State:
    external_userid: str
    tier: str
    version: int
    friendships: list[tuple[int, str]]  # (friendship id, guide userid), active only
    marks: dict[int, str | None]


def _load(session: Session, customer_id: int) -> _State | None:
    summary = session.get(CustomerPurchase, customer_id)
    customer = session.get(Customer, customer_id)
    if summary is None or customer is None:
        return None
    rows = session.execute(
        select(Friendship.id, Guide.userid, Friendship.added_at, Friendship.deleted_by_guide_at,
               Friendship.deleted_by_customer_at)
        .join(Guide, Friendship.guide_id == Guide.id).where(Friendship.customer_id == customer_id)
        .order_by(Friendship.id)
    ).all()
    active = [(r.id, r.userid) for r in rows if is_active(r.added_at, r.deleted_by_guide_at, r.deleted_by_customer_at)]
    marks = {m.friendship_id: m.tag_id for m in session.scalars(
        select(TierTagMark).where(TierTagMark.friendship_id.in_([fid for fid, _ in active])))} if active else {}
    return _State(customer.external_userid, summary.tier, summary.tag_sync_version, active, marks)


def _mark(client, state: _State, mapping: dict[str, str]) -> tuple[list[dict], list[tuple[str, WeComError]]]:
    """One mark_tag per friendship whose tier tag is not right; return (marks done, errors)."""
    desired = mapping.get(state.tier) if state.tier != TIER_NONE else None
    add, remove = tier_tag_change(desired, mapping.values())
    done, errors = [], []
    for fid, userid in state.friendships:
        if state.marks.get(fid, "never") == desired or (desired is None and fid not in state.marks):
            continue
        try:
            client.post("externalcontact/mark_tag", data={"userid": userid, "external_userid": state.external_userid,
                                                          "add_tag": add, "remove_tag": remove})
        except NotExternalContact:
            continue  # 84061: no longer friends; the deletion event will follow, nothing to tag
        except WeComError as exc:
            errors.append((userid, exc))
            if exc.errcode == INVALID_TAG or exc.retryable:
                break  # a deleted tag or a limit: stop here, the retry starts afresh
            continue
        done.append({"friendship_id": fid, "tag_id": desired, "marked_at": utcnow()})
    return done, errors


def _describe(errors: list[tuple[str, WeComError]]) -> str:
    return "; ".join(f"{userid}: {exc}" for userid, exc in errors)


def _finish(db: Database, customer_id: int, version: int, errors: list, marks: list[dict]) -> bool:
    """Save the marks; True when the customer is synced at `version` (nothing changed meanwhile)."""
    with db.transaction() as session:
        insert_rows(session, TierTagMark.__table__, marks, conflict=["friendship_id"], update=["tag_id", "marked_at"])
        if errors:
            session.execute(update(CustomerPurchase).where(CustomerPurchase.customer_id == customer_id)
                            .values(tag_sync_status=TAG_SYNC_FAILED, tag_sync_error=_describe(errors)[:2000]))
            if any(exc.errcode == INVALID_TAG for _, exc in errors):
                session.execute(delete(TierTag))  # a tier tag was deleted in WeCom: ensure again next time
            return False
        result = session.execute(
            update(CustomerPurchase)
            .where(CustomerPurchase.customer_id == customer_id, CustomerPurchase.tag_sync_version == version)
            .values(tag_sync_status=TAG_SYNC_SYNCED, tag_sync_error=None, tag_synced_at=utcnow(),
                    tag_synced_version=version)
        )
        return bool(result.rowcount)


def sync_customer(*, db: Database, client, customer_id: int) -> str:
    """Bring the customer's tier tag on every active friendship in line with the current tier."""
    for _ in range(MAX_ROUNDS):
        with db.transaction() as session:
            state = _load(session, customer_id)
            if state is None:
                return "no purchases"
            mapping = tier_tag_ids(session=session) or ensure_tier_tags(session=session, client=client)
        marks, errors = _mark(client, state, mapping)
        if _finish(db, customer_id, state.version, errors, marks):
            return f"synced {state.tier} ({len(marks)} marked)"
        if errors:
            raise TagSyncError(f"customer {customer_id}: {_describe(errors)}")
    return "still changing; left pending"


def still_pending(*, db: Database, customer_id: int) -> bool:
    """True when the customer's tags still need a sync."""
    with db.transaction() as session:
        row = session.get(CustomerPurchase, customer_id)
        return row is not None and row.tag_sync_status == TAG_SYNC_PENDING


def request_sync(*, session: Session, customer_ids) -> None:
    """Mark customers pending and enqueue their tag jobs once the session commits."""
    ids = set(customer_ids)
    tiers.mark_tag_sync_pending(session=session, customer_ids=ids)
    tag_queue.request_after_commit(session, ids)


def _mobile_hashes(detail: dict | None, secret_key: str) -> set[str]:
    mobiles = {normalize_mobile(str(m)) for f in (detail or {}).get("follow_user", [])
               for m in f.get("remark_mobiles") or []}
    return {mobile_hash(secret_key, m) for m in mobiles if m}


def customer_befriended(*, session: Session, customer: Customer, friendship: Friendship, detail: dict | None) -> None:
    """A customer added a guide: match their waiting orders and birthdays, and tag this friendship with their
    tier."""
    hashes = _mobile_hashes(detail, rt.current().settings.SECRET_KEY)
    orders.remember_mobiles(session=session, customer_id=customer.id, mobile_hashes=hashes)
    if orders.match_pending_orders(session=session, customer=customer, mobile_hashes=hashes):
        tiers.recompute(session=session, customer_ids=[customer.id])
    birthdays.apply_waiting_birthdays(session=session, customer=customer, mobile_hashes=hashes)
    # A re-added friendship may have lost its tags in WeCom: mark it again.
    session.execute(delete(TierTagMark).where(TierTagMark.friendship_id == friendship.id))
    summary = session.get(CustomerPurchase, customer.id)
    if summary is not None and summary.tier != TIER_NONE:
        request_sync(session=session, customer_ids=[customer.id])
