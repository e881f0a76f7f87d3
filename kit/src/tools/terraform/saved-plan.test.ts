import { describe, expect, it } from "vitest";
import { countPlan } from "./saved-plan.ts";

describe("countPlan", () => {
  it("counts creates, updates, deletes and replaces as terraform does, skipping no-ops and reads", () => {
    const show = JSON.stringify({
      resource_changes: [
        { address: "aws_ecr_repository.this", change: { actions: ["create"] } },
        { address: "aws_iam_role.app", change: { actions: ["update"] } },
        { address: "aws_s3_bucket.old", change: { actions: ["delete"] } },
        { address: "aws_instance.x", change: { actions: ["delete", "create"] } },
        { address: "aws_kms_key.same", change: { actions: ["no-op"] } },
        { address: "data.aws_caller_identity.me", change: { actions: ["read"] } },
      ],
    });
    expect(countPlan(show)).toEqual({
      changes: true,
      add: 2,
      change: 1,
      destroy: 2,
      resources: [
        { address: "aws_ecr_repository.this", actions: ["create"] },
        { address: "aws_iam_role.app", actions: ["update"] },
        { address: "aws_s3_bucket.old", actions: ["delete"] },
        { address: "aws_instance.x", actions: ["delete", "create"] },
      ],
    });
  });

  it("says there is nothing to apply when only no-ops are planned, unless an output changes", () => {
    const same = { resource_changes: [{ address: "a.b", change: { actions: ["no-op"] } }] };
    expect(countPlan(JSON.stringify(same)).changes).toBe(false);
    expect(
      countPlan(JSON.stringify({ ...same, output_changes: { url: { actions: ["create"] } } })).changes,
    ).toBe(true);
  });
});
