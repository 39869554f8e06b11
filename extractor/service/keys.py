"""API keys: created once and shown once; only their sha256 is stored.

A key is 32 random bytes, so a plain sha256 (no salt, no slow hash) cannot be
brute-forced, and it lets a request find its key by an indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from extractor.errors import ConfigError
from extractor.service.errors import NotFoundError, UnauthorizedError
from extractor.service.models import ApiKey, ReportOwner, utcnow
from extractor.service.storage import Store, as_utc, new_id

KEY_PREFIX = "ext_"


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyInfo:
    """What a listing shows of a key (never the secret)."""

    id: str
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    reports: int


def create_key(store: Store, name: str) -> tuple[KeyInfo, str]:
    """Create a key called ``name``; returns its info and the secret (shown once)."""
    name = name.strip()
    if not name:
        raise ConfigError("a key needs a name, e.g. `extractor keys create alice`")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(id=new_id(), name=name, key_hash=hash_key(secret), prefix=secret[:10])
    try:
        with store.session() as session:
            session.add(row)
    except IntegrityError as exc:
        raise ConfigError(f"a key named {name!r} exists already; pick another name") from exc
    return KeyInfo(row.id, row.name, row.prefix, row.created_at, None, 0), secret


def list_keys(store: Store) -> list[KeyInfo]:
    with store.session(write=False) as session:
        counts = dict(
            session.execute(select(ReportOwner.key_id, func.count()).group_by(ReportOwner.key_id)).all()
        )
        rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at)).all()
        return [
            KeyInfo(
                k.id,
                k.name,
                k.prefix,
                as_utc(k.created_at) or k.created_at,
                as_utc(k.revoked_at),
                counts.get(k.id, 0),
            )
            for k in rows
        ]


def revoke_key(store: Store, name_or_id: str) -> KeyInfo:
    """Revoke a key by name or id; its reports stay until deleted."""
    with store.session() as session:
        key = session.scalars(
            select(ApiKey).where((ApiKey.name == name_or_id) | (ApiKey.id == name_or_id))
        ).first()
        if key is None:
            raise NotFoundError(f"no key named {name_or_id!r}; `extractor keys list` shows them")
        if key.revoked_at is None:
            key.revoked_at = utcnow()
        return KeyInfo(key.id, key.name, key.prefix, key.created_at, key.revoked_at, 0)


def authenticate(store: Store, authorization: str | None) -> str:
    """The id of the key in an ``Authorization: Bearer KEY`` header."""
    if not authorization:
        raise UnauthorizedError("missing API key: send `Authorization: Bearer KEY` (`extractor keys create`)")
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise UnauthorizedError("malformed Authorization header: expected `Bearer KEY`")
    with store.session(write=False) as session:
        key = session.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(secret.strip()))).first()
        if key is None:
            raise UnauthorizedError("unknown API key")
        if key.revoked_at is not None:
            raise UnauthorizedError("this API key has been revoked")
        return key.id
