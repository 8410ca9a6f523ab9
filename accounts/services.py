"""Writes to users: creation (email unique even under races) and credentials."""

import uuid

from django.contrib.auth.hashers import check_password, make_password
from pynamodb.exceptions import TransactWriteError

from accounts.models import User
from accounts.selectors import normalize_email, user_get_by_email
from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.errors import ApplicationError

EMAIL_SENTINEL_PREFIX = "email#"


class EmailTaken(ApplicationError):
    message = "An account with this email already exists."


def user_create(*, email, password, first_name="", last_name="", is_staff=False):
    """Create a user. The email is claimed by a sentinel item written in the same
    transaction, so two racing registrations leave exactly one user."""
    email = normalize_email(email)
    now = utcnow()
    user = User(f"user-{uuid.uuid4().hex}", email=email, first_name=first_name.strip(),
                last_name=last_name.strip(), password=make_password(password),
                is_staff=is_staff, created_at=now, account_status="active")
    sentinel = User(EMAIL_SENTINEL_PREFIX + email)
    try:
        with transaction() as tx:
            tx.save(sentinel, condition=User.user_id.does_not_exist())
            tx.save(user, condition=User.user_id.does_not_exist())
    except TransactWriteError as error:
        reasons = [r.code for r in (error.cancellation_reasons or []) if r]
        if "ConditionalCheckFailed" in reasons:
            raise EmailTaken() from error
        raise
    return user


def user_authenticate(*, email, password):
    """The active user with these credentials, or None (same work either way)."""
    user = user_get_by_email(email=email)
    if user is None:
        make_password(password)  # spend the same time as a real check
        return None
    if not check_password(password, user.password) or not user.is_active:
        return None
    return user
