"""Every zappa and manage.py command that README's "Deploy to AWS" tells a person to run
exists and accepts the arguments given there, and every `aws cloudformation deploy` gives
its template the parameters it takes, in an order that works (the stream consumer's stack
after the app stack and the package it runs)."""

import re
import shlex
import subprocess
import sys

import pytest
from django.core.management import get_commands, load_command_class

from tests.deploy_templates import ROOT, TEMPLATES, load

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


def cloudformation_deploys():
    """Each `aws cloudformation deploy` command of the section, continuation lines joined."""
    text = SECTION.replace("\\\n", " ")
    return [
        shlex.split(line.split("aws cloudformation deploy", 1)[1].replace("$", ""))
        for line in text.splitlines()
        if "aws cloudformation deploy " in line
    ]


def test_the_section_deploys_every_template():
    templates = {words[words.index("--template-file") + 1] for words in cloudformation_deploys()}
    assert templates == {f"deploy/{path.name}" for path in TEMPLATES}


@pytest.mark.parametrize("words", cloudformation_deploys(), ids=lambda w: w[1])
def test_stack_is_given_exactly_the_parameters_its_template_takes(words):
    template = load(ROOT / words[words.index("--template-file") + 1])
    overrides = words[words.index("--parameter-overrides") + 1 :]
    given = {word.split("=", 1)[0] for word in overrides if "=" in word}
    declared = template.get("Parameters", {})
    assert given <= set(declared)
    assert {name for name, spec in declared.items() if "Default" not in spec} <= given
    needs_iam = any(r["Type"].startswith("AWS::IAM::") for r in template["Resources"].values())
    assert ("CAPABILITY_NAMED_IAM" in words) == needs_iam


def test_streams_stack_is_deployed_after_the_app_stack_and_the_package():
    order = [words[words.index("--template-file") + 1] for words in cloudformation_deploys()]
    assert order.index("deploy/app.yaml") < order.index("deploy/streams.yaml")
    step = SECTION.split("--template-file deploy/streams.yaml", 1)[0]
    for before in ("zappa deploy production", "zappa package production", "aws s3 cp"):
        assert before in step, before
