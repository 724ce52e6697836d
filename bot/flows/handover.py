"""Hand over a member's customers and groups (在职继承 / 离职继承) and follow WeCom's results.

A request only records one queued transfer per customer (or group) and enqueues the pair's send job; the job
sends each batch of at most 100 to WeCom in its own transaction: the batch is marked sending and committed
before the call, and WeCom's answer committed before the next call (started: waiting; refused by WeCom:
failed, with the errcode). A batch left sending (the worker died, the call timed out) is read back on the
retry: transfer_result (or groupchat/get) tells whether WeCom started it, so nothing is lost or sent twice.
The poll reads transfer_result for every pair with transfers waiting and settles them; the transfer_fail
callback settles a refusal at once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from bot.flows.groups import fetch_group
from bot.rules.handover import BATCH_SIZE, NOT_RESIGNED, result_status, transfer_kind
from bot.services import handover
from bot.wecom.errors import WeComError
from models import Guide
from models.handover import (KIND_ONJOB, KIND_RESIGNED, TRANSFER_DONE, TRANSFER_FAILED, TRANSFER_QUEUED,
                             TRANSFER_SENDING, TRANSFER_WAITING, CustomerTransfer, GroupTransfer)

log = logging.getLogger(__name__)

API = {KIND_RESIGNED: "externalcontact/resigned/transfer_customer", KIND_ONJOB: "externalcontact/transfer_customer"}
RESULT_API = {KIND_RESIGNED: "externalcontact/resigned/transfer_result",
              KIND_ONJOB: "externalcontact/transfer_result"}
GROUP_API = {KIND_RESIGNED: "externalcontact/groupchat/transfer",
             KIND_ONJOB: "externalcontact/groupchat/onjob_transfer"}


@dataclass
class Requested:
    """What a hand-over request queued for the send job, and how many were in progress already."""

    queued: int = 0
    skipped: int = 0


@dataclass
class Outcome:
    """What the send job started and what WeCom refused (each row keeps its errcode)."""

    started: int = 0
    failed: int = 0


def _queued(src: Guide, dst: Guide, store_id: int, requested_by: str, now: datetime) -> dict:
    return {"from_guide_id": src.id, "to_guide_id": dst.id, "store_id": store_id, "kind": transfer_kind(src.active),
            "requested_by": requested_by, "requested_at": now, "status": TRANSFER_QUEUED}


def request_customers(*, session: Session, store_id: int, src: Guide, dst: Guide, customer_ids: list[int] | None,
                      requested_by: str, now: datetime) -> Requested:
    """Queue a transfer to dst of each of the member's live customers of this store (all, or those listed)."""
    wanted = None if customer_ids is None else set(customer_ids)
    chosen = [(c, busy) for c, _f, busy in handover.scope_customers(session=session, store_id=store_id, guide=src)
              if wanted is None or c.id in wanted]
    fields = _queued(src, dst, store_id, requested_by, now)
    session.add_all(CustomerTransfer(customer_id=c.id, **fields) for c, busy in chosen if not busy)
    session.flush()
    skipped = sum(busy for _c, busy in chosen)
    return Requested(queued=len(chosen) - skipped, skipped=skipped)


def request_groups(*, session: Session, store_id: int, src: Guide, dst: Guide, requested_by: str,
                   now: datetime) -> Requested:
    """Queue a transfer to dst of each customer group the member owns."""
    busy = handover.groups_in_progress(session=session, guide=src)
    groups = handover.owned_groups(session=session, guide=src)
    fields = _queued(src, dst, store_id, requested_by, now)
    session.add_all(GroupTransfer(group_id=g.id, **fields) for g in groups if g.id not in busy)
    session.flush()
    skipped = sum(g.id in busy for g in groups)
    return Requested(queued=len(groups) - skipped, skipped=skipped)


def _mark_sending(rows: list, kind: str) -> None:
    for row in rows:
        row.status, row.kind = TRANSFER_SENDING, kind


def _customer_answered(row: CustomerTransfer, errcode: int | None, now: datetime, outcome: Outcome) -> None:
    row.status, row.errcode = (TRANSFER_FAILED, errcode) if errcode else (TRANSFER_WAITING, None)
    row.finished_at = now if errcode else None
    outcome.started += not errcode
    outcome.failed += bool(errcode)


def _group_answered(row: GroupTransfer, errcode: int | None, outcome: Outcome) -> None:
    row.status, row.errcode = (TRANSFER_FAILED, errcode) if errcode else (TRANSFER_DONE, None)
    if not errcode:
        row.group.owner_userid = row.to_guide.userid   # made through the API: WeCom sends no change_owner event
    outcome.started += not errcode
    outcome.failed += bool(errcode)


