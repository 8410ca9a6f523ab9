"""Zappa's ``prebuild_script`` (zappa_settings.json): runs before every ``zappa package``,
``deploy`` and ``update``, in the virtualenv Zappa packages.

1. Refuses a virtualenv that holds anything the site does not need (moto, pytest, ...):
   Zappa packages the whole active virtualenv, and test tools must never reach Lambda.
2. Refuses compiled packages built for a newer Linux than Lambda's python3.11 runtime
   (Amazon Linux 2, glibc 2.26): they would fail to import there. deploy/lambda_venv.py
   builds a virtualenv that passes both checks.
3. Collects the static files (hashed names and a manifest, for whitenoise).
4. Compiles the project's modules to hash-checked .pyc files: Lambda's code folder is
   read-only, so modules without a valid .pyc are compiled again at every cold start, and
   a timestamp-checked .pyc is invalid once Zappa has copied and zipped the sources.

Set CLOUDSHELF_PREBUILD_SKIP_PLATFORM_CHECK=1 only to build a package to look at on this
machine (the test suite does); never for a package you deploy.
"""

import compileall
import importlib.metadata
import os
import py_compile
import re
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_REQUIREMENTS = ROOT / "requirements.txt"
# What `python -m venv` puts in every virtualenv.
VENV_BOOTSTRAP = {"pip", "setuptools", "wheel"}
# Lambda's python3.11 runtime: Amazon Linux 2, glibc 2.26, x86_64.
LAMBDA_GLIBC = (2, 26)
LAMBDA_ARCH = "x86_64"
LAMBDA_PYTHON_TAGS = {"cp311", "abi3", "none"}
LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
# Top-level folders of the project with no Python that Lambda runs.
NOT_SHIPPED = {
    "tests",
    "deploy",
    "benchmarks",
    "node_modules",
    "staticfiles",
    "static",
    "templates",
    "test-artifacts",
}


class PrebuildError(SystemExit):
    pass


def site_packages_of(venv):
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return Path(venv) / "lib" / version / "site-packages"


def installed_distributions(site_packages):
    """{canonical name: Distribution} of what is installed in ``site_packages``."""
    return {
        canonicalize_name(d.metadata["Name"]): d
        for d in importlib.metadata.distributions(path=[str(site_packages)])
    }


def requirement_lines(path):
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            yield Requirement(line)


def runtime_closure(site_packages, requirements=RUNTIME_REQUIREMENTS):
    """The names of requirements.txt's distributions and everything they depend on."""
    installed = installed_distributions(site_packages)
    needed, queue = set(), [(r, frozenset(r.extras)) for r in requirement_lines(requirements)]
    while queue:
        requirement, extras = queue.pop()
        name = canonicalize_name(requirement.name)
        if (name, extras) in needed or name not in installed:
            continue
        needed.add((name, extras))
        for line in installed[name].requires or []:
            child = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(e) for e in environments):
                queue.append((child, frozenset(child.extras)))
    return {name for name, _ in needed}


def unneeded_distributions(site_packages, requirements=RUNTIME_REQUIREMENTS):
    installed = set(installed_distributions(site_packages))
    return sorted(installed - runtime_closure(site_packages, requirements) - VENV_BOOTSTRAP)


def wheel_tags(distribution):
    text = distribution.read_text("WHEEL") or ""
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")]


def tag_runs_on_lambda(tag):
    python, abi, platform = tag.split("-")
    if platform == "any":
        return True
    if abi not in LAMBDA_PYTHON_TAGS or not platform.endswith("_" + LAMBDA_ARCH):
        return False
    policy = platform[: -len(LAMBDA_ARCH) - 1]
    if policy in LEGACY_MANYLINUX:
        return LEGACY_MANYLINUX[policy] <= LAMBDA_GLIBC
    match = re.fullmatch(r"manylinux_(\d+)_(\d+)", policy)
    return bool(match) and (int(match[1]), int(match[2])) <= LAMBDA_GLIBC


def distributions_not_for_lambda(site_packages):
    """Installed distributions whose wheel does not run on Lambda's python3.11."""
    bad = []
    for name, distribution in sorted(installed_distributions(site_packages).items()):
        tags = wheel_tags(distribution)
        if tags and not any(tag_runs_on_lambda(t) for t in tags):
            bad.append(f"{name} ({', '.join(tags)})")
    return bad


def check_virtualenv(venv):
    if not venv:
        raise PrebuildError("Run zappa inside the virtualenv made by deploy/lambda_venv.py.")
    site_packages = site_packages_of(venv)
    extra = unneeded_distributions(site_packages)
    if extra:
        raise PrebuildError(
            f"{venv} holds packages the site does not need, which Zappa would ship to Lambda: "
            f"{', '.join(extra)}. Package from the virtualenv made by deploy/lambda_venv.py."
        )
    if os.environ.get("CLOUDSHELF_PREBUILD_SKIP_PLATFORM_CHECK") == "1":
        return
    wrong = distributions_not_for_lambda(site_packages)
    if wrong:
        raise PrebuildError(
            "These packages were built for a newer Linux than Lambda's python3.11 runtime "
            f"(Amazon Linux 2, glibc 2.26) and would not import there: {'; '.join(wrong)}. "
            "Package from the virtualenv made by deploy/lambda_venv.py."
        )


def collect_static():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cloudshelf.settings.production",
        # Only collectstatic runs with these; nothing is shipped or signed with them.
        "DJANGO_SECRET_KEY": "collectstatic-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "build",
        "DEFAULT_FROM_EMAIL": "build@localhost",
    }
    env.pop("DJANGO_SECRET_KEY_PARAMETER", None)
    env.pop("DJANGO_STATIC_ROOT", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def compile_project():
    mode = py_compile.PycInvalidationMode.CHECKED_HASH
    ok = True
    for path in sorted(ROOT.iterdir()):
        if path.name.startswith(".") or path.name in NOT_SHIPPED:
            continue
        if path.is_dir():
            ok &= compileall.compile_dir(path, quiet=1, force=True, invalidation_mode=mode)
        elif path.suffix == ".py":
            ok &= compileall.compile_file(path, quiet=1, force=True, invalidation_mode=mode)
    if not ok:
        raise PrebuildError("Some project modules do not compile.")


def run():
    check_virtualenv(os.environ.get("VIRTUAL_ENV"))
    collect_static()
    compile_project()
    print("prebuild: virtualenv checked, static files collected, modules compiled")
