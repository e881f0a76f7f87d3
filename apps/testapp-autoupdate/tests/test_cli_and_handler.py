import io
import json

import pytest

from testapp_autoupdate.cli import main
from testapp_autoupdate.handler import handle, settings

from .fakes import FakeEC2, FakeSSM

PROD = {"Environment": "prod", "ProjectId": "1234", "App": "testapp"}


def test_cli_exits_0_and_prints_each_instance_when_all_succeed(tmp_path):
    out = io.StringIO()
    ssm = FakeSSM({"i-1": ["Success"], "i-2": ["Success"]})
    report = tmp_path / "report.json"
    code = main(
        ["--region", "us-west-2", "--environment", "prod", "--report", str(report)],
        clients=(FakeEC2({"i-1": PROD, "i-2": PROD}), ssm),
        out=out,
    )
    assert code == 0
    assert ssm.sent[0]["DocumentName"] == "testapp-prod-autoupdate"
    assert "2 of 2 instances updated" in out.getvalue()
    assert json.loads(report.read_text())["ok"] is True


def test_cli_exits_1_and_shows_the_failed_instance_output():
    out = io.StringIO()
    ssm = FakeSSM({"i-1": ["Success"], "i-2": [("Failed", 1, "disk full")]})
    code = main(
        ["--region", "us-east-1", "--environment", "prod"],
        clients=(FakeEC2({"i-1": PROD, "i-2": PROD}), ssm),
        out=out,
    )
    assert code == 1
    assert "1 of 2 instances updated" in out.getvalue()
    assert "--- i-2 output (tail)\ndisk full" in out.getvalue()


def test_cli_exits_1_when_the_stack_has_no_running_instance():
    out = io.StringIO()
    code = main(["--region", "eu-west-1", "--environment", "uat"], clients=(FakeEC2({}), FakeSSM({})), out=out)
    assert code == 1
    assert "uat in eu-west-1: no running instance" in out.getvalue()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--environment", "prod"], "--region"),
        (["--region", "US East", "--environment", "prod"], "--region 'US East'"),
        (["--region", "us-east-1", "--environment", "prod", "--timeout", "5"], "--timeout 5"),
    ],
)
def test_cli_bad_arguments_exit_2_naming_the_flag(argv, message, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv, clients=(FakeEC2({}), FakeSSM({})))
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_handler_runs_only_what_its_environment_names():
    env = {"TARGET_TAGS": json.dumps(PROD), "DOCUMENT_NAME": "testapp-prod-autoupdate", "TIMEOUT_SECONDS": "120"}
    ssm = FakeSSM({"i-1": ["Success"], "i-2": [("Failed", 2, "bad")]})
    # An event cannot widen the target: only requestedBy (a label in the command's comment) is read.
    result = handle(
        {"requestedBy": "ops@example.com", "tags": {"Environment": "uat"}},
        FakeEC2({"i-1": PROD, "i-2": PROD, "i-3": {**PROD, "Environment": "uat"}}),
        ssm,
        env,
    )
    assert ssm.sent[0]["InstanceIds"] == ["i-1", "i-2"]
    assert "ops@example.com" in ssm.sent[0]["Comment"]
    assert result["ok"] is False
    assert [(i["instance_id"], i["ok"]) for i in result["instances"]] == [("i-1", True), ("i-2", False)]


def test_handler_reports_no_instances_without_raising():
    env = {"TARGET_TAGS": json.dumps(PROD), "DOCUMENT_NAME": "d"}
    result = handle({}, FakeEC2({}), FakeSSM({}), env)
    assert result["ok"] is False and "no running instance" in result["error"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DOCUMENT_NAME": "d"}, "TARGET_TAGS"),
        ({"TARGET_TAGS": "{", "DOCUMENT_NAME": "d"}, "incomplete"),
        ({"TARGET_TAGS": "{}", "DOCUMENT_NAME": "d"}, "non-empty"),
    ],
)
def test_handler_settings_name_what_is_missing(env, message):
    with pytest.raises(ValueError, match=message):
        settings(env)
