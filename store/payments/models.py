"""The payments' one setting that staff can change: how long an unpaid order holds its
stock. One item with a fixed key in the projections table (``pk``/``sk``); without it the
limit is settings.PAYMENT_TIME_LIMIT_MINUTES."""

from django.conf import settings
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from cloudshelf.dynamo import IntegerAttribute, IsoDateTimeAttribute, table_meta

SETTINGS_PK, PAYMENTS_SK = "store-settings", "payments"
AUDIT_SUBJECT = "settings#payments"
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 5, 1440  # minutes: from five minutes to a day


class PaymentSettings(Model):
    Meta = table_meta(settings.PROJECTIONS_TABLE_NAME)

    pk = UnicodeAttribute(hash_key=True, default=SETTINGS_PK)
    sk = UnicodeAttribute(range_key=True, default=PAYMENTS_SK)
    time_limit_minutes = IntegerAttribute()
    updated_at = IsoDateTimeAttribute(null=True)
    updated_by = UnicodeAttribute(null=True)
