import pytest

from testapp_autoupdate.runner import MAX_IDS_PER_COMMAND, NoInstancesError, find_instances, run_document

from .fakes import FakeClock, FakeEC2, FakeSSM

PROD = {"Environment": "prod", "ProjectId": "1234", "App": "testapp"}
UAT = {"Environment": "uat", "ProjectId": "1234", "App": "testapp"}


def run(ec2, ssm, clock=None, **kwargs):
    clock = clock or FakeClock()
    return run_document(
        ec2, ssm, tags=PROD, document="testapp-prod-autoupdate", clock=clock, sleep=clock.sleep, **kwargs
    )


def test_finds_only_running_instances_with_every_tag():
    ec2 = FakeEC2(
        {"i-1": PROD, "i-2": PROD, "i-3": UAT, "i-4": {**PROD, "App": "other"}, "i-5": PROD},
        stopped={"i-5"},
    )
    assert find_instances(ec2, PROD) == ["i-1", "i-2"]
    assert {"Name": "instance-state-name", "Values": ["running"]} in ec2.filters[0]


def test_refuses_an_empty_tag_filter():
    with pytest.raises(ValueError, match="every instance"):
        find_instances(FakeEC2({}), {})


def test_sends_the_document_to_exactly_the_tagged_instances_and_collects_each_result():
    ec2 = FakeEC2({"i-1": PROD, "i-2": PROD, "i-3": UAT})
    ssm = FakeSSM({"i-1": ["InProgress", "Success"], "i-2": [None, "Pending", "Success"]})
    report = run(ec2, ssm)
    assert ssm.sent[0]["InstanceIds"] == ["i-1", "i-2"]
    assert ssm.sent[0]["DocumentName"] == "testapp-prod-autoupdate"
    assert report.ok
    assert [(r.instance_id, r.status, r.response_code) for r in report.results] == [
        ("i-1", "Success", 0),
        ("i-2", "Success", 0),
    ]
    assert report.to_dict()["instances"][0]["stdout"] == "updated\n"


def test_reports_the_one_instance_whose_update_failed():
    ec2 = FakeEC2({"i-1": PROD, "i-2": PROD, "i-3": PROD})
    ssm = FakeSSM(
        {
            "i-1": ["Success"],
            "i-2": ["InProgress", ("Failed", 22, "curl: (22) The requested URL returned error: 401")],
            "i-3": ["Success"],
        }
    )
    report = run(ec2, ssm)
    assert not report.ok
    assert [r.instance_id for r in report.failed] == ["i-2"]
    failed = report.failed[0]
    assert (failed.status, failed.response_code) == ("Failed", 22)
    assert "401" in failed.stderr
    assert report.to_dict()["ok"] is False


def test_an_instance_that_never_finishes_is_timed_out_with_its_last_state():
    ec2 = FakeEC2({"i-1": PROD, "i-2": PROD})
    ssm = FakeSSM({"i-1": ["Success"], "i-2": ["InProgress"]})
    clock = FakeClock()
    report = run(ec2, ssm, clock=clock, timeout_seconds=60, poll_seconds=5)
    assert [r.ok for r in report.results] == [True, False]
    assert report.results[1].status == "TimedOut"
    assert report.results[1].details == "still InProgress after 60 s"
    assert clock.now == 60
    assert set(clock.sleeps) == {5}


def test_more_instances_than_one_command_takes_are_sent_in_batches():
    many = {f"i-{n:03d}": PROD for n in range(MAX_IDS_PER_COMMAND + 7)}
    ssm = FakeSSM({i: ["Success"] for i in many})
    report = run(FakeEC2(many), ssm)
    assert [len(s["InstanceIds"]) for s in ssm.sent] == [MAX_IDS_PER_COMMAND, 7]
    assert report.command_ids == ["cmd-1", "cmd-2"]
    assert len(report.results) == len(many) and report.ok


def test_no_matching_instance_is_an_error_that_says_where_to_look():
    with pytest.raises(NoInstancesError, match="Environment=prod.*autoscaling group"):
        run(FakeEC2({"i-3": UAT}), FakeSSM({}))
