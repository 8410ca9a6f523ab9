"""Views whose module is imported by their first request, not by the URLconf.

Every process loads the whole URLconf on its first request (that is how Django finds the
view), so whatever a URLconf module imports is paid on every cold start. The staff pages
(their forms, the CSV import, the charts, the stream positions) are no shopper's business:
``lazy_view("store.staff.views.books.book_list")`` in a ``path()`` names the view, and
``reverse()`` needs nothing more."""

import importlib
from typing import Any


class LazyView:
    """A function view named by its dotted path, imported when it is first needed.

    ``reverse()`` reads ``__module__`` and ``__qualname__`` and asks for ``view_class``;
    these are answered here. Anything else read off the view (by middleware, once a request
    has resolved to it: ``csrf_exempt``, ``staff_only``, ``__wrapped__`` and the closures
    of Django's method decorators) is the real view's, so a lazy view behaves exactly as
    the view itself. Class-based views (``as_view()``) are not supported."""

    def __init__(self, dotted_path: str) -> None:
        module, _, name = dotted_path.rpartition(".")
        if not module:
            raise ValueError(f"{dotted_path!r} is not a dotted path to a view")
        self.__module__ = module
        self.__name__ = self.__qualname__ = name
        self._view: Any = None

    @property
    def view(self) -> Any:
        if self._view is None:
            self._view = getattr(importlib.import_module(self.__module__), self.__name__)
        return self._view

    def __call__(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return self.view(request, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # Only called for what the instance lacks; "_view" before __init__ set it.
        if name in ("view_class", "_view"):
            raise AttributeError(name)
        return getattr(self.view, name)

    def __repr__(self) -> str:
        return f"<LazyView {self.__module__}.{self.__name__}>"


def lazy_view(dotted_path: str) -> LazyView:
    return LazyView(dotted_path)
