import { describe, expect, it } from "vitest";
import { CancelledError } from "./errors.ts";
import { done, fakeClock, notYet, WaitTimeoutError, waitUntil } from "./wait.ts";

describe("waitUntil", () => {
  it("returns the value of the first look that is done", async () => {
    let looks = 0;
    const value = await waitUntil({
      what: "three looks",
      clock: fakeClock(),
      timeoutMs: 10_000,
      check: async () => (++looks === 3 ? done("ready") : notYet(`look ${looks}`)),
    });
    expect(value).toBe("ready");
    expect(looks).toBe(3);
  });

  it("fails after the deadline naming what it waited for, how long and what it last saw", async () => {
    const clock = fakeClock();
    const waiting = waitUntil({
      what: "pods of go-app to finish terminating",
      clock,
      timeoutMs: 3_000,
      intervalMs: 1_000,
      check: async () => notYet("2 pods terminating"),
      hint: "Look at them with kubectl.",
    });
    await expect(waiting).rejects.toThrow(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(
      "waited 3 s for pods of go-app to finish terminating; last seen: 2 pods terminating",
    );
    expect(clock.now()).toBe(3_000);
  });

  it("counts a check that throws as not yet, with its message as what was seen", async () => {
    const seen: string[] = [];
    await expect(
      waitUntil({
        what: "the API",
        clock: fakeClock(),
        timeoutMs: 1_000,
        intervalMs: 500,
        onAttempt: (last) => seen.push(last),
        check: async () => {
          throw new Error("connect ECONNREFUSED");
        },
      }),
    ).rejects.toThrow("last seen: connect ECONNREFUSED");
    expect(seen).toEqual(["connect ECONNREFUSED", "connect ECONNREFUSED", "connect ECONNREFUSED"]);
  });

  it("stops at once with CancelledError when its signal aborts, also during a pause", async () => {
    const controller = new AbortController();
    const waiting = waitUntil({
      what: "something slow",
      timeoutMs: 60_000,
      intervalMs: 30_000,
      signal: controller.signal,
      check: async () => notYet("not yet"),
    });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await expect(waiting).rejects.toThrow(CancelledError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
