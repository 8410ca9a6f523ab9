"""Reads of users."""

from accounts.models import User
from accounts.tokens import reset_token_is_valid, reset_token_user_id


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def user_get(*, user_id: str) -> User | None:
    """The user with this id (one GetItem), or None."""
    try:
        return User.get(user_id)
    except User.DoesNotExist:
        return None


def user_get_by_email(*, email: str | None) -> User | None:
    """The user with this email (case-insensitive), through EmailIndex, or None."""
    email = normalize_email(email)
    if not email:
        return None
    for user in User.email_index.query(email, limit=1):
        return user
    return None


def password_reset_user_get(*, token: str) -> User | None:
    """The active user a password-reset token is valid for, or None (malformed, expired,
    used, or for an unknown or disabled account). Read consistently: a link used a moment
    ago must already be dead."""
    user_id = reset_token_user_id(token)
    if not user_id or not user_id.startswith("user-"):
        return None
    try:
        user = User.get(user_id, consistent_read=True)
    except User.DoesNotExist:
        return None
    if not user.is_active or not reset_token_is_valid(user=user, token=token):
        return None
    return user
