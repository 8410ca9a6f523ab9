"""Email backends for tests (override_settings EMAIL_BACKEND="tests.mail_backends....")."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    """A mail service that is down: every send raises, nothing reaches mail.outbox."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("forced mail fault")
