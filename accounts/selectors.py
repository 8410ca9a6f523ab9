"""Reads of users."""

from accounts.models import User


def normalize_email(email):
    return (email or "").strip().lower()


def user_get(*, user_id):
    try:
        return User.get(user_id)
    except User.DoesNotExist:
        return None


def user_get_by_email(*, email):
    """The user with this email (case-insensitive), through EmailIndex, or None."""
    email = normalize_email(email)
    if not email:
        return None
    for user in User.email_index.query(email, limit=1):
        return user
    return None
