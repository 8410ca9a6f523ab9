from django import forms

from store.orders.quotes import quote_unsign


class ShippingAddressForm(forms.Form):
    street = forms.CharField(
        label="Street address",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    city = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    state = forms.CharField(
        label="State or region",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.RegexField(
        label="Postal code",
        max_length=20,
        regex=r"^[A-Za-z0-9][A-Za-z0-9 -]*$",
        error_messages={"invalid": "Enter a postal code: letters, digits, spaces, dashes."},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.RegexField(
        label="Country code",
        max_length=2,
        min_length=2,
        regex=r"^[A-Za-z]{2}$",
        initial="US",
        help_text="Two letters, such as US or CA.",
        error_messages={"invalid": "Enter the country's two-letter code, such as US."},
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 3}),
    )

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    @property
    def address(self):
        return {
            name: self.cleaned_data[name]
            for name in ("street", "city", "state", "postal_code", "country")
        }

    @classmethod
    def initial_for(cls, user):
        """The profile's address, to prefill the form."""
        address = getattr(user, "address", None)
        initial = {"country": "US"}
        for name in ("street", "city", "state", "postal_code", "country"):
            value = getattr(address, name, None) if address is not None else None
            if value:
                initial[name] = value
        return initial


class PlaceOrderForm(ShippingAddressForm):
    """The review page's "Place order": the address again (hidden) and the signed quote."""

    quote = forms.CharField(widget=forms.HiddenInput, max_length=5000)

    def __init__(self, *args, user_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id

    def clean_quote(self):
        quote = quote_unsign(self.cleaned_data["quote"], user_id=self.user_id)
        if quote is None:
            raise forms.ValidationError(
                "This order review has expired. Please review your order again."
            )
        return quote


class GuestFields(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send the confirmation, with a link to your order, here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label="Full name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class GuestAddressForm(GuestFields, ShippingAddressForm):
    """A guest's checkout: who they are (no account, no password) and where to ship."""


class GuestPlaceOrderForm(GuestFields, PlaceOrderForm):
    """A guest's "Place order": their email and name again (hidden), the address, the quote."""
