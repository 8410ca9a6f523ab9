"""zappa_settings.json: what each stage deploys, checked against Zappa's own reading of it."""

import json
from fnmatch import fnmatch
from pathlib import Path

import pytest

from tests.deploy_templates import (
    APP_TEMPLATE,
    CONSUMER_HANDLER,
    ROOT,
    Resolver,
    RolePolicy,
    load,
)
from tests.lambda_harness import zappa_settings_module

SETTINGS = json.loads((ROOT / "zappa_settings.json").read_text())
STAGES = sorted(SETTINGS)


def test_there_is_a_dev_and_a_production_stage():
    assert STAGES == ["dev", "production"]


@pytest.mark.parametrize("stage", STAGES)
def test_stage_runs_the_production_settings_on_python_3_11(stage):
    config = SETTINGS[stage]
    assert config["django_settings"] == "cloudshelf.settings.production"
    assert config["runtime"] == "python3.11"
    assert config["app_function"] == "cloudshelf.lambda_app.application"


@pytest.mark.parametrize("stage", STAGES)
def test_generated_handler_settings_turn_zappa_debug_off(stage, tmp_path):
    text = zappa_settings_module(tmp_path, stage=stage).read_text()
    assert "DEBUG=False" in text.splitlines()
    assert "BINARY_SUPPORT=True" in text.splitlines()
    assert "DJANGO_SETTINGS='cloudshelf.settings.production'" in text.splitlines()


@pytest.mark.parametrize("stage", STAGES)
def test_stage_does_not_keep_lambda_warm(stage):
    assert SETTINGS[stage]["keep_warm"] is False


@pytest.mark.parametrize("stage", STAGES)
def test_stage_chooses_memory_and_timeout(stage):
    assert SETTINGS[stage]["memory_size"] == 1024
    assert SETTINGS[stage]["timeout_seconds"] == 60


@pytest.mark.parametrize("stage", STAGES)
def test_stage_keeps_no_secret_in_the_file(stage):
    environment = SETTINGS[stage]["environment_variables"]
    assert "DJANGO_SECRET_KEY" not in environment
    assert not any("PASSWORD" in k or k.startswith("AWS_SECRET") for k in environment)


@pytest.mark.parametrize("stage", STAGES)
def test_stage_reads_the_secret_key_the_role_may_read(stage):
    name = SETTINGS[stage]["environment_variables"]["DJANGO_SECRET_KEY_PARAMETER"]
    policy = RolePolicy(stage=stage)
    assert policy.allows("ssm:GetParameter", f"arn:aws:ssm:us-east-1:123456789012:parameter{name}")


@pytest.mark.parametrize("stage", STAGES)
def test_stage_runs_as_the_role_the_template_creates(stage):
    config = SETTINGS[stage]
    assert config["manage_roles"] is False
    assert config["role_name"] == Resolver(load(APP_TEMPLATE), stage=stage).ref("LambdaRole")


@pytest.mark.parametrize(
    "package",
    [
        "boto3",
        "botocore",
        "s3transfer",
        "moto",
        "pytest",
        "_pytest",
        "pytest_django",
        "cfnlint",
        "pip",
        "setuptools",
        "gunicorn",
        "troposphere",
    ],
)
@pytest.mark.parametrize("stage", STAGES)
def test_stage_leaves_out_what_lambda_has_or_the_site_does_not_need(stage, package):
    assert any(fnmatch(package, pattern) for pattern in SETTINGS[stage]["exclude"])


@pytest.mark.parametrize(
    "needed",
    [
        "django",
        "pynamodb",
        "storages",
        "whitenoise",
        "PIL",
        "zappa",
        "werkzeug",
        "durationpy",
        "cloudshelf",
        "store",
        "accounts",
        "templates",
        "staticfiles",
        "asgiref",
        "sqlparse",
    ],
)
@pytest.mark.parametrize("stage", STAGES)
def test_stage_keeps_what_the_site_needs(stage, needed):
    assert not any(fnmatch(needed, pattern) for pattern in SETTINGS[stage]["exclude"])


def shipped_names():
    """Every file and folder name of the project and of the packages the site imports."""
    import importlib.util

    roots = [ROOT / name for name in ("cloudshelf", "store", "accounts", "templates", "static")]
    for module in (
        "django",
        "pynamodb",
        "storages",
        "whitenoise",
        "PIL",
        "zappa",
        "werkzeug",
        "asgiref",
        "markupsafe",
        "durationpy",
        "sqlparse",
    ):
        roots.append(Path(importlib.util.find_spec(module).origin).parent)
    for root in roots:
        yield root.name
        for path in root.rglob("*"):
            if "__pycache__" not in path.parts:
                yield path.name


@pytest.mark.parametrize("stage", STAGES)
def test_no_exclude_pattern_drops_a_file_the_site_needs(stage):
    patterns = SETTINGS[stage]["exclude"]
    dropped = sorted(
        {name for name in shipped_names() if any(fnmatch(name, pattern) for pattern in patterns)}
    )
    assert dropped == []


@pytest.mark.parametrize("stage", STAGES)
def test_stage_leaves_the_streams_to_the_consumer_function(stage):
    """deploy/streams.yaml's mappings feed the streams to a second function. A Zappa event
    source would add a mapping with none of their settings (Zappa 0.63 passes only the
    batch size: no starting position, partial batch responses, bisection, retry limit or
    OnFailure destination), and every record would be handled twice."""
    assert "events" not in SETTINGS[stage]


@pytest.mark.parametrize("stage", STAGES)
def test_stage_ships_the_stream_consumer_handler(stage):
    module_path = CONSUMER_HANDLER.rsplit(".", 1)[0].split(".")
    parts = [*module_path[:-1], module_path[-1] + ".py"]
    patterns = SETTINGS[stage]["exclude"]
    assert not [p for p in parts if any(fnmatch(p, pattern) for pattern in patterns)]


@pytest.mark.parametrize("stage", STAGES)
def test_stage_names_the_projections_table(stage):
    prefix = "cloudshelf-dev" if stage == "dev" else "cloudshelf"
    environment = SETTINGS[stage]["environment_variables"]
    assert environment["PROJECTIONS_TABLE_NAME"] == f"{prefix}-projections"
