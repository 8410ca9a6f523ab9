"""Signing in and out on DynamoDB, with the guarantees of django.contrib.auth (which
needs the ORM): the session key is replaced at sign-in, the CSRF token is rotated, and a
password change invalidates the user's other sessions."""

from django.dispatch import Signal
from django.middleware.csrf import rotate_token
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from cloudshelf.dynamo import utcnow

SESSION_USER_KEY = "_user_id"
SESSION_HASH_KEY = "_auth_hash"

# Sent after a successful sign-in, with ``request`` and ``user``: the cart merges here.
user_signed_in = Signal()


class AnonymousUser:
    user_id = None
    email = ""
    first_name = ""
    is_authenticated = False
    is_anonymous = True
    is_staff = False
    is_active = False

    def __str__(self):
        return "AnonymousUser"


def session_auth_hash(user):
    """Changes whenever the password does, ending sessions made with the old one."""
    return salted_hmac("cloudshelf.accounts.session", user.password or "").hexdigest()


def login(request, user):
    # A new session key on every sign-in: no session fixation. A session that belongs to
    # another user is emptied first, so nothing of theirs carries over (as in Django).
    if request.session.get(SESSION_USER_KEY) not in (None, user.user_id):
        request.session.flush()
    else:
        request.session.cycle_key()
    request.session[SESSION_USER_KEY] = user.user_id
    request.session[SESSION_HASH_KEY] = session_auth_hash(user)
    rotate_token(request)
    user.update(actions=[User.last_login.set(utcnow())])
    request.user = user
    user_signed_in.send(sender=User, request=request, user=user)


def logout(request):
    request.session.flush()
    request.user = AnonymousUser()


def update_session_auth_hash(request, user):
    """Keep the current session valid after its own password change."""
    request.session.cycle_key()
    request.session[SESSION_HASH_KEY] = session_auth_hash(user)


def get_user(request):
    """The signed-in user: one session read and one user read, and only when the request
    carries a session cookie."""
    from django.conf import settings

    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return AnonymousUser()
    user_id = request.session.get(SESSION_USER_KEY)
    if not user_id:
        return AnonymousUser()
    try:
        user = User.get(user_id)
    except User.DoesNotExist:
        request.session.flush()
        return AnonymousUser()
    valid_hash = constant_time_compare(
        request.session.get(SESSION_HASH_KEY, ""), session_auth_hash(user)
    )
    if not valid_hash or not user.is_active:
        request.session.flush()
        return AnonymousUser()
    return user
