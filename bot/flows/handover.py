"""Hand over a member's customers and groups (在职继承 / 离职继承) and follow WeCom's results.

A request records one transfer per customer before anything else can go wrong: each batch of at most 100
is sent to WeCom and its answer recorded (started: waiting; refused by WeCom: failed, with the errcode). The
poll reads transfer_result for every pair with transfers waiting and settles them; the transfer_fail callback
settles a refusal at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bot.rules.handover import NOT_RESIGNED, batches, result_status, transfer_kind
from bot.services import handover
from bot.wecom.errors import WeComError
from models import Customer, Guide
from models.handover import (KIND_ONJOB, KIND_RESIGNED, TRANSFER_DONE, TRANSFER_FAILED, TRANSFER_WAITING,
                             CustomerTransfer, GroupTransfer)

log = logging.getLogger(__name__)

API = {KIND_RESIGNED: "externalcontact/resigned/transfer_customer", KIND_ONJOB: "externalcontact/transfer_customer"}
RESULT_API = {KIND_RESIGNED: "externalcontact/resigned/transfer_result",
              KIND_ONJOB: "externalcontact/transfer_result"}
GROUP_API = {KIND_RESIGNED: "externalcontact/groupchat/transfer",
             KIND_ONJOB: "externalcontact/groupchat/onjob_transfer"}


@dataclass
class Outcome:
    """What a hand-over request started, what WeCom refused (each row keeps its errcode) and what was waiting."""

    started: int = 0
    failed: int = 0
    skipped: int = 0


def _record(session: Session, customer: Customer, src: Guide, dst: Guide, store_id: int, kind: str,
            requested_by: str, now: datetime, errcode: int | None) -> CustomerTransfer:
    row = CustomerTransfer(customer_id=customer.id, from_guide_id=src.id, to_guide_id=dst.id, store_id=store_id,
                           kind=kind, requested_by=requested_by, requested_at=now, errcode=errcode or None,
                           status=TRANSFER_WAITING if not errcode else TRANSFER_FAILED,
                           finished_at=now if errcode else None)
    session.add(row)
    return row


def _send_batch(client, kind: str, src: Guide, dst: Guide, eids: list[str]) -> tuple[str, dict[str, int]]:
    """Call the transfer API; a member not resigned in WeCom (disabled, 40097) hands over on-job instead."""
    body = {"handover_userid": src.userid, "takeover_userid": dst.userid, "external_userid": eids}
    try:
        answer = client.post(API[kind], data=body)
    except WeComError as exc:
        if kind != KIND_RESIGNED or exc.errcode != NOT_RESIGNED:
            raise
        kind, answer = KIND_ONJOB, client.post(API[KIND_ONJOB], data=body)
    return kind, {row["external_userid"]: int(row.get("errcode") or 0) for row in answer.get("customer", [])}


def hand_over_customers(*, session: Session, client, store_id: int, src: Guide, dst: Guide,
                        customer_ids: list[int] | None, requested_by: str, now: datetime) -> Outcome:
    """Transfer the member's live customers of this store (all, or those listed) to dst, 100 per call."""
    outcome = Outcome()
    chosen = [(c, waiting) for c, _f, waiting in handover.scope_customers(session=session, store_id=store_id,
                                                                          guide=src)
              if customer_ids is None or c.id in customer_ids]
    outcome.skipped = sum(1 for _c, waiting in chosen if waiting)
    customers = [c for c, waiting in chosen if not waiting]
    kind = transfer_kind(src.active)
    for batch in batches(customers):
        try:   # once WeCom answers that the member has not resigned, the next batches go on-job at once
            kind, codes = _send_batch(client, kind, src, dst, [c.external_userid for c in batch])
        except WeComError as exc:
            log.warning("transfer of %s customers of %s failed: %s", len(batch), src.userid, exc)
            codes = {c.external_userid: exc.errcode or -1 for c in batch}
        for customer in batch:
            errcode = codes.get(customer.external_userid, -1)
            _record(session, customer, src, dst, store_id, kind, requested_by, now, errcode)
            outcome.started += errcode == 0
            outcome.failed += errcode != 0
    session.flush()
    return outcome


def hand_over_groups(*, session: Session, client, store_id: int, src: Guide, dst: Guide,
                     requested_by: str, now: datetime) -> Outcome:
    """Give the member's customer groups to dst (groupchat/transfer when they left, onjob_transfer else)."""
    outcome = Outcome()
    kind = transfer_kind(src.active)
    for batch in batches(handover.owned_groups(session=session, guide=src)):
        try:
            answer = client.post(GROUP_API[kind], data={"chat_id_list": [g.chat_id for g in batch],
                                                        "new_owner": dst.userid})
            failed = {row["chat_id"]: int(row.get("errcode") or -1) for row in answer.get("failed_chat_list", [])}
        except WeComError as exc:
            log.warning("transfer of %s groups of %s failed: %s", len(batch), src.userid, exc)
            failed = {g.chat_id: exc.errcode or -1 for g in batch}
        for group in batch:
            errcode = failed.get(group.chat_id)
            session.add(GroupTransfer(group_id=group.id, from_guide_id=src.id, to_guide_id=dst.id,
                                      store_id=store_id, kind=kind, requested_by=requested_by, requested_at=now,
                                      status=TRANSFER_FAILED if errcode else TRANSFER_DONE, errcode=errcode))
            if errcode is None:
                group.owner_userid = dst.userid   # made through the API: WeCom sends no change_owner event
            outcome.started += errcode is None
            outcome.failed += errcode is not None
    session.flush()
    return outcome


def _results(client, kind: str, src: Guide, dst: Guide) -> dict[str, dict]:
    rows, cursor = {}, ""
    while True:
        answer = client.post(RESULT_API[kind], data={"handover_userid": src.userid, "takeover_userid": dst.userid,
                                                     "cursor": cursor})
        rows.update({row["external_userid"]: row for row in answer.get("customer", [])})
        cursor = answer.get("next_cursor") or ""
        if not cursor:
            return rows


def poll_pair(*, session: Session, client, kind: str, from_id: int, to_id: int, now: datetime) -> int:
    """Settle one pair's waiting transfers from transfer_result; return how many became final."""
    src, dst = session.get(Guide, from_id), session.get(Guide, to_id)
    results = _results(client, kind, src, dst)
    final = 0
    for transfer in handover.waiting_of_pair(session=session, kind=kind, from_id=from_id, to_id=to_id):
        row = results.get(transfer.customer.external_userid)
        status = result_status(row.get("status")) if row else None
        if status is None:
            continue
        when = row.get("takeover_time") or 0
        takeover_at = datetime.fromtimestamp(int(when), timezone.utc) if when else None
        final += handover.settle(session=session, transfer=transfer, status=status, takeover_at=takeover_at,
                                 now=now)
    return final


def poll_transfers(*, db, client, now: datetime) -> int:
    """Poll every pair with transfers waiting, each in its own transaction; return how many became final."""
    with db.transaction() as session:
        pairs = handover.open_pairs(session=session)
    final, failures = 0, []
    for kind, from_id, to_id in pairs:
        try:
            with db.transaction() as session:
                final += poll_pair(session=session, client=client, kind=kind, from_id=from_id, to_id=to_id,
                                   now=now)
        except WeComError as exc:
            log.warning("transfer_result for %s -> %s failed: %s", from_id, to_id, exc)
            failures.append((from_id, to_id))
    if failures:
        raise RuntimeError(f"transfer results of {failures} not read ({final} final)")
    return final

