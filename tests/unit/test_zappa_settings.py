"""zappa_settings.json: what each stage deploys, checked against Zappa's own reading of it."""

import json
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

from tests.deploy_templates import (
    APP_TEMPLATE,
    CONSUMER_HANDLER,
    JOBS_HANDLER,
    ROOT,
    STREAMS_TEMPLATE,
    Resolver,
    RolePolicy,
    load,
    resources_of_type,
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


@pytest.mark.parametrize("handler", [CONSUMER_HANDLER, JOBS_HANDLER])
@pytest.mark.parametrize("stage", STAGES)
def test_stage_ships_the_stream_consumer_and_jobs_handlers(stage, handler):
    module_path = handler.rsplit(".", 1)[0].split(".")
    parts = [*module_path[:-1], module_path[-1] + ".py"]
    patterns = SETTINGS[stage]["exclude"]
    assert not [p for p in parts if any(fnmatch(p, pattern) for pattern in patterns)]


@pytest.mark.parametrize("stage", STAGES)
def test_stage_names_the_projections_table(stage):
    prefix = "cloudshelf-dev" if stage == "dev" else "cloudshelf"
    environment = SETTINGS[stage]["environment_variables"]
    assert environment["PROJECTIONS_TABLE_NAME"] == f"{prefix}-projections"


def identity_settings_production_reads():
    """The CLOUDSHELF_IDENTITY_SERVICE and COGNITO_* variables that production settings read
    (their own file and the base settings they start from)."""
    names = set()
    for module in ("production.py", "base.py"):
        text = (ROOT / "cloudshelf" / "settings" / module).read_text()
        names |= set(re.findall(r"""env\(\s*["']((?:COGNITO_|CLOUDSHELF_IDENTITY)\w*)""", text))
    return names - {"COGNITO_USER_POOL_NAME"}


def test_production_settings_read_the_identity_service_and_the_pool_ids():
    assert {
        "CLOUDSHELF_IDENTITY_SERVICE",
        "COGNITO_USER_POOL_ID",
        "COGNITO_CLIENT_ID",
    } <= identity_settings_production_reads()


@pytest.mark.parametrize("stage", STAGES)
def test_stage_sets_every_identity_setting_production_reads(stage):
    environment = SETTINGS[stage]["environment_variables"]
    missing = identity_settings_production_reads() - set(environment)
    assert not missing, f"zappa_settings.json {stage} does not set {sorted(missing)}"
    assert environment["CLOUDSHELF_IDENTITY_SERVICE"] in ("builtin", "cognito")


@pytest.mark.parametrize("stage", STAGES)
def test_stage_keeps_no_cognito_secret_in_the_file(stage):
    """The app client has no secret; anything secret would be an SSM parameter's name."""
    environment = SETTINGS[stage]["environment_variables"]
    assert not [k for k in environment if k.startswith("COGNITO_") and "SECRET" in k]


@pytest.mark.parametrize("stage", STAGES)
def test_stream_consumer_gets_the_stages_pool_ids_when_cognito_is_on(stage):
    parameters = {
        "IdentityService": "cognito",
        "UserPoolId": "us-east-1_Abc",
        "UserPoolClientId": "c1",
    }
    functions = resources_of_type(STREAMS_TEMPLATE, "AWS::Lambda::Function", stage, parameters)
    assert set(functions) == {"StreamsFunction", "JobsFunction"}  # the scheduled jobs too
    for function in functions.values():
        variables = function["Environment"]["Variables"]
        assert variables["CLOUDSHELF_IDENTITY_SERVICE"] == "cognito"
        assert variables["COGNITO_USER_POOL_ID"] == "us-east-1_Abc"
        assert variables["COGNITO_CLIENT_ID"] == "c1"
        assert identity_settings_production_reads() <= set(variables)
