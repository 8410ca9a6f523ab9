"""Counting attempts per account and per client address, in DynamoDB.

Each (scope, kind, subject) has one counter per fixed time window of
``settings.THROTTLE_WINDOW_SECONDS``; the window number is part of the key, so a new window
starts from zero without any write, and DynamoDB's TTL removes old counters. A subject (an
email, an address) is stored only as a keyed digest, never in clear.

A check is one BatchGetItem; a hit is one atomic UpdateItem (ADD) per counter."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils.crypto import salted_hmac
from pynamodb.exceptions import UpdateError

from accounts.models import Throttle
from cloudshelf.dynamo_errors import is_conditional_failure
from cloudshelf.errors import ApplicationError

ACCOUNT = "account"
ADDRESS = "address"


def clock():
    """Seconds since the epoch (tests move it to cross a window)."""
    return time.time()


def limits_for(scope):
    """The limit per kind of subject in ``scope``."""
    return {
        "sign-in": {
            ACCOUNT: settings.SIGN_IN_THROTTLE_PER_ACCOUNT,
            ADDRESS: settings.SIGN_IN_THROTTLE_PER_ADDRESS,
        },
        # Codes (Cognito's verification and reset codes, TOTP codes) have counters of their
        # own, with the sign-in limits: guessing them never uses up the password's.
        "code": {
            ACCOUNT: settings.SIGN_IN_THROTTLE_PER_ACCOUNT,
            ADDRESS: settings.SIGN_IN_THROTTLE_PER_ADDRESS,
        },
        # Sending a new verification code sends an email, as a reset request does.
        "code-resend": {
            ACCOUNT: settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT,
            ADDRESS: settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS,
        },
        "password-reset": {
            ACCOUNT: settings.PASSWORD_RESET_THROTTLE_PER_ACCOUNT,
            ADDRESS: settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS,
        },
    }[scope]


class Throttled(ApplicationError):
    message = "Too many attempts. Please wait a few minutes and try again."

    def __init__(self, retry_after, message=None):
        minutes = max(1, -(-int(retry_after) // 60))
        super().__init__(
            message
            or (
                f"Too many attempts. Please wait {minutes} minute{'s' if minutes != 1 else ''} "
                "and try again."
            ),
            retry_after=int(retry_after),
        )
        self.retry_after = int(retry_after)


@dataclass(frozen=True)
class Window:
    number: int
    ends_at: float

    @classmethod
    def current(cls):
        size = settings.THROTTLE_WINDOW_SECONDS
        number = int(clock() // size)
        return cls(number=number, ends_at=(number + 1) * size)


def _key(scope, kind, subject, window):
    digest = salted_hmac(
        "cloudshelf.accounts.throttle", f"{scope}:{kind}:{subject}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"{scope}:{kind}:{digest}:{window.number}"


def _subjects(subjects):
    """Only the kinds that were given a value (an unknown address is not counted)."""
    return {kind: value for kind, value in subjects.items() if value}


def throttle_counts(*, scope, subjects):
    """The hits so far in this window, per kind: ``{"account": 3, "address": 7}``."""
    subjects, window = _subjects(subjects), Window.current()
    keys = {_key(scope, kind, value, window): kind for kind, value in subjects.items()}
    counts = dict.fromkeys(subjects, 0)
    for item in Throttle.batch_get(list(keys), consistent_read=True):
        counts[keys[item.throttle_key]] = item.hits
    return counts


def throttle_check(*, scope, subjects):
    """Raise ``Throttled`` if any subject has reached its limit in this window; else return
    the counts (so that a caller can tell whether there is anything to clear)."""
    counts = throttle_counts(scope=scope, subjects=subjects)
    limits = limits_for(scope)
    if any(count >= limits[kind] for kind, count in counts.items()):
        raise Throttled(retry_after=max(1, Window.current().ends_at - clock()))
    return counts


def throttle_take(*, scope, subjects):
    """Count one attempt for each subject, atomically and only while it is under its limit:
    raises ``Throttled`` when a counter is already at its limit. ``throttle_check`` alone
    lets parallel requests through together (each reads the count before any has added
    to it); a conditional ADD lets at most the limit through."""
    window, limits = Window.current(), limits_for(scope)
    expires_at = datetime.fromtimestamp(window.ends_at, tz=UTC)
    for kind, value in _subjects(subjects).items():
        try:
            Throttle(_key(scope, kind, value, window)).update(
                actions=[Throttle.hits.add(1), Throttle.expires_at.set(expires_at)],
                condition=Throttle.hits.does_not_exist() | (Throttle.hits < limits[kind]),
            )
        except UpdateError as error:
            if not is_conditional_failure(error):
                raise
            raise Throttled(retry_after=max(1, window.ends_at - clock())) from error


def throttle_release(*, scope, kind, subject):
    """Give back one attempt taken by ``throttle_take`` (it turned out to be a success)."""
    if not subject:
        return
    try:
        Throttle(_key(scope, kind, subject, Window.current())).update(
            actions=[Throttle.hits.add(-1)], condition=Throttle.hits > 0
        )
    except UpdateError as error:
        if not is_conditional_failure(error):
            raise


def throttle_clear(*, scope, kind, subject):
    """Forget this window's attempts of one subject (after a success that proves it)."""
    Throttle(_key(scope, kind, subject, Window.current())).delete()


def client_address(request):
    """The client's IP address: REMOTE_ADDR, or, behind ``CLIENT_IP_TRUSTED_PROXIES``
    proxies that each append the address they saw to X-Forwarded-For, the hop that the
    outermost trusted proxy wrote (counted from the right). Hops further left are whatever
    the client sent, so the first hop is never trusted for being first."""
    trusted = settings.CLIENT_IP_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if trusted <= 0:
        return remote
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if not hops:
        return remote
    # Fewer hops than proxies: the request skipped the outer ones; the leftmost hop was
    # still written by a trusted proxy.
    return hops[-min(trusted, len(hops))]
