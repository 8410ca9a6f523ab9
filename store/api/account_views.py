"""The JSON API of the signed-in shopper: the cart and the orders. Same rules as the pages
(the cart and orders services); answers are private and never cached.

Not signed in: 401. Writes are protected like the catalog's add-to-cart form: the request
must come from this site (``Origin``, or ``Referer``; else 403) and carry a JSON body, which
a cross-site page cannot send without a CORS preflight that this API never grants."""

from functools import wraps

from django.conf import settings
from django.http import Http404, JsonResponse

from cloudshelf.csrf import SAFE_METHODS as SAFE_METHODS_FOR_API
from cloudshelf.csrf import request_is_same_origin
from store.api import params, serializers
from store.api.responses import ApiError, api_view
from store.cart import selectors as cart_selectors
from store.cart import services as cart_services
from store.cart.cookies import cart_count_remember
from store.orders import selectors as order_selectors

# Cart errors that are not conflicts with the store's state.
CART_ERROR_STATUS = {
    cart_services.CartLineNotFound: 404,
    cart_services.BookNotAvailable: 404,
    cart_services.QuantityTooLarge: 400,
}
MAX_CATEGORY_LENGTH, MAX_BOOK_ID_LENGTH = 100, 200


def shopper_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise ApiError(
                401,
                "not_authenticated",
                "Sign in to use this endpoint.",
                headers={"WWW-Authenticate": 'Cookie realm="CloudShelf"'},
            )
        if request.method not in SAFE_METHODS_FOR_API and not request_is_same_origin(request):
            raise ApiError(403, "forbidden", "This request must come from a CloudShelf page.")
        return view(request, *args, **kwargs)

    return wrapper


def _cart_answer(request, owner, change=None, **arguments):
    """Apply ``change`` (a cart service) and answer with the cart at current prices."""
    if change is not None:
        try:
            change(owner=owner, **arguments)
        except cart_services.CartError as error:
            status = CART_ERROR_STATUS.get(type(error))
            if status is None:
                raise  # a conflict with the store's state: 409 with its code
            code = "not_found" if status == 404 else "invalid_request"
            raise ApiError(status, code, error.message) from error
    view = cart_selectors.cart_detail_get(owner=owner, consistent_read=change is not None)
    cart_count_remember(request, owner=owner, count=view.item_count)
    return JsonResponse(serializers.cart(view))


@api_view("GET", public=False)
@shopper_required
def cart(request):
    return _cart_answer(request, request.user.user_id)


@api_view("POST", public=False)
@shopper_required
def cart_items(request):
    """``{"category", "book_id", "quantity"?}``: add copies of a book."""
    data = params.json_object(request)
    return _cart_answer(
        request,
        request.user.user_id,
        cart_services.cart_item_add,
        category=params.body_text(data, "category", max_length=MAX_CATEGORY_LENGTH),
        book_id=params.body_text(data, "book_id", max_length=MAX_BOOK_ID_LENGTH),
        quantity=params.body_quantity(data, default=1),
    )


@api_view("PATCH", "DELETE", public=False)
@shopper_required
def cart_line(request, category, book_id):
    """PATCH ``{"quantity"}``: change a line's quantity. DELETE: remove the line."""
    owner = request.user.user_id
    if len(category) > MAX_CATEGORY_LENGTH or len(book_id) > MAX_BOOK_ID_LENGTH:
        raise Http404
    if request.method == "DELETE":
        return _cart_answer(
            request, owner, cart_services.cart_item_remove, category=category, book_id=book_id
        )
    data = params.json_object(request)
    return _cart_answer(
        request,
        owner,
        cart_services.cart_item_set_quantity,
        category=category,
        book_id=book_id,
        quantity=params.body_quantity(data),
    )


@api_view("GET", public=False)
@shopper_required
def orders(request):
    found, next_token = order_selectors.order_history_page(
        user_id=request.user.user_id,
        page_token=params.page_token(request),
        page_size=params.integer(
            request, "page_size", default=settings.ORDERS_PAGE_SIZE, low=1, high=50
        ),
    )
    return JsonResponse(
        {"orders": [serializers.order_summary(o) for o in found], "next_page_token": next_token}
    )


@api_view("GET", public=False)
@shopper_required
def order(request, order_id):
    found = order_selectors.order_get(user_id=request.user.user_id, order_id=order_id)
    if found is None:
        raise Http404
    return JsonResponse(serializers.order_detail(found))
