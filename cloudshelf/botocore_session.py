"""The process's one botocore session, for DynamoDB's client and the start-up's SSM client.

Each botocore session loads its own copy of ``endpoints.json`` (1.25 MB of JSON, about
4 MB of Python objects) and of every service model it makes a client for: two sessions
cost a Lambda cold start about a quarter of a second and every worker their memory. This
one keeps only DynamoDB's and SSM's endpoint entries (cloudshelf/endpoints.py).
DynamoDB's answers are parsed by cloudshelf/dynamo_parse.py, which only takes the short
way for DynamoDB's ``AttributeValue`` shapes, so other services parse as botocore's own."""

from functools import cache

from botocore.loaders import create_loader
from botocore.session import Session

from cloudshelf.dynamo_parse import DynamoParserFactory
from cloudshelf.endpoints import LeanEndpointResolver

SERVICES = ("dynamodb", "ssm")


class LeanSession(Session):
    def _register_endpoint_resolver(self):
        # Overrides botocore's own, which keeps the whole file in the session's loader.
        self._internal_components.lazy_register_component(
            "endpoint_resolver", lambda: LeanEndpointResolver(self._endpoint_data, SERVICES)
        )

    def _endpoint_data(self):
        # A loader of its own, dropped after, so that no cache keeps the whole file.
        loader = create_loader(self.get_config_variable("data_path"))
        data, path = loader.load_data_with_path("endpoints")
        return data, loader.is_builtin_path(path)


@cache
def botocore_session() -> Session:
    session = LeanSession()
    session.register_component("response_parser_factory", DynamoParserFactory())
    return session
