"""Customer birthdays from guides, orders and the member system: the latest statement wins, the source is kept,
and a birthday for someone not yet a friend waits (birthday_claim) until that customer adds a guide.

A birthday that changes moves the customer's `updated_at`, which is what makes the next daily run re-derive
the customer's touches (bot.services.todos: the birthday ritual follows, and an open to-do of the old birthday
is withdrawn).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.rules.birthday_input import BirthdayStatement, parse_birthday_record
from bot.rules.birthdays import supersedes
from bot.rules.order_input import mobile_hash
from bot.services.bulk import among, insert_rows
from bot.services.orders import names_customer, resolve_customers
from models import BirthdayClaim, Customer, utcnow

UPDATED, UNCHANGED, WAITING = "updated", "unchanged", "waiting"
CLAIMS = BirthdayClaim.__table__


def state_birthday(customer: Customer, birthday: date | None, source: str, stated_at: datetime) -> bool:
    """Apply one statement of a customer's birthday (None clears it); True when the birthday changed.

    An older statement than the stored one changes nothing; the same birthday stated again is left as it is
    (its customer is not re-derived for nothing)."""
    if not supersedes(stated_at, customer.birthday_stated_at) or customer.birthday == birthday:
        return False
    customer.birthday, customer.birthday_source, customer.birthday_stated_at = birthday, source, stated_at
    return True


def record_birthdays(*, session: Session, statements: Sequence[BirthdayStatement], secret_key: str) -> list[str]:
    """Apply statements naming customers by id or by external_userid / unionid / mobile; the result of each,
    in order: updated, unchanged, or waiting (no such customer yet: kept as a claim)."""
    hashes = {id(s): mobile_hash(secret_key, s.mobile) for s in statements if s.mobile}
    found = resolve_customers(session, [s for s in statements if s.customer_id is None], hashes)
    ids = {s.customer_id or found.get(id(s)) for s in statements} - {None}
    customers = {c.id: c for c in session.scalars(select(Customer).where(among(session, Customer.id, sorted(ids))))} \
        if ids else {}
    results = [WAITING] * len(statements)
    # The earliest statement first, so the latest one is the one kept whatever their order in the batch.
    for index in sorted(range(len(statements)), key=lambda i: statements[i].stated_at):
        statement = statements[index]
        customer = customers.get(statement.customer_id or found.get(id(statement)))
        if customer is not None:
            changed = state_birthday(customer, statement.birthday, statement.source, statement.stated_at)
            results[index] = UPDATED if changed else UNCHANGED
    _keep_claims(session, [(s, hashes.get(id(s))) for s, r in zip(statements, results) if r == WAITING])
    session.flush()
    return results


def _keep_claims(session: Session, waiting: list[tuple[BirthdayStatement, str | None]]) -> None:
    """Keep the latest waiting statement per person named (external_userid, unionid, mobile hash): a replayed or
    newer batch replaces the claim, an older one leaves it."""
    latest: dict[tuple, BirthdayStatement] = {}
    for statement, hashed in sorted(waiting, key=lambda w: w[0].stated_at):
        latest[(statement.external_userid or "", statement.unionid or "", hashed or "")] = statement
    if not latest:
        return
    kept: dict[tuple, list] = {}    # the stored claims of the same persons: their ids and statement times
    for row in _claims_naming(session, latest):
        key = (row.external_userid or "", row.unionid or "", row.mobile_hash or "")
        if key in latest:
            kept.setdefault(key, []).append(row)
    fresh = {key: s for key, s in latest.items()
             if key not in kept or supersedes(s.stated_at, max(r.stated_at for r in kept[key]))}
    if not fresh:
        return
    stale = [r.id for key in fresh for r in kept.get(key, [])]
    if stale:
        session.execute(delete(CLAIMS).where(among(session, CLAIMS.c.id, stale)))
    now = utcnow()
    insert_rows(session, CLAIMS, [
        {"external_userid": key[0] or None, "unionid": key[1] or None, "mobile_hash": key[2] or None,
         "birthday": s.birthday, "source": s.source, "stated_at": s.stated_at, "created_at": now}
        for key, s in fresh.items()])


def _claims_naming(session: Session, keys) -> list:
    """The claims sharing an external_userid, unionid or mobile hash with these keys (through each column's
    index; the caller keeps those naming exactly the same person)."""
    conditions = [among(session, column, sorted({key[n] for key in keys if key[n]}))
                  for n, column in enumerate((CLAIMS.c.external_userid, CLAIMS.c.unionid, CLAIMS.c.mobile_hash))
                  if any(key[n] for key in keys)]
    return session.execute(select(CLAIMS.c.id, CLAIMS.c.external_userid, CLAIMS.c.unionid, CLAIMS.c.mobile_hash,
                                  CLAIMS.c.stated_at).where(or_(*conditions))).all()


def apply_waiting_birthdays(*, session: Session, customer: Customer, mobile_hashes: set[str]) -> bool:
    """A customer became a friend: apply the birthdays that waited for them (the latest wins) and drop those
    claims (found as their waiting orders are: orders.names_customer). True when the birthday changed."""
    named = names_customer(customer, mobile_hashes, CLAIMS.c.external_userid, CLAIMS.c.unionid, CLAIMS.c.mobile_hash)
    claims = session.execute(select(CLAIMS.c.id, CLAIMS.c.birthday, CLAIMS.c.source, CLAIMS.c.stated_at)
                             .where(named).order_by(CLAIMS.c.stated_at, CLAIMS.c.id)).all()
    if not claims:
        return False
    changed = [state_birthday(customer, c.birthday, c.source, c.stated_at) for c in claims]
    session.execute(delete(CLAIMS).where(CLAIMS.c.id.in_([c.id for c in claims])))
    session.flush()
    return any(changed)


REJECTED = "rejected"
RESULTS = (UPDATED, UNCHANGED, WAITING, REJECTED)


def receive_records(*, session: Session, raw_records: Sequence, secret_key: str, now: datetime,
                    today: date) -> list[dict]:
    """The member system's birthdays (the customers API or a file's rows, stated `now`): each record's result,
    in order ({"index", "result", "errors"?}); a bad record is rejected with its reasons, the others stored."""
    parsed = [parse_birthday_record(raw, now, today) for raw in raw_records]
    good = [statement for statement, _errors in parsed if statement is not None]
    results = iter(record_birthdays(session=session, statements=good, secret_key=secret_key))
    return [{"index": i, "result": REJECTED, "errors": errors} if statement is None
            else {"index": i, "result": next(results)} for i, (statement, errors) in enumerate(parsed)]


def summary_of(outcomes: list[dict]) -> dict[str, int]:
    """How many records had each result."""
    return {name: sum(1 for o in outcomes if o["result"] == name) for name in RESULTS}
