import { describe, expect, it } from "vitest";
import { CancelledError, ExternalToolError, exitCodeFor, KitError, UserError } from "./errors.ts";

describe("exitCodeFor", () => {
  it("is 130 for a cancellation, 2 for bad input, 1 for the rest", () => {
    expect(exitCodeFor(new CancelledError("cancelled while waiting for the cluster"))).toBe(130);
    expect(exitCodeFor(new UserError("--runs 1.5 is not a whole number"))).toBe(2);
    expect(
      exitCodeFor(
        new ExternalToolError("helm exited with code 1", { command: "helm", exitCode: 1, outputTail: [] }),
      ),
    ).toBe(1);
    expect(exitCodeFor(new KitError("bug", "oops"))).toBe(1);
    expect(exitCodeFor(new Error("plain"))).toBe(1);
  });
});