def _send_customers(session: Session, client, rows: list[CustomerTransfer], kind: str, now: datetime,
                    outcome: Outcome) -> str:
    """One call for the batch (a member not resigned in WeCom, 40097, goes on-job); the kind used next."""
    src, dst = rows[0].from_guide, rows[0].to_guide
    body = {"handover_userid": src.userid, "takeover_userid": dst.userid,
            "external_userid": [r.customer.external_userid for r in rows]}
    try:
        answer = client.post(API[kind], data=body)
        codes = {row["external_userid"]: int(row.get("errcode") or 0) for row in answer.get("customer", [])}
    except WeComError as exc:
        if exc.errcode is None:   # no answer: WeCom may have started them; the retry reads transfer_result
            raise
        if kind == KIND_RESIGNED and exc.errcode == NOT_RESIGNED:
            _mark_sending(rows, KIND_ONJOB)
            session.commit()
            return _send_customers(session, client, rows, KIND_ONJOB, now, outcome)
        log.warning("transfer of %s customers of %s failed: %s", len(rows), src.userid, exc)
        codes = dict.fromkeys(body["external_userid"], exc.errcode)
    for row in rows:
        _customer_answered(row, codes.get(row.customer.external_userid, -1), now, outcome)
    return kind


def _send_groups(session: Session, client, rows: list[GroupTransfer], kind: str, now: datetime,
                 outcome: Outcome) -> str:
    """One groupchat/transfer (or onjob_transfer) call for the batch."""
    chat_ids = [r.group.chat_id for r in rows]
    try:
        answer = client.post(GROUP_API[kind], data={"chat_id_list": chat_ids, "new_owner": rows[0].to_guide.userid})
        failed = {row["chat_id"]: int(row.get("errcode") or -1) for row in answer.get("failed_chat_list", [])}
    except WeComError as exc:
        if exc.errcode is None:   # no answer: the retry reads each group's owner
            raise
        log.warning("transfer of %s groups of %s failed: %s", len(rows), rows[0].from_guide.userid, exc)
        failed = dict.fromkeys(chat_ids, exc.errcode)
    for row in rows:
        _group_answered(row, failed.get(row.group.chat_id), outcome)
    return kind


def _read_back_customers(client, rows: list[CustomerTransfer], now: datetime, outcome: Outcome) -> None:
    """Customers sent without an answer: started if transfer_result lists them, else queued again."""
    for kind in {r.kind for r in rows}:
        listed = _results(client, kind, rows[0].from_guide, rows[0].to_guide)
        for row in (r for r in rows if r.kind == kind):
            found = listed.get(row.customer.external_userid)
            if found and result_status(found.get("status")):   # the poll settles it from here
                _customer_answered(row, None, now, outcome)
            else:
                row.status = TRANSFER_QUEUED


def _read_back_groups(client, rows: list[GroupTransfer], now: datetime, outcome: Outcome) -> None:
    """Groups sent without an answer: done if the receiver owns them now, else queued again."""
    for row in rows:
        info = fetch_group(client, row.group.chat_id)
        if info and info.get("owner") == row.to_guide.userid:
            _group_answered(row, None, outcome)
        else:
            row.status = TRANSFER_QUEUED


STEPS = ((CustomerTransfer, _read_back_customers, _send_customers), (GroupTransfer, _read_back_groups, _send_groups))


def send_pair(*, db, client, from_id: int, to_id: int, now: datetime) -> Outcome:
    """Send the pair's queued transfers, a batch per transaction, after reading back those sent unanswered."""
    outcome = Outcome()
    for model, read_back, send in STEPS:
        with db.transaction() as session:
            sent = handover.unsent(session=session, model=model, status=TRANSFER_SENDING, from_id=from_id,
                                   to_id=to_id)
            if sent:
                read_back(client, sent, now, outcome)
        kind = None
        while True:   # also takes what a request queued for the pair meanwhile
            with db.transaction() as session:
                rows = handover.unsent(session=session, model=model, status=TRANSFER_QUEUED, from_id=from_id,
                                       to_id=to_id, limit=BATCH_SIZE)
                if not rows:
                    break
                kind = kind or transfer_kind(rows[0].from_guide.active)
                _mark_sending(rows, kind)
                session.commit()   # from here WeCom may move them: a crash leaves them sending, read back above
                kind = send(session, client, rows, kind, now, outcome)
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

