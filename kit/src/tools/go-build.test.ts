import { describe, expect, it } from "vitest";
import { run } from "../exec/index.ts";
import { childCpuSeconds, TIMED } from "./go-build.ts";

describe("childCpuSeconds", () => {
  it("adds user and system time of the children line that `times` prints last (bash and dash formats)", () => {
    expect(childCpuSeconds("go: downloading x\n0m0.001s 0m0.002s\n1m2.500s 0m3.250s\n")).toBe(65.75);
    expect(childCpuSeconds("0m0.000000s 0m0.000000s\n0m12.340000s 0m0.660000s")).toBe(13);
  });

  it("is undefined when the output does not end with `times`", () => {
    expect(childCpuSeconds("")).toBeUndefined();
    expect(childCpuSeconds("only one line 0m1.0s 0m1.0s")).toBeUndefined();
    expect(childCpuSeconds("build failed\n0m1.000s 0m0.500s")).toBeUndefined();
  });

  it("reads what a real sh prints after running a command, and keeps the command's exit code", async () => {
    const busy = await run("sh", [
      "-c",
      TIMED,
      "sh",
      "sh",
      "-c",
      "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done",
    ]);
    expect(childCpuSeconds(busy.stderr)).toBeGreaterThan(0);
    const failed = await run("sh", ["-c", TIMED, "sh", "sh", "-c", "exit 3"], { allowFailure: true });
    expect(failed.exitCode).toBe(3);
    expect(childCpuSeconds(failed.stderr)).toBeGreaterThanOrEqual(0);
  });
});
