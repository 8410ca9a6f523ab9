"""The process's botocore session keeps only DynamoDB's and SSM's endpoint entries and
still resolves every endpoint exactly as botocore's own data does."""

import itertools

import pytest
from botocore.exceptions import BotoCoreError
from botocore.loaders import create_loader
from botocore.regions import EndpointResolver
from botocore.session import Session

from cloudshelf.botocore_session import SERVICES, LeanSession
from cloudshelf.endpoints import LeanEndpointResolver

VARIANTS = list(itertools.product((False, True), repeat=2))  # (dualstack, fips)


@pytest.fixture(scope="module")
def whole_data():
    data, path = create_loader().load_data_with_path("endpoints")
    return data, create_loader().is_builtin_path(path)


@pytest.fixture(scope="module")
def whole(whole_data):
    data, builtin = whole_data
    return EndpointResolver(data, uses_builtin_data=builtin)


@pytest.fixture(scope="module")
def lean(whole_data):
    return LeanEndpointResolver(lambda: whole_data, SERVICES)


def _regions(data):
    """Every region botocore names, and one per partition that only its pattern admits."""
    for partition in data["partitions"]:
        yield from partition["regions"]
        for service in SERVICES:
            yield from partition["services"].get(service, {}).get("endpoints", {})
    yield from ("us-east-9", "eu-central-7", "cn-northwest-9", "us-gov-west-8", "mars-1")


def _outcome(method, *args, **kwargs):
    try:
        return ("answer", method(*args, **kwargs))
    except BotoCoreError as error:  # the same error, with the same message, is the same outcome
        return ("error", type(error), str(error))


def test_the_lean_resolver_holds_only_the_named_services_in_every_partition(lean, whole):
    partitions = lean._endpoint_data["partitions"]
    assert [p["partition"] for p in partitions] == whole.get_available_partitions()
    for partition in partitions:
        assert set(partition["services"]) <= set(SERVICES)
    assert any(set(p["services"]) == set(SERVICES) for p in partitions)


def test_dynamodb_and_ssm_endpoints_are_botocores_in_every_region_and_variant(
    lean, whole, whole_data
):
    regions = sorted(set(_regions(whole_data[0])))
    compared = 0
    for service, region, (dualstack, fips) in itertools.product(SERVICES, regions, VARIANTS):
        kwargs = dict(use_dualstack_endpoint=dualstack, use_fips_endpoint=fips)
        assert _outcome(lean.construct_endpoint, service, region, **kwargs) == _outcome(
            whole.construct_endpoint, service, region, **kwargs
        ), (service, region, dualstack, fips)
        compared += 1
    assert compared > 200


def test_partitions_regions_and_dns_suffixes_are_botocores(lean, whole, whole_data):
    for region in sorted(set(_regions(whole_data[0]))):
        assert _outcome(lean.get_partition_for_region, region) == _outcome(
            whole.get_partition_for_region, region
        )
    for partition, tags in itertools.product(
        whole.get_available_partitions(), (None, ["dualstack"], ["fips"])
    ):
        assert lean.get_partition_dns_suffix(partition, tags) == whole.get_partition_dns_suffix(
            partition, tags
        )
        for service in SERVICES:
            assert lean.get_available_endpoints(
                service, partition, endpoint_variant_tags=tags
            ) == whole.get_available_endpoints(service, partition, endpoint_variant_tags=tags)


def test_other_services_are_answered_from_the_whole_file(lean, whole):
    for service in ("iam", "s3", "cognito-idp", "sts"):
        for region in ("us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"):
            assert lean.construct_endpoint(service, region) == whole.construct_endpoint(
                service, region
            )
        assert lean.get_available_endpoints(service) == whole.get_available_endpoints(service)
        assert lean.get_service_endpoints_data(service) == whole.get_service_endpoints_data(
            service
        )


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1"])
@pytest.mark.parametrize("service", SERVICES)
def test_clients_of_the_lean_session_have_botocores_endpoint_and_signing(service, region):
    def described(session):
        client = session.create_client(
            service, region_name=region, aws_access_key_id="k", aws_secret_access_key="s"
        )
        meta = client.meta
        return meta.endpoint_url, meta.region_name, meta.partition, meta.config.signature_version

    assert described(LeanSession()) == described(Session())
