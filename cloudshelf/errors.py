"""The application's errors: each app raises specific ones. A view that has something
better to offer turns one into a message and a redirect; any other reaching Django becomes
the site's error page with ``status_code`` (cloudshelf.middleware.ApplicationErrorMiddleware),
and the JSON API answers it in its own error shape (store/api/responses.py). Never a 500."""


class ApplicationError(Exception):
    message = "Something about this request could not be done."
    # The request was understood but conflicts with the data as it is now.
    status_code = 409

    def __init__(self, message=None, **details):
        self.message = message or self.message
        self.details = details
        super().__init__(self.message)
