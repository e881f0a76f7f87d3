"""The on-demand Lambda: runs the autoupdater on its own stack's instances (its region, its
environment) and returns every instance's result.

Which instances and which document come from the function's environment, set by Terraform
(TARGET_TAGS, DOCUMENT_NAME); an event cannot widen them, and the function's role could not act on
other instances or documents anyway. Invoke it with an empty event: `aws lambda invoke
--function-name testapp-prod-autoupdate --payload '{}' out.json`.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from .runner import NoInstancesError, run_document

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Leaves the function (15 minutes at most) time to report after the wait.
DEFAULT_TIMEOUT_SECONDS = 600


def settings(env: dict[str, str]) -> tuple[dict[str, str], str, int]:
    """The target tags, the document and the wait, from the function's environment."""
    try:
        tags = json.loads(env["TARGET_TAGS"])
        document = env["DOCUMENT_NAME"]
    except (KeyError, json.JSONDecodeError) as err:
        raise ValueError(
            f"the function's environment is incomplete ({err}): TARGET_TAGS (JSON) and DOCUMENT_NAME "
            "are set by terraform/modules/ec2-app-stack; apply it again"
        ) from err
    if not isinstance(tags, dict) or not tags:
        raise ValueError("TARGET_TAGS must be a non-empty JSON object of tag names and values")
    timeout = int(env.get("TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    return {str(k): str(v) for k, v in tags.items()}, document, timeout


def handle(event: dict[str, Any], ec2: Any, ssm: Any, env: dict[str, str]) -> dict[str, Any]:
    """The handler's work with its clients and environment passed in."""
    tags, document, timeout = settings(env)
    requester = str((event or {}).get("requestedBy", "lambda"))[:40]
    try:
        report = run_document(
            ec2,
            ssm,
            tags=tags,
            document=document,
            comment=f"testapp autoupdate, on demand ({requester})",
            timeout_seconds=timeout,
        )
    except NoInstancesError as err:
        logger.error("%s", err)
        return {"ok": False, "error": str(err), "tags": tags, "document": document, "instances": []}
    for result in report.results:
        logger.info(
            "%s %s %s (exit %s)", result.instance_id, result.status, result.details, result.response_code
        )
    return report.to_dict()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3  # the Lambda runtime provides it

    return handle(event, boto3.client("ec2"), boto3.client("ssm"), dict(os.environ))
