#!/usr/bin/env python3
"""Build .venv-lambda: the virtualenv that `zappa package`, `deploy` and `update` ship.

    python3 deploy/lambda_venv.py          (Python 3.11, like the Lambda runtime)
    . .venv-lambda/bin/activate            then the zappa commands of the README

It holds requirements.txt and nothing else (no test tools), and every compiled package in
it is the build for Lambda's python3.11 runtime (Amazon Linux 2, glibc 2.26, x86_64), not
the newer build pip picks for this machine. Modules are compiled to .pyc files that stay
valid after Zappa copies them, so Lambda does not compile them at each cold start.
Needs PyPI once; the zappa commands after it need no network for packaging.
"""

import compileall
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-lambda"
LAMBDA_PLATFORM = [
    "--platform",
    "manylinux2014_x86_64",
    "--implementation",
    "cp",
    "--python-version",
    "3.11",
    "--only-binary=:all:",
]


def run(*command):
    print("+", " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True)


def create():
    if sys.version_info[:2] != (3, 11):
        sys.exit("Run this with Python 3.11, the version of the Lambda runtime.")
    run(sys.executable, "-m", "venv", "--clear", VENV)
    run(VENV / "bin" / "pip", "install", "--quiet", "-r", ROOT / "requirements.txt")
    # The rest needs `packaging`, which the new virtualenv has.
    run(VENV / "bin" / "python", __file__, "--finish")


def finish():
    sys.path.insert(0, str(ROOT))
    from deploy.prebuild import (
        distributions_not_for_lambda,
        installed_distributions,
        site_packages_of,
        tag_runs_on_lambda,
        unneeded_distributions,
        wheel_tags,
    )

    pip = VENV / "bin" / "pip"
    site_packages = site_packages_of(VENV)
    native = [
        f"{d.metadata['Name']}=={d.version}"
        for d in installed_distributions(site_packages).values()
        if wheel_tags(d) and not any(tag_runs_on_lambda(t) for t in wheel_tags(d))
    ]
    if native:
        run(
            pip,
            "install",
            "--quiet",
            "--no-deps",
            "--upgrade",
            *LAMBDA_PLATFORM,
            "--target",
            site_packages,
            *native,
        )
        shutil.rmtree(site_packages / "bin", ignore_errors=True)
    compileall.compile_dir(
        site_packages,
        quiet=1,
        force=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    problems = unneeded_distributions(site_packages) + distributions_not_for_lambda(site_packages)
    if problems:
        sys.exit(f"The virtualenv is not fit for Lambda: {problems}")
    print(f"{VENV} is ready. Activate it (. {VENV.name}/bin/activate) and run zappa.")


if __name__ == "__main__":
    finish() if sys.argv[1:] == ["--finish"] else create()
