"""Forms check the shape of input and the password rules; services apply the writes."""

import re

from django import forms
from django.core.exceptions import ValidationError

from accounts.passwords import PasswordOwner, password_help_html, password_validate


def _email_field(**attrs):
    return forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", **attrs})
    )


def _password_field(label, autocomplete, help_text=""):
    return forms.CharField(
        label=label,
        max_length=128,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class SignInForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordMixin:
    """Two new-password fields that must match and pass settings.AUTH_PASSWORD_VALIDATORS,
    compared with the owner's email and names."""

    def password_owner(self):
        raise NotImplementedError

    def clean_new_password2(self):
        first, second = (
            self.cleaned_data.get("new_password1"),
            self.cleaned_data.get("new_password2"),
        )
        if first and second and first != second:
            raise ValidationError("The two passwords do not match.")
        return second

    def clean(self):
        data = super().clean()
        password = data.get("new_password2")
        if password:
            try:
                password_validate(password, owner=self.password_owner())
            except ValidationError as error:
                self.add_error("new_password1", error)
        return data


class RegisterForm(NewPasswordMixin, forms.Form):
    email = _email_field(autofocus=True)
    first_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    new_password1 = _password_field("Password", "new-password", password_help_html())
    new_password2 = _password_field("Confirm password", "new-password")

    def password_owner(self):
        return PasswordOwner(
            **{
                name: self.cleaned_data.get(name, "")
                for name in ("email", "first_name", "last_name")
            }
        )


class SetPasswordForm(NewPasswordMixin, forms.Form):
    """A new password for a known user (password reset)."""

    new_password1 = _password_field("New password", "new-password", password_help_html())
    new_password2 = _password_field("Confirm new password", "new-password")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_owner(self):
        return PasswordOwner.of(self.user)


class PasswordChangeForm(SetPasswordForm):
    old_password = _password_field("Current password", "current-password")

    field_order = ["old_password", "new_password1", "new_password2"]


PHONE_RE = re.compile(r"^\+?[0-9 ().\-]{5,30}$")


class ProfileForm(forms.Form):
    first_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = _email_field()
    current_password = _password_field(
        "Current password", "current-password", "Needed only to change your email address."
    )
    phone = forms.CharField(
        max_length=30,
        required=False,
        help_text="For example +1-555-0123.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    street = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    city = forms.CharField(
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    state = forms.CharField(
        label="State or region",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.CharField(
        max_length=2,
        required=False,
        help_text="Two-letter code, such as US.",
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 3}),
    )

    ADDRESS_FIELDS = ("street", "city", "state", "postal_code", "country")
    REQUIRED_IN_ADDRESS = ("street", "city", "postal_code", "country")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["current_password"].required = False

    @classmethod
    def initial_for(cls, user):
        address = user.address
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone or "",
            **{name: getattr(address, name, "") or "" for name in cls.ADDRESS_FIELDS},
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError("Enter a phone number of digits, spaces, +, -, ( and ).")
        return phone

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise ValidationError("Enter a two-letter country code, such as US.")
        return country

    def clean(self):
        data = super().clean()
        given = {name: (data.get(name) or "").strip() for name in self.ADDRESS_FIELDS}
        if any(given.values()):
            for name in self.REQUIRED_IN_ADDRESS:
                if not given[name] and name not in self.errors:
                    self.add_error(name, "Needed for a postal address.")
        data["address"] = given if any(given.values()) else None
        email = (data.get("email") or "").strip().lower()
        if email and email != self.user.email and not data.get("current_password"):
            self.add_error("current_password", "Enter your current password to change your email.")
        return data


class PasswordResetForm(forms.Form):
    email = _email_field(autofocus=True)


def _code_field(label, help_text=""):
    # Cognito's codes are six digits; the local emulator's reset codes are longer
    # ("moto-confirmation-code:123456"), so the field takes any short token.
    return forms.CharField(
        label=label,
        max_length=64,
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class VerifyRegistrationForm(forms.Form):
    email = _email_field()
    code = _code_field("Verification code", "We emailed it to you when you registered.")


class SignInCodeForm(forms.Form):
    code = _code_field("Code from your authenticator app", "Six digits, changing every 30 s.")

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ValidationError("Enter the six digits your authenticator app shows.")
        return code


class PasswordResetCodeForm(NewPasswordMixin, forms.Form):
    """A new password with the code the identity service emailed (Cognito)."""

    email = _email_field()
    code = _code_field("Code from the email")
    new_password1 = _password_field("New password", "new-password", password_help_html())
    new_password2 = _password_field("Confirm new password", "new-password")

    def password_owner(self):
        return PasswordOwner(email=self.cleaned_data.get("email", ""), first_name="", last_name="")


class TotpStartForm(forms.Form):
    password = _password_field("Current password", "current-password")


class TotpEnableForm(SignInCodeForm):
    password = _password_field("Current password", "current-password")

    field_order = ["code", "password"]


class TotpDisableForm(TotpEnableForm):
    """Turning TOTP off: a current code and the password, as when it was turned on."""
