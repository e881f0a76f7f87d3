import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { definePlan } from "../../engine/plan.ts";
import { runPlan } from "../../engine/runner.ts";
import { openRunLog } from "./run-log.ts";

describe("openRunLog", () => {
  it("keeps every step's output and the failure, in a folder it makes", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "kit-run-log-")), "logs", "up.log");
    const log = openRunLog(path);
    await runPlan(
      definePlan("up", [
        {
          id: "terraform",
          title: "terraform",
          async apply(ctx) {
            ctx.log("Initializing the backend...");
            throw new Error("Error: creating EC2 VPC: InternalError");
          },
        },
      ]),
      { sink: log.sink },
    );
    await log.close();
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(/\[terraform\] Initializing the backend\.\.\./);
    expect(text).toMatch(/\[terraform\] FAILED\n\s+error: Error: creating EC2 VPC: InternalError/);
    expect(text).toMatch(/up failed in/);
  });
});
