"""Browser sessions: signing in with an API key sets a signed cookie
(HttpOnly, SameSite=Strict, Secure behind https) that names the key; every
state-changing form carries a CSRF token derived from the session.

The cookie is ``key_id.expiry.nonce.signature`` (HMAC-SHA256 with a secret
kept in ``HOME/web_secret``); the key is looked up on every request, so a
revoked key's sessions end at once."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from sqlalchemy import select

from extractor.service.errors import ServiceError
from extractor.service.keys import authenticate
from extractor.service.models import ApiKey
from extractor.service.storage import Store

SESSION_COOKIE = "extractor_session"
LOGIN_CSRF_COOKIE = "extractor_login_csrf"
SESSION_SECONDS = 12 * 3600


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to ``/login``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfError(ServiceError):
    status = 403
    code = "csrf"


@dataclass(frozen=True)
class WebUser:
    """The signed-in key."""

    key_id: str
    name: str
    nonce: str


def load_secret(home: Path) -> bytes:
    """The signing secret, made on first use (written whole: temp file + rename)."""
    path = home / "web_secret"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        home.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".web_secret.", dir=home)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # another server process may have made one first: keep theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _sign(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_in(store: Store, secret: bytes, api_key: str) -> str:
    """The session cookie value for a valid API key (401 otherwise)."""
    key_id = authenticate(store, f"Bearer {api_key.strip()}")
    payload = f"{key_id}.{int(time.time()) + SESSION_SECONDS}.{secrets.token_hex(16)}"
    return f"{payload}.{_sign(secret, payload)}"


def session_user(request: Request) -> WebUser | None:
    """The key of a valid session cookie, or None."""
    value = request.cookies.get(SESSION_COOKIE, "")
    key_id, _, rest = value.partition(".")
    expiry, _, rest = rest.partition(".")
    nonce, _, signature = rest.partition(".")
    secret: bytes = request.app.state.web_secret
    payload = f"{key_id}.{expiry}.{nonce}"
    if not signature or not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    if not expiry.isdigit() or int(expiry) < time.time():
        return None
    store: Store = request.app.state.store
    with store.session(write=False) as session:
        key = session.scalars(select(ApiKey).where(ApiKey.id == key_id)).first()
        if key is None or key.revoked_at is not None:
            return None
        return WebUser(key.id, key.name, nonce)


def current_user(request: Request) -> WebUser:
    """Dependency of every page: the signed-in key, else a redirect to sign in."""
    user = session_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def csrf_token(request: Request, user: WebUser) -> str:
    return _sign(request.app.state.web_secret, f"csrf.{user.nonce}")


def check_csrf(request: Request, user: WebUser, token: str | None) -> None:
    """Refuse a state-changing request whose form token is not this session's."""
    if not token or not hmac.compare_digest(token, csrf_token(request, user)):
        raise CsrfError("the form has expired or came from another site; reload the page and try again")


def login_csrf_ok(request: Request, token: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(token and cookie and hmac.compare_digest(token, cookie))


def secure_cookies(request: Request) -> bool:
    """Cookies are marked Secure when the page was served over https (directly or behind a proxy)."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"

