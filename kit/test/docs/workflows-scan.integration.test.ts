/**
 * checkov's GitHub Actions checks over .github/workflows: nothing may fail unless skipped in the
 * workflow itself with a reason.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeFailures, runCheckov } from "../terraform/tools.ts";

const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

describe("checkov over the workflows", () => {
  it("finds nothing that is not skipped with a reason", async () => {
    const summary = await runCheckov(["--framework", "github_actions", "-d", join(ROOT, ".github")], ROOT);
    expect(summary.failures, describeFailures(summary.failures)).toEqual([]);
    expect(summary.passed).toBeGreaterThan(50);
  });
});
