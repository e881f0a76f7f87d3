"""The pipeline's SSM step: run the autoupdater on one stack's instances and wait for each result.

    python -m testapp_autoupdate --region us-west-2 --environment prod [--report report.json]

Exit 0 when every instance succeeded, 1 when one failed, timed out, or none was found, 2 on bad
arguments. Credentials come from the environment as for any AWS CLI (the Jenkins agent's role).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .runner import NoInstancesError, RunReport, run_document

NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PROJECT_ID = "1234"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="testapp-autoupdate",
        description="Run /usr/local/bin/testapp-autoupdater on one stack's instances through SSM.",
    )
    parser.add_argument("--region", required=True, help="the stack's region, e.g. us-west-2")
    parser.add_argument("--environment", required=True, help="the stack's environment: prod or uat")
    parser.add_argument("--app", default="testapp", help="the App tag (default testapp)")
    parser.add_argument(
        "--document", help="the SSM document (default <app>-<environment>-autoupdate, made by Terraform)"
    )
    parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for the instances")
    parser.add_argument("--poll", type=float, default=5.0, help="seconds between status checks")
    parser.add_argument("--report", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    for flag in ("region", "environment", "app"):
        if not NAME.match(getattr(args, flag)):
            parser.error(f"--{flag} {getattr(args, flag)!r}: use lowercase letters, digits and dashes")
    if args.timeout < 30:
        parser.error(f"--timeout {args.timeout}: SSM needs at least 30 seconds")
    return args


def print_report(report: RunReport, out: TextIO) -> None:
    out.write(f"document {report.document}, commands {', '.join(report.command_ids)}\n")
    for r in report.results:
        out.write(f"  {r.instance_id:<22} {r.status:<10} exit {r.response_code:<4} {r.details}\n")
    for r in report.failed:
        if r.stderr or r.stdout:
            out.write(f"--- {r.instance_id} output (tail)\n{r.stderr or r.stdout}\n")
    ok = len(report.results) - len(report.failed)
    out.write(f"{ok} of {len(report.results)} instances updated\n")


def main(argv: Sequence[str] | None = None, clients: Any = None, out: TextIO = sys.stdout) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if clients is None:
        import boto3

        clients = (boto3.client("ec2", region_name=args.region), boto3.client("ssm", region_name=args.region))
    ec2, ssm = clients
    tags = {"Environment": args.environment, "ProjectId": PROJECT_ID, "App": args.app}
    document = args.document or f"{args.app}-{args.environment}-autoupdate"
    try:
        report = run_document(
            ec2,
            ssm,
            tags=tags,
            document=document,
            comment=f"testapp autoupdate, pipeline ({args.environment} {args.region})",
            timeout_seconds=args.timeout,
            poll_seconds=args.poll,
        )
    except NoInstancesError as err:
        out.write(f"testapp-autoupdate: {args.environment} in {args.region}: {err}\n")
        return 1
    print_report(report, out)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump(report.to_dict(), f, indent=2)
    return 0 if report.ok else 1
