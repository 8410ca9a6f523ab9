"""Every zappa and manage.py command that README's "Deploy to AWS" tells a person to run
exists and accepts the arguments given there."""

import re
import shlex
import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class

from tests.deploy_templates import ROOT

SECTION = ROOT.joinpath("README.md").read_text().split("## Deploy to AWS", 1)[1].split("\n## ")[0]
COMMAND = r"zappa [a-z-]+ (?:dev|production)\b[^`\n#]*"
ZAPPA_LINES = sorted({match.strip() for match in re.findall(COMMAND, SECTION)})


def test_the_section_has_zappa_commands():
    assert {
        "zappa deploy production",
        "zappa update production",
        "zappa rollback production -n 1",
    } <= set(ZAPPA_LINES)


@pytest.mark.parametrize("line", [x for x in ZAPPA_LINES if not x.startswith("zappa manage")])
def test_zappa_command_exists(line):
    subcommand = shlex.split(line)[1]
    result = subprocess.run(
        [sys.executable, "-m", "zappa.cli", subcommand, "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    for option in (a for a in shlex.split(line)[2:] if a.startswith("-")):
        assert option in result.stdout, (line, option)


@pytest.mark.parametrize("line", [x for x in ZAPPA_LINES if x.startswith("zappa manage")])
def test_managed_command_exists_and_takes_its_arguments(line):
    words = shlex.split(line)
    assert words[2] in ("dev", "production")
    name, *args = shlex.split(" ".join(words[3:]).replace("$DOMAIN", "example.com"))
    commands = get_commands()
    assert name in commands, f"{name} is not a management command"
    command = load_command_class(commands[name], name)
    command.create_parser("manage.py", name).parse_args(args)
