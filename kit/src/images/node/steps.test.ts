import { describe, expect, it } from "vitest";
import { ExternalToolError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { buildStep } from "./steps.ts";

describe("buildStep", () => {
  it("names the step, the command, its last output lines and what to do when a step fails", async () => {
    const lines: string[] = [];
    const failing = buildStep(
      "image demo",
      "Fix kind/node-image/images/demo.Dockerfile and rerun.",
      () => run("sh", ["-c", "echo step output; echo the real error >&2; exit 3"]),
      { onLine: (l) => lines.push(l) },
    );
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalToolError);
    const e = err as ExternalToolError;
    expect(e.message).toContain('node image build step "image demo" failed');
    expect(e.command).toContain("exit 3");
    expect(e.exitCode).toBe(3);
    expect(e.outputTail).toEqual(expect.arrayContaining(["step output", "the real error"]));
    expect(e.hint).toContain("demo.Dockerfile");
    expect(lines).toEqual(["[image demo] start"]);
  });

  it("reports the step's duration when it succeeds", async () => {
    const lines: string[] = [];
    expect(await buildStep("quick", "", async () => 42, { onLine: (l) => lines.push(l) })).toBe(42);
    expect(lines[1]).toMatch(/^\[quick\] done in \d+\.\d s$/);
  });
});
