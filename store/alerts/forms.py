from django import forms


class StockAlertForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254)
