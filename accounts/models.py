"""The users table, in the seed document's shape."""

from django.conf import settings
from pynamodb.attributes import BooleanAttribute, MapAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from cloudshelf.dynamo import IsoDateTimeAttribute, table_meta


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

    email_index = EmailIndex()
