"""`zappa package production` for real: built with no network and no AWS credentials, it
leaves out test tools and the AWS SDK (Lambda has its own), and the unzipped package alone
(plus a stand-in for the runtime's boto3) serves the site through its own handler.py.

The package is built from a virtualenv holding exactly the runtime requirements (links
into the development virtualenv), as deploy/lambda_venv.py makes one. This machine's
Pillow is the build for a newer glibc than Lambda's, so the platform check is skipped
here; deploy/lambda_venv.py installs the Amazon Linux 2 build."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pytest
from django.conf import settings

from deploy.prebuild import installed_distributions, runtime_closure, site_packages_of
from tests.deploy_templates import CONSUMER_HANDLER
from tests.lambda_harness import API_HOST, ROOT, LambdaProcess, SiteView

DEV_SITE_PACKAGES = Path(boto3.__file__).resolve().parents[1]
LAMBDA_RUNTIME_SDK = [
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "six.py",
    "urllib3",
]


def runtime_only_virtualenv(directory):
    """A virtualenv whose site-packages links to the runtime closure of requirements.txt."""
    site = site_packages_of(directory)
    site.mkdir(parents=True)
    installed = installed_distributions(DEV_SITE_PACKAGES)
    for name in runtime_closure(DEV_SITE_PACKAGES):
        for top in {Path(str(f)).parts[0] for f in installed[name].files or []}:
            source = DEV_SITE_PACKAGES / top
            if source.exists() and not (site / top).exists() and top not in ("..", "bin"):
                (site / top).symlink_to(source)
    return directory


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    work = tmp_path_factory.mktemp("package")
    venv = runtime_only_virtualenv(work / "venv")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(work),
        "VIRTUAL_ENV": str(venv),
        "CLOUDSHELF_PREBUILD_SKIP_PLATFORM_CHECK": "1",
        # Nothing may reach the network: any attempt fails at this dead proxy.
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    zip_path = work / "cloudshelf-production.zip"
    build = subprocess.run(
        [sys.executable, "-m", "zappa.cli", "package", "production", "-o", str(zip_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return build, zip_path, work


@pytest.fixture(scope="module")
def unzipped(package):
    build, zip_path, work = package
    assert build.returncode == 0, build.stdout + build.stderr
    target = work / "task"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target


def test_package_builds_with_no_network_and_no_aws_credentials(package):
    build, zip_path, _ = package
    assert build.returncode == 0, build.stdout + build.stderr
    assert "Package created" in build.stdout
    assert zip_path.exists()


def test_package_is_small(package):
    # Lambda takes 50 MB zipped by direct upload. The Stripe SDK alone is about 6 MB of it.
    _, zip_path, _ = package
    assert zip_path.stat().st_size < 30 * 1024 * 1024


@pytest.mark.parametrize(
    "name",
    [
        "moto",
        "pytest",
        "_pytest",
        "pytest_django",
        "cfnlint",
        "boto3",
        "botocore",
        "s3transfer",
        "pip",
        "setuptools",
        "troposphere",
        "gunicorn",
        "tests",
        "deploy",
        "benchmarks",
        ".venv",
    ],
)
def test_package_leaves_out(unzipped, name):
    assert not (unzipped / name).exists()


@pytest.mark.parametrize(
    "name",
    [
        "handler.py",
        "zappa_settings.py",
        "django_zappa_app.py",
        "cloudshelf/lambda_app.py",
        "staticfiles/staticfiles.json",
        "templates/500.html",
        "django",
        "pynamodb",
        "PIL",
    ],
)
def test_package_holds(unzipped, name):
    assert (unzipped / name).exists()


def test_package_holds_every_project_module(unzipped):
    """Both functions run this zip: the site through Zappa's handler.py, the stream consumer
    (deploy/streams.yaml) through CONSUMER_HANDLER, a module of the project itself."""
    assert CONSUMER_HANDLER.split(".")[0] == "cloudshelf"
    modules = [
        path.relative_to(ROOT)
        for top in ("cloudshelf", "store", "accounts")
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    ]
    assert modules
    assert [str(m) for m in modules if not (unzipped / m).exists()] == []


def test_project_modules_are_shipped_with_hash_checked_bytecode(unzipped):
    pyc = next((unzipped / "cloudshelf" / "settings" / "__pycache__").glob("production.*.pyc"))
    flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
    assert flags == 0b11  # hash-based, checked against the source: valid after zipping


@pytest.fixture(scope="module")
def packaged_lambda(unzipped, tmp_path_factory):
    runtime = tmp_path_factory.mktemp("lambda-runtime")  # what Lambda's runtime bundles
    for name in LAMBDA_RUNTIME_SDK:
        (runtime / name).symlink_to(DEV_SITE_PACKAGES / name)
    ssm = boto3.client(
        "ssm",
        endpoint_url=settings.DYNAMODB_ENDPOINT_URL,
        region_name="us-east-1",
        aws_access_key_id="localaws",
        aws_secret_access_key="localaws",
    )
    ssm.put_parameter(
        Name="/cloudshelf/production/django-secret-key",
        Type="SecureString",
        Overwrite=True,
        Value="packaged-" + "p" * 50,
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(unzipped),
        "AWS_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
        "AWS_ACCESS_KEY_ID": "localaws",
        "AWS_SECRET_ACCESS_KEY": "localaws",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    worker = LambdaProcess(
        unzipped,
        env=env,
        log_path=unzipped.parent / "lambda.log",
        sys_path=[unzipped, runtime],
        python_flags=["-S"],
        handler_module="handler",
    )
    yield worker
    worker.close()


def test_unzipped_package_serves_the_site_through_its_handler(packaged_lambda, seed_books):
    site = SiteView(
        packaged_lambda, name="package", host=API_HOST, prefix="/production", stage="production"
    )
    page = site.get("/production/category/Technology/")
    assert page.status == 200, page.text
    assert "Clean Code" in page.text
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text)[1]
    assert site.get(stylesheet).status == 200


def test_unzipped_package_imports_nothing_from_outside_it(packaged_lambda, unzipped, tables):
    site = SiteView(
        packaged_lambda, name="package", host=API_HOST, prefix="/production", stage="production"
    )
    assert site.get("/production/accounts/sign-in/").status == 200
    logs = packaged_lambda.logs()
    assert str(DEV_SITE_PACKAGES) not in logs and "Traceback" not in logs
    assert not os.environ.get("VIRTUAL_ENV", "").startswith(str(unzipped))
