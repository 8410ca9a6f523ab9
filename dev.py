#!/usr/bin/env python3
"""CloudShelf's two commands, for a fresh machine with only python3:

    python3 dev.py serve     set up .venv, then run the store on http://127.0.0.1:8000
    python3 dev.py test      set up .venv, then run the whole test suite
    python3 dev.py bench     set up .venv, then run the benchmarks (writes BENCHMARKS.md)
    python3 dev.py check     set up .venv, then lint, format-check and type-check the code

Anything after the command goes to runserver, pytest or the benchmarks. Set-up is skipped
when the requirements have not changed since the last run.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]


def setup():
    install_python_packages()
    install_axe_core()


def install_axe_core():
    """axe-core (npm) audits pages in the browser tests; skipped where npm is absent."""
    if (ROOT / "node_modules" / "axe-core").exists() or not shutil.which("npm"):
        return
    print("Installing axe-core for the browser tests ...", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True)


def install_python_packages():
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in REQUIREMENTS))
    stamp = VENV / ".requirements.sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    print("Installing requirements into .venv ...", flush=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements-dev.txt"],
        check=True,
    )
    stamp.write_text(digest.hexdigest())


CHECKS = [
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    # The files and settings are in pyproject.toml ([tool.mypy]).
    ["mypy"],
]


def check():
    """The checks .ci/run runs before the tests; the first failure stops them."""
    for command in CHECKS:
        print("$", " ".join(command), flush=True)
        code = subprocess.call([VENV / "bin" / command[0], *command[1:]])
        if code:
            return code
    return 0


def main(argv):
    if not argv or argv[0] not in ("serve", "test", "bench", "check", "setup"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    setup()
    os.chdir(ROOT)
    if command == "serve":
        args = rest or ["127.0.0.1:8000"]
        return subprocess.call([PYTHON, "manage.py", "runserver", *args])
    if command == "test":
        return subprocess.call([PYTHON, "-m", "pytest", *rest])
    if command == "check":
        return check()
    if command == "bench":
        return subprocess.call([PYTHON, "-m", "benchmarks", *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
