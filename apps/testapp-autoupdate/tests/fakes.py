"""Fake EC2 and SSM clients with the calls the runner makes, for what the emulator cannot do:
an instance whose command fails, one that never finishes, an invocation not visible at first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class InvocationDoesNotExist(Exception):
    pass


class FakeEC2:
    def __init__(self, instances: Mapping[str, Mapping[str, str]], stopped: set[str] | None = None):
        self.instances = instances
        self.stopped = stopped or set()
        self.filters: list[Any] = []

    def get_paginator(self, name: str) -> "FakeEC2":
        assert name == "describe_instances"
        return self

    def paginate(self, Filters: list[dict[str, Any]]) -> list[dict[str, Any]]:  # noqa: N803 (boto3's name)
        self.filters.append(Filters)
        wanted = {f["Name"][4:]: f["Values"][0] for f in Filters if f["Name"].startswith("tag:")}
        ids = [
            i
            for i, tags in self.instances.items()
            if i not in self.stopped and all(tags.get(k) == v for k, v in wanted.items())
        ]
        # Two pages, as a paginator gives them.
        half = len(ids) // 2
        return [
            {"Reservations": [{"Instances": [{"InstanceId": i} for i in ids[:half]]}]},
            {"Reservations": [{"Instances": [{"InstanceId": i} for i in ids[half:]]}]},
        ]


class FakeSSM:
    """Each instance answers with the statuses in script[instance], one per poll, the last repeating."""

    class exceptions:  # noqa: N801 (boto3's shape)
        InvocationDoesNotExist = InvocationDoesNotExist

    def __init__(self, script: Mapping[str, list[Any]]):
        self.script = {k: list(v) for k, v in script.items()}
        self.sent: list[dict[str, Any]] = []

    def send_command(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return {"Command": {"CommandId": f"cmd-{len(self.sent)}"}}

    def get_command_invocation(self, CommandId: str, InstanceId: str) -> dict[str, Any]:  # noqa: N803
        steps = self.script[InstanceId]
        step = steps.pop(0) if len(steps) > 1 else steps[0]
        if step is None:
            raise InvocationDoesNotExist(InstanceId)
        status, code, stderr = step if isinstance(step, tuple) else (step, 0 if step == "Success" else -1, "")
        return {
            "CommandId": CommandId,
            "InstanceId": InstanceId,
            "Status": status,
            "StatusDetails": status,
            "ResponseCode": code,
            "StandardOutputContent": "updated\n" if status == "Success" else "",
            "StandardErrorContent": stderr,
        }


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
