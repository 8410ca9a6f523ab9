"""The setup commands run against an emulator of one's own (AWS_ENDPOINT_URL set, no
embedded emulator): here the suite's, in a subprocess with the laptop's settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import reset_emulator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_endpoint():
    """Nothing in the emulator yet: no table, no bucket."""
    reset_emulator()
    yield
    reset_emulator()


def manage(*args):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.local",
        "AWS_ENDPOINT_URL": settings.DYNAMODB_ENDPOINT_URL,
        "AWS_ACCESS_KEY_ID": "own",
        "AWS_SECRET_ACCESS_KEY": "own",
        "AWS_REGION": settings.AWS_REGION,
        "CLOUDSHELF_STREAM_POLL_INTERVAL": "0",
    }
    for name in ("CLOUDSHELF_LOCALAWS_PORT", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_seed_without_the_bucket_says_what_is_missing_and_how_to_make_it(own_endpoint):
    assert manage("create_tables").returncode == 0
    seeded = manage("seed_catalog")
    assert seeded.returncode != 0
    assert "Traceback" not in seeded.stderr and "NoSuchBucket" not in seeded.stderr
    assert f"covers bucket “{settings.COVERS_BUCKET_NAME}” does not exist" in seeded.stderr
    assert "create_tables --with-bucket" in seeded.stderr


def test_create_tables_with_bucket_then_seed_works(own_endpoint):
    created = manage("create_tables", "--with-bucket")
    assert created.returncode == 0 and "covers bucket: created" in created.stdout
    seeded = manage("seed_catalog")
    assert seeded.returncode == 0, seeded.stderr
    assert "wrote" in seeded.stdout
