"""Web accounts: the ``users`` table. Password hashing happens in ``majobs.web.auth``;
this module only stores and finds rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from majobs.db.models import USER_ROLES, User
from majobs.db.types import utcnow
from majobs.errors import InputError

NAME_MAX = 64


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    role: str
    created_at: datetime


def _row(user: User) -> UserRow:
    return UserRow(id=user.id, name=user.name, role=user.role, created_at=user.created_at)


def clean_user_name(name: object) -> str:
    """A login name: printable, no spaces at the ends, 1..64 characters."""
    if not isinstance(name, str) or not name.strip():
        raise InputError(None, "name", "is required")
    text = name.strip()
    if len(text) > NAME_MAX or not text.isprintable():
        raise InputError(None, "name", f"must be 1 to {NAME_MAX} printable characters")
    return text


def check_role(role: object) -> str:
    if role not in USER_ROLES:
        raise InputError(None, "role", f"must be one of {', '.join(USER_ROLES)}")
    return str(role)


def add_user(session: Session, name: str, role: str, password_hash: str) -> UserRow:
    name, role = clean_user_name(name), check_role(role)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise InputError(None, "name", f"a user named '{name}' already exists")
    user = User(name=name, role=role, password_hash=password_hash, created_at=utcnow())
    session.add(user)
    session.flush()
    return _row(user)


def list_users(session: Session) -> list[UserRow]:
    return [_row(u) for u in session.scalars(select(User).order_by(User.name))]


def user_by_id(session: Session, user_id: int) -> UserRow | None:
    user = session.get(User, user_id)
    return _row(user) if user is not None else None


def credentials(session: Session, name: str) -> tuple[int, str] | None:
    """(id, password hash) of the user called ``name``, for the login check."""
    if "\x00" in name:  # no stored name has one (PostgreSQL text cannot)
        return None
    row = session.execute(
        select(User.id, User.password_hash).where(User.name == name.strip())).first()
    return (row[0], row[1]) if row else None


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    user = session.get(User, user_id)
    if user is not None:
        user.password_hash = password_hash


def remove_user(session: Session, name: str) -> bool:
    """Delete the user; their review events keep the history with no user (SET NULL)."""
    if "\x00" in name:
        return False
    result = session.execute(delete(User).where(User.name == name.strip()))
    return bool(result.rowcount)


def count_admins(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(User.role == "admin")) or 0)
