"""Against kit's AWS emulator (moto), with real boto3 clients: the instances chosen by tag in one
region and environment, the command sent to exactly them, the invocations read back. npm test
starts the emulator and sets AWS_ENDPOINT_URL (scripts/with-test-services.ts --aws). The emulator
runs no command, so every invocation it reports succeeds; failures are tested with fakes."""

import io
import json
import os
import uuid

import boto3
import pytest

from testapp_autoupdate.cli import main
from testapp_autoupdate.handler import handle

DOCUMENT = {
    "schemaVersion": "2.2",
    "description": "Runs test-app's autoupdater",
    "mainSteps": [
        {
            "action": "aws:runShellScript",
            "name": "autoupdate",
            "inputs": {"runCommand": ["/usr/local/bin/testapp-autoupdater"], "timeoutSeconds": "600"},
        }
    ],
}


@pytest.fixture(scope="module")
def endpoint():
    url = os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        pytest.fail(
            "AWS_ENDPOINT_URL is not set: run these tests through npm test, or "
            "scripts/with-test-services.ts --aws -- python -m pytest"
        )
    return url


@pytest.fixture(scope="module")
def stacks(endpoint):
    """An app name of its own; prod and uat in us-east-1, prod in us-west-2, one stopped instance."""
    app = f"testapp-{uuid.uuid4().hex[:8]}"
    made = {}
    for region, environment, count in [("us-east-1", "prod", 3), ("us-east-1", "uat", 2), ("us-west-2", "prod", 2)]:
        ec2 = boto3.client("ec2", region_name=region)
        ssm = boto3.client("ssm", region_name=region)
        tags = [
            {"Key": "Environment", "Value": environment},
            {"Key": "ProjectId", "Value": "1234"},
            {"Key": "App", "Value": app},
        ]
        reservation = ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=count,
            MaxCount=count,
            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
        )
        made[(region, environment)] = sorted(i["InstanceId"] for i in reservation["Instances"])
        name = f"{app}-{environment}-autoupdate"
        try:
            ssm.create_document(Name=name, DocumentType="Command", Content=json.dumps(DOCUMENT))
        except ssm.exceptions.DocumentAlreadyExists:
            pass
    # A stopped prod instance in us-east-1 is not sent anything.
    ec2 = boto3.client("ec2", region_name="us-east-1")
    stopped = ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [
                    {"Key": "Environment", "Value": "prod"},
                    {"Key": "ProjectId", "Value": "1234"},
                    {"Key": "App", "Value": app},
                ],
            }
        ],
    )["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[stopped])
    return app, made


class SentCommands:
    """Records every SendCommand request the client makes, as botocore sends it (its before-call
    event). What the emulator records cannot be used: moto 5.2 adds every instance of the region to
    a command sent with InstanceIds and no Targets (moto/ssm/models.py, Command.__init__)."""

    def __init__(self, client):
        self.requests = []
        client.meta.events.register("before-call.ssm.SendCommand", self._record)

    def _record(self, params, **_):
        self.requests.append(params["body"])

    def instance_ids(self):
        ids = []
        for body in self.requests:
            ids.extend(json.loads(body)["InstanceIds"])
        return sorted(ids)


def test_the_pipeline_step_updates_exactly_one_region_and_environment(stacks, tmp_path):
    app, made = stacks
    report_file = tmp_path / "report.json"
    out = io.StringIO()
    ssm = boto3.client("ssm", region_name="us-east-1")
    sent = SentCommands(ssm)
    code = main(
        ["--region", "us-east-1", "--environment", "prod", "--app", app, "--poll", "0.2", "--report", str(report_file)],
        clients=(boto3.client("ec2", region_name="us-east-1"), ssm),
        out=out,
    )
    assert code == 0, out.getvalue()
    report = json.loads(report_file.read_text())
    assert [i["instance_id"] for i in report["instances"]] == made[("us-east-1", "prod")]
    assert sent.instance_ids() == made[("us-east-1", "prod")]
    assert len(report["commandIds"]) == 1
    assert all(i["status"] == "Success" for i in report["instances"])
    assert "3 of 3 instances updated" in out.getvalue()


def test_the_lambda_updates_its_own_stack_only(stacks):
    app, made = stacks
    env = {
        "TARGET_TAGS": json.dumps({"Environment": "uat", "ProjectId": "1234", "App": app}),
        "DOCUMENT_NAME": f"{app}-uat-autoupdate",
        "TIMEOUT_SECONDS": "60",
    }
    ssm = boto3.client("ssm", region_name="us-east-1")
    sent = SentCommands(ssm)
    result = handle({"requestedBy": "pytest"}, boto3.client("ec2", region_name="us-east-1"), ssm, env)
    assert result["ok"] is True
    assert [i["instance_id"] for i in result["instances"]] == made[("us-east-1", "uat")]
    assert sent.instance_ids() == made[("us-east-1", "uat")]


def test_another_region_is_a_stack_of_its_own(stacks):
    app, made = stacks
    out = io.StringIO()
    assert main(["--region", "us-west-2", "--environment", "prod", "--app", app, "--poll", "0.2"], out=out) == 0
    assert "2 of 2 instances updated" in out.getvalue()
    assert main(["--region", "eu-west-1", "--environment", "prod", "--app", app], out=out) == 1
