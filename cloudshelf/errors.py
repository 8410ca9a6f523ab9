"""The application's errors: each app raises specific ones, views turn them into a
message and a redirect (or a 4xx), never a 500."""


class ApplicationError(Exception):
    message = "Something about this request could not be done."

    def __init__(self, message=None, **details):
        self.message = message or self.message
        self.details = details
        super().__init__(self.message)
