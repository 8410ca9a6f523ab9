"""The users table, in the seed document's shape; sessions; sign-in throttle counters."""

from django.conf import settings
from pynamodb.attributes import BooleanAttribute, MapAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, IsoDateTimeAttribute, table_meta


class EmailIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "EmailIndex"
        projection = AllProjection()

    email = UnicodeAttribute(hash_key=True)


class UserAddress(MapAttribute):
    street = UnicodeAttribute(default="")
    city = UnicodeAttribute(default="")
    state = UnicodeAttribute(default="")
    postal_code = UnicodeAttribute(default="")
    country = UnicodeAttribute(default="")


class User(Model):
    Meta = table_meta(settings.USERS_TABLE_NAME)

    user_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(null=True)
    first_name = UnicodeAttribute(default="")
    last_name = UnicodeAttribute(default="")
    phone = UnicodeAttribute(null=True)
    address = UserAddress(null=True)
    password = UnicodeAttribute(null=True)
    is_staff = BooleanAttribute(default=False)
    created_at = IsoDateTimeAttribute(null=True)
    last_login = IsoDateTimeAttribute(null=True)
    account_status = UnicodeAttribute(default="active")
    # With the Cognito identity service: the pool user's ``sub`` this item belongs to, and
    # whether the user signs in with a TOTP code too. ``password`` then holds no hash but
    # ``cognito$<random>``, renewed at each password change so that other sessions end.
    cognito_sub = UnicodeAttribute(null=True)
    totp_enabled = BooleanAttribute(default=False)

    email_index = EmailIndex()

    # What Django's templates and views expect of request.user.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.account_status == "active"

    # What Django's PasswordResetTokenGenerator reads of a user (accounts/tokens.py).
    @property
    def pk(self):
        return self.user_id

    @classmethod
    def get_email_field_name(cls):
        return "email"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self):
        return self.email or self.user_id


class EmailClaim(Model):
    """The item that makes an email unique: ``user_id`` is ``email#<address>`` in the users
    table, written with ``attribute_not_exists`` in the same transaction as the user (a
    GSI cannot enforce uniqueness). ``owner_id`` names the user holding the address."""

    Meta = table_meta(settings.USERS_TABLE_NAME)

    user_id = UnicodeAttribute(hash_key=True)
    owner_id = UnicodeAttribute(null=True)


class Session(Model):
    """A server-side session. Signing out deletes it, so a copied cookie is then useless."""

    Meta = table_meta(settings.SESSIONS_TABLE_NAME)

    session_key = UnicodeAttribute(hash_key=True)
    session_data = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


class Throttle(Model):
    """One counter of attempts in one time window: ``throttle_key`` is
    ``<scope>:<kind>:<digest of the subject>:<window number>``. Counters are bumped with an
    atomic ADD, and DynamoDB's TTL deletes them after their window."""

    Meta = table_meta(settings.THROTTLES_TABLE_NAME)

    throttle_key = UnicodeAttribute(hash_key=True)
    hits = IntegerAttribute(default=0)
    expires_at = TTLAttribute()
