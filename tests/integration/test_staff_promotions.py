"""Staff pages for discount codes: create, edit, pause, end, delete, the code's page."""

from decimal import Decimal

import pytest

from store.audit.models import AuditEntry
from store.orders import selectors, services
from store.promotions import services as promotion_services
from store.promotions.models import audit_subject
from store.promotions.selectors import promotion_get
from tests.conftest import ADDRESS
from tests.integration.test_checkout import fill_cart

NEW = {"code": "Autumn10", "kind": "percent", "value": "10"}


def audit_of(code):
    return [entry.action for entry in AuditEntry.query(audit_subject(code))]


def test_staff_create_a_code_and_see_it_listed(staff_client):
    response = staff_client.post("/admin/promotions/", NEW)
    assert response.status_code == 302
    assert response["Location"] == "/admin/promotions/AUTUMN10/"
    promotion = promotion_get(code="autumn10")
    assert (promotion.kind, promotion.value, promotion.uses) == ("percent", Decimal("10"), 0)
    listing = staff_client.get("/admin/promotions/").content.decode()
    assert "AUTUMN10" in listing and "10 % off" in listing
    assert audit_of("AUTUMN10") == ["promotion.create"]


def test_a_code_differing_only_in_case_is_refused(staff_client):
    staff_client.post("/admin/promotions/", NEW)
    response = staff_client.post("/admin/promotions/", {**NEW, "code": "AUTUMN10"})
    assert response.status_code == 400
    assert "already exists (codes ignore case)" in response.content.decode()


def test_edit_pause_resume_and_end_are_audited(staff_client):
    staff_client.post("/admin/promotions/", NEW)
    page = staff_client.get("/admin/promotions/AUTUMN10/")
    assert page.status_code == 200
    edit = {
        "kind": "amount",
        "value": "5",
        "max_uses": "3",
        "categories": "Fiction, Poetry",
        "version": "1",
    }
    assert staff_client.post("/admin/promotions/AUTUMN10/", edit).status_code == 302
    promotion = promotion_get(code="AUTUMN10")
    assert (promotion.kind, promotion.value, promotion.max_uses, promotion.version) == (
        "amount",
        Decimal("5"),
        3,
        2,
    )
    assert promotion.categories == ["Fiction", "Poetry"]
    # A stale form (version 1) is refused, saying why.
    stale = staff_client.post("/admin/promotions/AUTUMN10/", {**edit, "value": "7"}, follow=True)
    assert "Someone changed this code meanwhile" in stale.content.decode()
    for state in ("paused", "active", "ended"):
        staff_client.post("/admin/promotions/AUTUMN10/state/", {"state": state})
        assert promotion_get(code="AUTUMN10").state == state
    again = staff_client.post(
        "/admin/promotions/AUTUMN10/state/", {"state": "active"}, follow=True
    )
    assert "cannot become active" in again.content.decode()
    assert audit_of("AUTUMN10") == [
        "promotion.create",
        "promotion.update",
        "promotion.state",
        "promotion.state",
        "promotion.state",
    ]
    assert (
        "Change the rules" not in staff_client.get("/admin/promotions/AUTUMN10/").content.decode()
    )


def test_the_code_page_shows_its_orders_and_the_discount_given(staff_client, make_user, make_book):
    staff_client.post("/admin/promotions/", NEW)
    shopper = make_user()
    fill_cart(shopper, (make_book(price=Decimal("42.99")), 1))
    promotion_services.cart_discount_apply(owner=shopper.user_id, code="autumn10")
    review = selectors.checkout_review_get(user_id=shopper.user_id)
    order = services.order_place(user=shopper, shipping_address=ADDRESS, quote=review.quote).order
    page = staff_client.get("/admin/promotions/AUTUMN10/").content.decode()
    assert order.order_id in page
    assert 'data-figure="use-discount">$4.30' in page
    assert 'data-figure="discount-given">$4.30' in page
    assert 'data-figure="uses">1' in page
    assert "Delete the code" not in page
    deleted = staff_client.post("/admin/promotions/AUTUMN10/delete/", follow=True)
    assert "cannot be deleted; end it instead" in deleted.content.decode()
    staff_page = staff_client.get(f"/admin/orders/{shopper.user_id}/{order.order_id}/")
    assert 'data-figure="discount">−$4.30' in staff_page.content.decode()


