"""Finds a stack's running instances by tag, sends the autoupdate document to exactly those, and
waits for every invocation's own result.

The AWS clients, the clock and the sleep are passed in: the tests give fakes for the cases the
emulator cannot produce (an instance whose command fails, one that never answers), and the real
clients against the emulator for the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# SSM accepts at most 50 instance ids in one SendCommand.
MAX_IDS_PER_COMMAND = 50
# An invocation in one of these states is finished; Pending, InProgress, Delayed and Cancelling are not.
FINISHED = frozenset({"Success", "Failed", "Cancelled", "TimedOut"})
# The tail of each output kept in a report (SSM itself returns at most 24,000 characters).
OUTPUT_TAIL = 2000


class NoInstancesError(Exception):
    """No running instance carries the stack's tags: nothing to update, which is an error."""


@dataclass(frozen=True)
class InstanceResult:
    instance_id: str
    status: str
    details: str
    response_code: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "Success"


@dataclass
class RunReport:
    document: str
    tags: dict[str, str]
    command_ids: list[str]
    results: list[InstanceResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    @property
    def failed(self) -> list[InstanceResult]:
        return [r for r in self.results if not r.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "document": self.document,
            "tags": self.tags,
            "commandIds": self.command_ids,
            "instances": [{**asdict(r), "ok": r.ok} for r in self.results],
        }


def find_instances(ec2: Any, tags: Mapping[str, str]) -> list[str]:
    """The ids of the running instances carrying every one of the tags, sorted."""
    if not tags:
        raise ValueError("tags must name at least one tag: an empty filter would select every instance")
    filters = [{"Name": f"tag:{key}", "Values": [value]} for key, value in sorted(tags.items())]
    filters.append({"Name": "instance-state-name", "Values": ["running"]})
    ids: list[str] = []
    for page in ec2.get_paginator("describe_instances").paginate(Filters=filters):
        for reservation in page["Reservations"]:
            ids.extend(instance["InstanceId"] for instance in reservation["Instances"])
    return sorted(ids)


def _invocation(ssm: Any, command_id: str, instance_id: str) -> dict[str, Any] | None:
    try:
        return ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
    except ssm.exceptions.InvocationDoesNotExist:
        # Right after SendCommand the invocation may not be visible yet.
        return None


def _tail(text: str | None) -> str:
    return (text or "")[-OUTPUT_TAIL:]


def run_document(
    ec2: Any,
    ssm: Any,
    *,
    tags: Mapping[str, str],
    document: str,
    comment: str = "",
    timeout_seconds: int = 600,
    poll_seconds: float = 5.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> RunReport:
    """Sends the document to the tagged running instances and waits for each one's result.

    An instance that has not finished when timeout_seconds have passed is reported as TimedOut
    with the state it was last seen in. Raises NoInstancesError when no instance matches.
    """
    instance_ids = find_instances(ec2, tags)
    if not instance_ids:
        pretty = ", ".join(f"{k}={v}" for k, v in sorted(tags.items()))
        raise NoInstancesError(
            f"no running instance carries the tags {pretty}; check the stack's autoscaling group "
            "(its desired capacity, failed launches in its activity history)"
        )
    report = RunReport(document=document, tags=dict(tags), command_ids=[])
    sent: list[tuple[str, str]] = []
    for start in range(0, len(instance_ids), MAX_IDS_PER_COMMAND):
        batch = instance_ids[start : start + MAX_IDS_PER_COMMAND]
        command = ssm.send_command(
            InstanceIds=batch,
            DocumentName=document,
            Comment=comment[:100],
            TimeoutSeconds=max(30, timeout_seconds),
        )["Command"]
        report.command_ids.append(command["CommandId"])
        sent.extend((command["CommandId"], instance_id) for instance_id in batch)

    deadline = clock() + timeout_seconds
    pending = dict.fromkeys(sent, "Pending")
    finished: dict[str, InstanceResult] = {}
    while True:
        for command_id, instance_id in list(pending):
            invocation = _invocation(ssm, command_id, instance_id)
            if invocation is None:
                continue
            pending[(command_id, instance_id)] = invocation["Status"]
            if invocation["Status"] in FINISHED:
                del pending[(command_id, instance_id)]
                finished[instance_id] = InstanceResult(
                    instance_id=instance_id,
                    status=invocation["Status"],
                    details=invocation.get("StatusDetails", invocation["Status"]),
                    response_code=int(invocation.get("ResponseCode", -1)),
                    stdout=_tail(invocation.get("StandardOutputContent")),
                    stderr=_tail(invocation.get("StandardErrorContent")),
                )
        if not pending or clock() >= deadline:
            break
        sleep(poll_seconds)
    for (_, instance_id), last_seen in pending.items():
        finished[instance_id] = InstanceResult(
            instance_id=instance_id,
            status="TimedOut",
            details=f"still {last_seen} after {timeout_seconds} s",
            response_code=-1,
        )
    report.results = [finished[i] for i in instance_ids]
    return report
