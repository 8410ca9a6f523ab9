"""Reading deploy/*.yaml in tests: intrinsic functions resolved for one stage and account,
and the Lambda role's policy evaluated the way IAM evaluates an Allow-only policy."""

from fnmatch import fnmatchcase
from pathlib import Path

from cfnlint.decode import decode

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "deploy").glob("*.yaml"))
APP_TEMPLATE = ROOT / "deploy" / "app.yaml"
ACCOUNT, REGION, PARTITION = "123456789012", "us-east-1", "aws"
NO_VALUE = object()


def load(path):
    template, matches = decode(str(path))
    assert not matches, matches
    return template


class Resolver:
    """Values of Ref, Fn::Sub, Fn::FindInMap, Fn::GetAtt (Arn) and Fn::If for a stage."""

    def __init__(self, template, *, stage="production", parameters=None):
        self.template = template
        self.parameters = {
            name: spec.get("Default", "") for name, spec in template.get("Parameters", {}).items()
        }
        self.parameters.update(Stage=stage, **(parameters or {}))
        self.pseudo = {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": PARTITION,
        }

    def ref(self, name):
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        resource = self.template["Resources"][name]
        properties = resource.get("Properties", {})
        for key in ("TableName", "BucketName", "RoleName", "LogGroupName"):
            if key in properties:
                return self(properties[key])
        raise AssertionError(f"no physical name for {name}")

    def arn(self, name):
        resource = self.template["Resources"][name]
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.ref(name)}"
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{self.ref(name)}"
        if kind == "AWS::Logs::LogGroup":
            return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{self.ref(name)}:*"
        raise AssertionError(f"no Arn for {kind}")

    def condition(self, name):
        return self.evaluate_condition(self.template["Conditions"][name])

    def evaluate_condition(self, value):
        ((function, argument),) = value.items()
        if function == "Fn::Not":
            return not self.evaluate_condition(argument[0])
        if function == "Fn::Equals":
            return self(argument[0]) == self(argument[1])
        if function == "Condition":
            return self.condition(argument)
        raise AssertionError(value)

    def __call__(self, value):
        if isinstance(value, list):
            return [item for item in (self(v) for v in value) if item is not NO_VALUE]
        if isinstance(value, dict) and len(value) == 1:
            ((function, argument),) = value.items()
            if function == "Ref":
                return self.ref(argument)
            if function == "Fn::GetAtt":
                name, attribute = argument if isinstance(argument, list) else argument.split(".")
                assert attribute == "Arn", attribute
                return self.arn(name)
            if function == "Fn::FindInMap":
                mapping, key, item = (self(a) for a in argument)
                return self.template["Mappings"][mapping][key][item]
            if function == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                for name, inner in variables.items():
                    text = text.replace(f"${{{name}}}", self(inner))
                while "${" in text:
                    start = text.index("${")
                    end = text.index("}", start)
                    name = text[start + 2 : end]
                    value = self.arn(name[:-4]) if name.endswith(".Arn") else self.ref(name)
                    text = text[:start] + value + text[end + 1 :]
                return text
            if function == "Fn::If":
                condition, if_true, if_false = argument
                return self(if_true if self.condition(condition) else if_false)
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        return value


def table_properties(stage="production"):
    """{table name: properties} of every DynamoDB table in deploy/*.yaml."""
    tables = {}
    for path in TEMPLATES:
        template = load(path)
        resolve = Resolver(template, stage=stage)
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::DynamoDB::Table":
                tables[resolve(resource["Properties"]["TableName"])] = resource["Properties"]
    return tables


class RolePolicy:
    """The Lambda role's inline policy, resolved for a stage (and an email identity)."""

    def __init__(self, stage="production", email_identity="example.com"):
        template = load(APP_TEMPLATE)
        self.resolve = Resolver(
            template, stage=stage, parameters={"EmailIdentity": email_identity}
        )
        role = template["Resources"]["LambdaRole"]["Properties"]
        self.statements = [
            s for p in role["Policies"] for s in self.resolve(p["PolicyDocument"]["Statement"])
        ]

    def allows(self, action, resource):
        for statement in self.statements:
            actions = statement["Action"]
            resources = statement["Resource"]
            actions = [actions] if isinstance(actions, str) else actions
            resources = [resources] if isinstance(resources, str) else resources
            if (
                statement["Effect"] == "Allow"
                and any(fnmatchcase(action, a) for a in actions)
                and any(fnmatchcase(resource, r) for r in resources)
            ):
                return True
        return False