def test_an_unused_code_can_be_deleted(staff_client):
    staff_client.post("/admin/promotions/", NEW)
    response = staff_client.post("/admin/promotions/AUTUMN10/delete/")
    assert response.status_code == 302 and promotion_get(code="AUTUMN10") is None
    assert audit_of("AUTUMN10") == ["promotion.create", "promotion.delete"]


@pytest.mark.parametrize(
    "changes",
    [
        {"code": ""},
        {"code": "x" * 41},
        {"code": "<script>alert(1)</script>"},
        {"code": "a/b"},
        {"code": "\x00"},
        {"kind": "bogus"},
        {"value": "abc"},
        {"value": "-5"},
        {"value": "1e400"},
        {"value": "NaN"},
        {"value": "150"},
        {"value": "10.001"},
        {"kind": "amount", "value": ""},
        {"min_subtotal": "-1"},
        {"max_uses": "0"},
        {"max_uses": "99999999999999999999"},
        {"per_customer": "1.5"},
        {"starts_on": "2026-13-40"},
        {"starts_on": "2026-05-02", "ends_on": "2026-05-01"},
        {"categories": "Fic/tion"},
        {"categories": "a" * 2001},
        {"books": "no-slash"},
        {"books": "Technology/../etc"},
        {"books": "x" * 6000},
    ],
)
def test_hostile_input_on_the_create_form_is_a_400(staff_client, changes):
    response = staff_client.post("/admin/promotions/", {**NEW, **changes})
    assert response.status_code == 400
    assert promotion_get(code="AUTUMN10") is None


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "percent", "value": "10", "version": "abc"},
        {"kind": "percent", "value": "10", "version": "9" * 30},
        {"kind": "percent", "value": "10"},
        {"kind": "percent", "value": "-3", "version": "1"},
    ],
)
def test_hostile_input_on_the_edit_form_is_a_400(staff_client, data):
    staff_client.post("/admin/promotions/", NEW)
    assert staff_client.post("/admin/promotions/AUTUMN10/", data).status_code == 400
    assert promotion_get(code="AUTUMN10").version == 1


@pytest.mark.parametrize("state", ["", "deleted", "x" * 500])
def test_a_bad_state_changes_nothing(staff_client, state):
    staff_client.post("/admin/promotions/", NEW)
    response = staff_client.post("/admin/promotions/AUTUMN10/state/", {"state": state})
    assert response.status_code == 302
    assert promotion_get(code="AUTUMN10").state == "active"


@pytest.mark.parametrize("code", ["NOSUCH", "%3Cb%3E", "a" * 300])
def test_an_unknown_code_page_is_a_404(staff_client, code):
    assert staff_client.get(f"/admin/promotions/{code}/").status_code == 404
    assert (
        staff_client.post(f"/admin/promotions/{code}/state/", {"state": "paused"}).status_code
        == 404
    )
    assert staff_client.post(f"/admin/promotions/{code}/delete/").status_code == 404


def test_shoppers_cannot_reach_the_staff_pages(shopper_client):
    for path in ("/admin/promotions/", "/admin/promotions/X/"):
        assert shopper_client.get(path).status_code in (302, 403, 404)


def test_the_last_day_is_included_and_the_day_after_is_expired(staff_client, make_user, make_book):
    from datetime import timedelta

    from cloudshelf.dynamo import utcnow
    from store.promotions.rules import CodeNotUsable

    today = utcnow().date()
    staff_client.post("/admin/promotions/", {**NEW, "code": "TODAY", "ends_on": today.isoformat()})
    staff_client.post(
        "/admin/promotions/",
        {**NEW, "code": "YESTERDAY", "ends_on": (today - timedelta(days=1)).isoformat()},
    )
    shopper = make_user()
    fill_cart(shopper, (make_book(), 1))
    assert promotion_services.cart_discount_apply(owner=shopper.user_id, code="today").amount
    with pytest.raises(CodeNotUsable, match=f"expired on {today - timedelta(days=1):%B %-d, %Y}"):
        promotion_services.cart_discount_apply(owner=shopper.user_id, code="yesterday")
