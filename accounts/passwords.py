"""Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) for users that are not
ORM models.

``validate_password(password, user)`` runs without the ORM, with one catch: when a password
is too similar to an attribute, UserAttributeSimilarityValidator names the attribute through
``user._meta.get_field(name).verbose_name``, which a PynamoDB model does not have (an
AttributeError, so a 500). Validation therefore gets a small stand-in that answers it."""

from types import SimpleNamespace

from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import FieldDoesNotExist

VERBOSE_NAMES = {"email": "email address", "first_name": "first name", "last_name": "last name"}


class _Fields:
    def get_field(self, name):
        if name not in VERBOSE_NAMES:
            raise FieldDoesNotExist(name)
        return SimpleNamespace(verbose_name=VERBOSE_NAMES[name])


class PasswordOwner:
    """The attributes of a user (saved or not yet) that the validators compare with."""

    _meta = _Fields()

    def __init__(self, *, email="", first_name="", last_name=""):
        self.email, self.first_name, self.last_name = (
            email or "",
            first_name or "",
            last_name or "",
        )

    @classmethod
    def of(cls, user):
        return cls(email=user.email, first_name=user.first_name, last_name=user.last_name)


def password_validate(password, *, owner):
    """Raise django.core.exceptions.ValidationError listing every rule the password breaks."""
    validate_password(password, owner)


def password_help_html():
    return password_validators_help_text_html()
