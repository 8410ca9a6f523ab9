"""One botocore client per process (issue 17): every model and every transaction reaches
DynamoDB through the client made at start-up, configured as PynamoDB configures its own."""

import threading

from botocore.validate import ParamValidationDecorator
from django.conf import settings

from accounts.models import User
from cloudshelf import dynamo
from cloudshelf.tables import table_models
from store.catalog.models import Book


def test_every_model_and_transaction_uses_the_client_made_at_start_up(tables):
    started = dynamo.client_prepare()
    Book.count()  # real requests through two models
    User.count()
    clients = {id(model._get_connection().connection.client) for model in table_models()}
    assert clients == {id(started)}
    assert dynamo.connection().client is started


def test_a_transaction_in_another_thread_shares_the_client(tables):
    seen = []
    thread = threading.Thread(target=lambda: seen.append(dynamo.connection().client))
    thread.start()
    thread.join()
    assert seen == [dynamo.client_prepare()]


def test_the_shared_client_keeps_retries_timeouts_and_skips_only_validation(tables):
    client = dynamo.client_prepare()
    # botocore validates parameters by wrapping its serializer; PynamoDB built the request.
    assert not isinstance(client._serializer, ParamValidationDecorator)
    config = client.meta.config
    assert config.retries == {
        "total_max_attempts": settings.DYNAMODB_MAX_ATTEMPTS,
        "mode": "standard",
    }
    assert config.read_timeout == settings.DYNAMODB_READ_TIMEOUT
    assert config.connect_timeout == settings.DYNAMODB_CONNECT_TIMEOUT


def test_a_model_pointed_elsewhere_gets_a_client_of_its_own(tables, monkeypatch):
    monkeypatch.setattr(Book.Meta, "host", "http://127.0.0.1:9")
    monkeypatch.setattr(Book, "_connection", None)
    client = Book._get_connection().connection.client
    assert client is not dynamo.client_prepare()
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
