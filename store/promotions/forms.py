"""The shopper's "Discount code" field (cart page and checkout review)."""

from django import forms

from store.promotions.models import code_normalize
from store.promotions.selectors import CODE_PATTERN

CODE_RULE = "A discount code is up to 40 letters, digits, dashes or underscores."


class DiscountCodeForm(forms.Form):
    discount_code = forms.CharField(
        label="Discount code",
        max_length=40,
        error_messages={"required": "Enter a discount code.", "max_length": CODE_RULE},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_discount_code(self):
        code = code_normalize(self.cleaned_data["discount_code"])
        if not CODE_PATTERN.fullmatch(code):
            raise forms.ValidationError(CODE_RULE)
        return code
