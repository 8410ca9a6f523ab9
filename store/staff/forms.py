"""Forms of the staff pages. They validate and clean input; services do the writing."""

from decimal import Decimal

from django import forms

from store.catalog import validators
from store.money import to_cents

MAX_STOCK = 1_000_000


class BookForm(forms.Form):
    """Every field of the seed's book item (timestamps are kept by the services).
    Editing leaves out the stock (changed only by adjustments) and keeps the id."""

    category = forms.CharField(
        max_length=60,
        validators=[validators.validate_category],
        widget=forms.TextInput(attrs={"list": "category-options"}),
    )
    book_id = forms.CharField(
        max_length=64,
        label="Book id",
        validators=[validators.validate_book_id],
        help_text="Letters, digits, dots and dashes, e.g. tech-042.",
    )
    title = forms.CharField(max_length=300, validators=[validators.validate_plain_text])
    author = forms.CharField(max_length=200, validators=[validators.validate_plain_text])
    isbn = forms.CharField(
        max_length=20,
        label="ISBN",
        validators=[validators.validate_isbn],
        help_text="ISBN-13 or ISBN-10; dashes and spaces are fine.",
    )
    price = forms.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="In dollars, e.g. 42.99.",
    )
    stock_quantity = forms.IntegerField(min_value=0, max_value=MAX_STOCK, label="Stock")
    description = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validators.validate_plain_text],
    )
    image_url = forms.URLField(
        max_length=500,
        required=False,
        assume_scheme="https",
        label="Image URL",
        help_text="Optional: the seed's image address. An uploaded cover is shown in preference.",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["stock_quantity"]
            self.fields["book_id"].disabled = True
            self.fields["book_id"].help_text = "The id cannot change."

    def clean_isbn(self):
        return validators.isbn_normalize(self.cleaned_data["isbn"])

    def clean_price(self):
        return to_cents(self.cleaned_data["price"])

    def clean_image_url(self):
        return self.cleaned_data["image_url"] or None


class BookImportForm(BookForm):
    """A row of an import file: a book plus the fields an export writes back."""

    image_key = forms.CharField(
        max_length=200, required=False, validators=[validators.validate_cover_key]
    )
    hidden = forms.CharField(max_length=5, required=False)

    TRUE, FALSE = {"1", "true", "yes"}, {"", "0", "false", "no"}

    def clean_image_key(self):
        return self.cleaned_data["image_key"] or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("book_id") and cleaned.get("image_key"):
            try:
                validators.validate_cover_key_belongs(cleaned["book_id"], cleaned["image_key"])
            except forms.ValidationError as error:
                self.add_error("image_key", error)
        return cleaned

    def clean_hidden(self):
        value = self.cleaned_data["hidden"].strip().lower()
        if value not in self.TRUE | self.FALSE:
            raise forms.ValidationError("Write true or false.")
        return value in self.TRUE


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        min_value=-MAX_STOCK,
        max_value=MAX_STOCK,
        label="Change by",
        help_text="Positive to add copies, negative to remove them.",
    )
    reason = forms.CharField(max_length=200, help_text="Why, e.g. “delivery from supplier”.")

    def clean_delta(self):
        if self.cleaned_data["delta"] == 0:
            raise forms.ValidationError("Enter a change other than zero.")
        return self.cleaned_data["delta"]


class CoverForm(forms.Form):
    cover = forms.FileField(
        label="Cover image",
        help_text="JPEG, PNG or WebP.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class BookFilterForm(forms.Form):
    category = forms.ChoiceField(required=False)
    q = forms.CharField(max_length=100, required=False, label="Title, author or ISBN")
    low = forms.BooleanField(required=False, label="Low on stock only")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Any valid category may be asked for (the summary lists those with visible books).
        asked = self.data.get("category", "")
        categories = list(categories)
        if asked and asked not in categories and len(asked) <= 60:
            categories.append(asked)
        self.fields["category"].choices = [("", "All categories")] + [(c, c) for c in categories]
        self.fields["category"].validators.append(validators.validate_category)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns as in the export.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(required=False, label="Check only, change nothing")


class OrderDayForm(forms.Form):
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CustomerSearchForm(forms.Form):
    email = forms.EmailField(max_length=254)


class OrderStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("shipped", "Shipped"), ("delivered", "Delivered"), ("cancelled", "Cancelled")]
    )


