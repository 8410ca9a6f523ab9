from django import forms
from django.conf import settings
from django.core.validators import RegexValidator

from store.cart.quantity import quantity_from_text, quantity_rule

KEY_PART = RegexValidator(r"^[^/\x00-\x1f]+$", "Not a valid book.")


class CartLineKeyForm(forms.Form):
    """Which cart line (or catalog book): its category and book id."""

    category = forms.CharField(max_length=100, validators=[KEY_PART])
    book_id = forms.CharField(max_length=100, validators=[KEY_PART])

    def clean(self):
        cleaned = super().clean()
        if self.errors.keys() & {"category", "book_id"}:
            raise forms.ValidationError("That is not a book from this store.")
        return cleaned


class QuantityField(forms.IntegerField):
    """A quantity by the rule of store/cart/quantity.py (digits 0-9 only)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        quantity = quantity_from_text(value)
        if quantity is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return quantity


class CartQuantityForm(CartLineKeyForm):
    """A whole number of copies from 1 to CART_MAX_QUANTITY_PER_LINE (quantity_rule)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.CART_MAX_QUANTITY_PER_LINE
        choose = quantity_rule()
        self.fields["quantity"] = QuantityField(
            min_value=1,
            max_value=limit,
            error_messages={
                "invalid": choose,
                "min_value": choose,
                "required": choose,
                "max_value": f"You can order at most {limit} copies of a book.",
            },
        )


class CartAddForm(CartQuantityForm):
    next = forms.CharField(max_length=2000, required=False)
