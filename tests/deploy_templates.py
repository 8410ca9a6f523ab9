"""Reading deploy/*.yaml in tests: intrinsic functions resolved for one stage and account,
and the Lambda role's policy evaluated the way IAM evaluates an Allow-only policy."""

from fnmatch import fnmatchcase
from pathlib import Path

from cfnlint.decode import decode

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "deploy").glob("*.yaml"))
APP_TEMPLATE = ROOT / "deploy" / "app.yaml"
STREAMS_TEMPLATE = ROOT / "deploy" / "streams.yaml"
ACCOUNT, REGION, PARTITION = "123456789012", "us-east-1", "aws"
# DynamoDB names a table's stream by the time it was enabled; any fixed label will do here.
STREAM_LABEL = "2025-01-01T00:00:00.000"
# The user pool's id in ARNs the resolver makes (Cognito makes the real one).
POOL_LABEL = "us-east-1_TEMPLATE"
NO_VALUE = object()
# Issue 14's contract: the stream consumer's entry point, in the site's package.
CONSUMER_HANDLER = "cloudshelf.streams.lambda_handler.handler"
JOBS_HANDLER = "cloudshelf.jobs.handler"


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
        if resource["Type"] == "AWS::SQS::Queue":  # Ref is the queue's URL
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{self.name(name)}"
        return self.name(name)

    def name(self, name):
        properties = self.template["Resources"][name].get("Properties", {})
        for key in (
            "TableName",
            "BucketName",
            "RoleName",
            "LogGroupName",
            "QueueName",
            "FunctionName",
        ):
            if key in properties:
                return self(properties[key])
        raise AssertionError(f"no physical name for {name}")

    def arn(self, name):
        resource = self.template["Resources"][name]
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.name(name)}"
        if kind == "AWS::S3::Bucket":
            return f"arn:aws:s3:::{self.name(name)}"
        if kind == "AWS::Logs::LogGroup":
            return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{self.name(name)}:*"
        if kind == "AWS::SQS::Queue":
            return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{self.name(name)}"
        if kind == "AWS::IAM::Role":
            return f"arn:aws:iam::{ACCOUNT}:role/{self.name(name)}"
        if kind == "AWS::Cognito::UserPool":  # its id is made by Cognito
            return f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{POOL_LABEL}"
        if kind == "AWS::Lambda::Function":
            return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.name(name)}"
        if kind == "AWS::Events::Rule":  # CloudFormation names it; the logical id will do
            return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"
        raise AssertionError(f"no Arn for {kind}")

    def attribute(self, name, attribute):
        if attribute == "Arn":
            return self.arn(name)
        if attribute == "StreamArn":
            resource = self.template["Resources"][name]
            assert resource["Type"] == "AWS::DynamoDB::Table", name
            assert "StreamSpecification" in resource["Properties"], f"{name} has no stream"
            return f"{self.arn(name)}/stream/{STREAM_LABEL}"
        raise AssertionError(f"no attribute {attribute} of {name}")

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
                return self.attribute(name, attribute)
            if function == "Fn::ImportValue":
                return exported_values(self.parameters["Stage"])[self(argument)]
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
                    value = self.attribute(*name.split(".", 1)) if "." in name else self.ref(name)
                    text = text[:start] + value + text[end + 1 :]
                return text
            if function == "Fn::If":
                condition, if_true, if_false = argument
                return self(if_true if self.condition(condition) else if_false)
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        return value


def exported_values(stage):
    """{export name: value} of every template's Outputs for a stage (Fn::ImportValue)."""
    exports = {}
    for path in TEMPLATES:
        template = load(path)
        resolve = Resolver(template, stage=stage)
        for output in template.get("Outputs", {}).values():
            if "Export" in output:
                name = resolve(output["Export"]["Name"])
                assert name not in exports, f"{name} is exported twice"
                exports[name] = resolve(output["Value"])
    return exports


def resources_of_type(path, kind, stage="production", parameters=None):
    """{logical id: resolved properties} of the resources of one type in a template."""
    template = load(path)
    resolve = Resolver(template, stage=stage, parameters=parameters)
    return {
        name: resolve(resource.get("Properties", {}))
        for name, resource in template["Resources"].items()
        if resource["Type"] == kind
    }


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
    """A Lambda role's inline policy (the site's and stream consumer's unless told),
    resolved for a stage (and an email identity)."""

    def __init__(
        self,
        stage="production",
        email_identity="example.com",
        identity="builtin",
        *,
        path=APP_TEMPLATE,
        role="LambdaRole",
    ):
        template = load(path)
        self.resolve = Resolver(
            template,
            stage=stage,
            parameters={"EmailIdentity": email_identity, "IdentityService": identity},
        )
        role = template["Resources"][role]["Properties"]
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


def jobs_policy(stage="production"):
    """The scheduled jobs' own role (deploy/streams.yaml)."""
    return RolePolicy(stage=stage, path=STREAMS_TEMPLATE, role="JobsRole")