# --- Discount codes (store/promotions) ----------------------------------------------------

PROMOTION_KINDS = [
    ("percent", "A percentage off the subtotal"),
    ("amount", "A fixed amount off the subtotal"),
    ("free_shipping", "Free shipping"),
]
MAX_USES = 1_000_000


class PromotionForm(forms.Form):
    """A discount code's rules. Dates are UTC days: it works from the start day's first
    second to the end day's last."""

    code = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$",
        max_length=40,
        help_text="Up to 40 letters, digits, dashes or underscores; case does not matter.",
        error_messages={"invalid": "Use up to 40 letters, digits, dashes or underscores."},
    )
    kind = forms.ChoiceField(label="Discount", choices=PROMOTION_KINDS)
    value = forms.DecimalField(
        label="Percent or amount off",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        help_text="For a percentage, 1 to 100; for an amount, dollars. Empty for free shipping.",
    )
    min_subtotal = forms.DecimalField(
        label="Minimum subtotal",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000000"),
        max_digits=9,
        decimal_places=2,
    )
    starts_on = forms.DateField(
        label="First day (UTC)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Last day (UTC)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    max_uses = forms.IntegerField(
        label="Uses in total", required=False, min_value=1, max_value=MAX_USES
    )
    per_customer = forms.IntegerField(
        label="Uses per customer", required=False, min_value=1, max_value=MAX_USES
    )
    categories = forms.CharField(
        label="Only these categories",
        required=False,
        max_length=2000,
        help_text="Category names, separated by commas. Empty: every category.",
    )
    books = forms.CharField(
        label="Only these books",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, as category/book id (for example Technology/clean-code).",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def clean_categories(self):
        names = [name.strip() for name in self.cleaned_data["categories"].split(",")]
        names = list(dict.fromkeys(name for name in names if name))
        for name in names:
            if len(name) > 100 or set(name) & validators.CATEGORY_FORBIDDEN:
                raise forms.ValidationError(f"“{name[:100]}” is not a category name.")
        if len(names) > 50:
            raise forms.ValidationError("Name at most 50 categories.")
        return tuple(names)

    def clean_books(self):
        keys = [line.strip() for line in self.cleaned_data["books"].splitlines()]
        keys = list(dict.fromkeys(key for key in keys if key))
        for key in keys:
            category, _, book_id = key.partition("/")
            if not (
                category
                and book_id
                and len(key) <= 201
                and not set(category) & validators.CATEGORY_FORBIDDEN
                and validators.BOOK_ID_RE.fullmatch(book_id)
            ):
                raise forms.ValidationError(
                    f"“{key[:200]}” is not category/book id, such as Technology/clean-code."
                )
        if len(keys) > 100:
            raise forms.ValidationError("Name at most 100 books.")
        return tuple(keys)

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind == "free_shipping":
            cleaned["value"] = Decimal("0")
        elif kind and value is None and "value" not in self.errors:
            self.add_error("value", "Enter the percent or the amount off.")
        elif kind == "percent" and value is not None and value > 100:
            self.add_error("value", "A percentage is at most 100.")
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day cannot be before the first day.")
        return cleaned


class PromotionStateForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("active", "active"), ("paused", "paused"), ("ended", "ended")]
    )


class PaymentTimeLimitForm(forms.Form):
    """How long an unpaid order holds its stock (store/payments/models.py)."""

    time_limit_minutes = forms.IntegerField(
        label="Payment time limit (minutes)",
        help_text="How long an order waiting for its card payment keeps its books set "
        "aside, from 5 to 1440 minutes (a day). Applies to orders placed from now on.",
        error_messages={
            "required": "Enter a number of minutes from 5 to 1440.",
            "invalid": "Enter a whole number of minutes from 5 to 1440.",
            "min_value": "Enter at least 5 minutes.",
            "max_value": "Enter at most 1440 minutes (a day).",
        },
        min_value=5,
        max_value=1440,
    )
