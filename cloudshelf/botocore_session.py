"""The process's one botocore session, for DynamoDB's client and the start-up's SSM client.

Each botocore session loads its own copy of ``endpoints.json`` (1.25 MB of JSON, about
7 MB of Python objects) and of every service model it makes a client for: two sessions
cost a Lambda cold start about a quarter of a second and every worker their memory.
DynamoDB's answers are parsed by cloudshelf/dynamo_parse.py, which only takes the short
way for DynamoDB's ``AttributeValue`` shapes, so other services parse as botocore's own."""

from functools import cache

from botocore.session import Session, get_session

from cloudshelf.dynamo_parse import DynamoParserFactory


@cache
def botocore_session() -> Session:
    session = get_session()
    session.register_component("response_parser_factory", DynamoParserFactory())
    return session
