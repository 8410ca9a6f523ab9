"""botocore's endpoint data for only the services this process calls.

``endpoints.json`` describes every AWS service in every partition: parsed, about 4 MB of
Python objects that each worker would hold for its life, of which DynamoDB's and SSM's
entries are a few kilobytes. The resolver keeps every partition whole (regions, defaults,
DNS suffixes, variants) and the entries of the services it is given; a question about any
other service goes to a resolver of the whole file, loaded the first time one is asked."""

from collections.abc import Callable, Collection
from functools import cached_property
from typing import Any

from botocore.regions import EndpointResolver

EndpointData = dict[str, Any]


def endpoints_only(data: EndpointData, services: Collection[str]) -> EndpointData:
    """A copy of endpoints.json's data with each partition's services cut to ``services``."""
    partitions = [
        {
            **partition,
            "services": {
                name: entry for name, entry in partition["services"].items() if name in services
            },
        }
        for partition in data["partitions"]
    ]
    return {**data, "partitions": partitions}


class LeanEndpointResolver(EndpointResolver):
    def __init__(
        self, load: Callable[[], tuple[EndpointData, bool]], services: Collection[str]
    ) -> None:
        """``load()`` gives endpoints.json's data and whether it is botocore's own copy."""
        data, uses_builtin_data = load()
        super().__init__(endpoints_only(data, services), uses_builtin_data=uses_builtin_data)
        self._load = load
        self.services = frozenset(services)

    @cached_property
    def _whole(self) -> EndpointResolver:
        data, uses_builtin_data = self._load()
        return EndpointResolver(data, uses_builtin_data=uses_builtin_data)

    def get_service_endpoints_data(self, service_name, partition_name="aws"):
        if service_name not in self.services:
            return self._whole.get_service_endpoints_data(service_name, partition_name)
        return super().get_service_endpoints_data(service_name, partition_name)

    def get_available_endpoints(self, service_name, *args, **kwargs):
        if service_name not in self.services:
            return self._whole.get_available_endpoints(service_name, *args, **kwargs)
        return super().get_available_endpoints(service_name, *args, **kwargs)

    def construct_endpoint(self, service_name, *args, **kwargs):
        if service_name not in self.services:
            return self._whole.construct_endpoint(service_name, *args, **kwargs)
        return super().construct_endpoint(service_name, *args, **kwargs)
