"""Who is signed in: HQ password accounts and the principal (role and scope) of a web session."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from bot.services.bulk import insert_ignoring_conflicts
from models import EndedSession, Guide, HqUser, Store, utcnow

KIND_MEMBER = "member"
KIND_HQ_USER = "hq_user"
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """The account cannot be created or changed as asked."""


@dataclass(frozen=True)
class Principal:
    """The signed-in person: their role and what they may see."""

    kind: str
    id: int
    role: str
    name: str
    guide_id: int | None = None
    store_id: int | None = None
    store_name: str | None = None


def create_hq_user(*, session: Session, username: str, password: str, display_name: str = "") -> HqUser:
    """Create an HQ account with a salted password hash."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("username must be 1-64 characters")
    if session.scalars(select(HqUser).where(HqUser.username == username)).one_or_none():
        raise AccountError(f"user {username!r} already exists")
    user = HqUser(username=username, display_name=display_name or username,
                  password_hash=_hash(password), active=True)
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, username: str, password: str) -> HqUser:
    """Replace an HQ account's password."""
    user = session.scalars(select(HqUser).where(HqUser.username == username)).one_or_none()
    if user is None:
        raise AccountError(f"no user {username!r}")
    user.password_hash = _hash(password)
    return user


def authenticate(*, session: Session, username: str, password: str) -> HqUser | None:
    """Return the active HQ account matching username and password, else None."""
    user = session.scalars(select(HqUser).where(HqUser.username == username.strip())).one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def member_for_userid(*, session: Session, userid: str) -> Guide | None:
    """Return the active guide / manager / HQ member with this WeCom userid."""
    guide = session.scalars(select(Guide).where(Guide.userid == userid)).one_or_none()
    return guide if guide is not None and guide.active else None


def new_session_id() -> str:
    """A random id for a new signed-in session (carried by its cookie)."""
    return secrets.token_urlsafe(24)


def end_session(*, session: Session, session_id: str, lifetime: timedelta) -> None:
    """Record a signed-out session (its cookie is refused from now on); forget those past any cookie's lifetime."""
    now = utcnow()
    session.execute(insert_ignoring_conflicts(session, EndedSession.__table__, ["id"]),
                    {"id": session_id, "ended_at": now})
    session.execute(delete(EndedSession).where(EndedSession.ended_at < now - lifetime))


def load_principal(*, session: Session, kind: str, ident: int, session_id: str) -> Principal | None:
    """Rebuild the principal of a session from the database (None if signed out, disabled or gone)."""
    if session.get(EndedSession, session_id) is not None:
        return None
    if kind == KIND_HQ_USER:
        user = session.get(HqUser, ident)
        if user is None or not user.active:
            return None
        return Principal(KIND_HQ_USER, user.id, "hq", user.display_name or user.username)
    if kind != KIND_MEMBER:
        return None
    guide = session.get(Guide, ident)
    if guide is None or not guide.active:
        return None
    store: Store | None = guide.store
    return Principal(KIND_MEMBER, guide.id, guide.role, guide.name or guide.userid, guide_id=guide.id,
                     store_id=guide.store_id, store_name=store.name if store else None)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked when the username is unknown, so that a wrong username costs as much as a wrong password.
    return generate_password_hash("not-a-real-password")


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return generate_password_hash(password)
