"""Only staff reach /admin/: every staff URL, every method. The URLs come from the staff
URLconf itself, so a new page without the guard fails here."""

import re

from django.urls import reverse

from store.staff.urls import urlpatterns

METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]


def staff_urls():
    return [
        reverse(f"staff:{p.name}", kwargs=dict.fromkeys(p.pattern.converters, "x"))
        for p in urlpatterns
    ]


CASES = [(url, method) for url in staff_urls() for method in METHODS]


def test_the_guard_covers_every_staff_url_pattern():
    assert len(staff_urls()) == len(urlpatterns) >= 10
    assert all(url.startswith("/admin/") for url in staff_urls())


def test_anonymous_visitor_is_sent_to_sign_in_from_every_url_and_method(client, tables):
    wrong = []
    for url, method in CASES:
        response = getattr(client, method)(url)
        if response.status_code != 302 or not response["Location"].startswith(
            "/accounts/sign-in/?next="
        ):
            wrong.append((method, url, response.status_code))
    assert wrong == []


def test_shopper_is_refused_with_403_on_every_url_and_method(shopper_client):
    wrong = []
    for url, method in CASES:
        response = getattr(shopper_client, method)(url)
        if response.status_code != 403:
            wrong.append((method, url, response.status_code))
    assert wrong == []


def test_staff_form_without_csrf_token_is_refused(staff_client, make_book):
    book = make_book()
    staff_client.handler.enforce_csrf_checks = True
    response = staff_client.post(
        reverse("staff:book-stock", args=[book.category, book.book_id]),
        {"delta": "5", "reason": "delivery"},
    )
    assert response.status_code == 403


def test_every_staff_form_carries_a_csrf_token(staff_client, make_book):
    book = make_book()
    body = staff_client.get(
        reverse("staff:book-detail", args=[book.category, book.book_id])
    ).content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", body, flags=re.S)
    assert len(forms) >= 4
    assert all("csrfmiddlewaretoken" in form for form in forms)


def test_staff_pages_are_not_cached(staff_client, tables):
    response = staff_client.get(reverse("staff:dashboard"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_refusals_are_not_cached_either(shopper_client):
    cache_headers = {shopper_client.get(url).get("Cache-Control", "") for url in staff_urls()}
    assert all("no-store" in header and "private" in header for header in cache_headers)
