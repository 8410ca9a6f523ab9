from django import forms
from django.conf import settings

RATING_CHOICES = [(n, f"{n} star" + ("" if n == 1 else "s")) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a rating from 1 to 5 stars."},
    )
    title = forms.CharField(label="Title", max_length=settings.REVIEW_TITLE_MAX_LENGTH)
    text = forms.CharField(
        label="Your review",
        max_length=settings.REVIEW_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReviewReportForm(forms.Form):
    review = forms.CharField(widget=forms.HiddenInput, max_length=500)


class ReviewHideForm(forms.Form):
    review = forms.CharField(widget=forms.HiddenInput, max_length=500)
    reason = forms.CharField(label="Reason for hiding", max_length=300)


class ReviewUnhideForm(forms.Form):
    review = forms.CharField(widget=forms.HiddenInput, max_length=500)
