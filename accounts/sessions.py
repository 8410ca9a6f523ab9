"""Django's session engine on DynamoDB (the sessions table, with TTL on ``expires_at``).

DynamoDB deletes expired items late, so an expired session is treated as missing on read."""

from datetime import UTC, datetime, timedelta

from django.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from django.utils.crypto import get_random_string
from pynamodb.exceptions import PutError

from accounts.models import Session
from cloudshelf.dynamo_errors import is_conditional_failure

SESSION_KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


class SessionStore(SessionBase):
    def _get_new_session_key(self):
        return get_random_string(40, SESSION_KEY_CHARS)

    def _fetch(self, session_key):
        try:
            item = Session.get(session_key, consistent_read=True)
        except Session.DoesNotExist:
            return None
        if item.expires_at <= datetime.now(UTC):
            return None
        return item

    def load(self):
        item = self._fetch(self.session_key) if self.session_key else None
        if item is None:
            self._session_key = None
            return {}
        return self.decode(item.session_data)

    def exists(self, session_key):
        return self._fetch(session_key) is not None

    def create(self):
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        item = Session(
            self.session_key,
            session_data=self.encode(data),
            user_id=data.get("_user_id"),
            expires_at=datetime.now(UTC) + timedelta(seconds=self.get_expiry_age()),
        )
        condition = (
            Session.session_key.does_not_exist() if must_create else Session.session_key.exists()
        )
        try:
            item.save(condition=condition)
        except PutError as error:
            if not is_conditional_failure(error):
                raise
            # Creating: the key is taken. Updating: the session was deleted (signed out).
            raise CreateError if must_create else UpdateError from error

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        if session_key:
            Session(session_key).delete()

    @classmethod
    def clear_expired(cls):
        """DynamoDB's TTL deletes expired sessions; nothing to do here."""
