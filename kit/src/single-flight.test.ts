import { describe, expect, it } from "vitest";
import { CancelledError } from "./errors.ts";
import { createSingleFlight } from "./single-flight.ts";

/** gate is a promise the test settles by hand. */
function gate<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("singleFlight", () => {
  it("runs the work once for callers that ask for one key at the same time", async () => {
    const flight = createSingleFlight<string>();
    const done = gate<string>();
    let runs = 0;
    const joins: string[] = [];
    const work = () => {
      runs++;
      return done.promise;
    };
    const first = flight.do("base", work);
    const second = flight.do("base", work, { onJoin: () => joins.push("second") });
    const third = flight.do("base", work, { onJoin: () => joins.push("third") });
    expect(flight.inProgress()).toEqual(["base"]);
    done.resolve("kit.local/debian:x");
    expect(await Promise.all([first, second, third])).toEqual([
      "kit.local/debian:x",
      "kit.local/debian:x",
      "kit.local/debian:x",
    ]);
    expect(runs).toBe(1);
    expect(joins).toEqual(["second", "third"]);
    expect(flight.inProgress()).toEqual([]);
  });

  it("runs different keys side by side, and a key again once its run has ended", async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    const work = async () => ++runs;
    await Promise.all([flight.do("a", work), flight.do("b", work)]);
    expect(runs).toBe(2);
    await flight.do("a", work);
    expect(runs).toBe(3);
  });

  it("gives every waiter the work's failure, and lets the next caller try again", async () => {
    const flight = createSingleFlight<string>();
    const done = gate<string>();
    const first = flight.do("base", () => done.promise);
    const second = flight.do("base", () => Promise.resolve("never"));
    done.reject(new Error("debootstrap failed"));
    await expect(first).rejects.toThrow("debootstrap failed");
    await expect(second).rejects.toThrow("debootstrap failed");
    expect(await flight.do("base", async () => "second try")).toBe("second try");
  });

  it("stops a cancelled waiter at once and leaves the run to the others", async () => {
    const flight = createSingleFlight<string>();
    const done = gate<string>();
    const first = flight.do("base", () => done.promise);
    const cancel = new AbortController();
    const waiter = flight.do("base", () => Promise.resolve("never"), { signal: cancel.signal });
    cancel.abort();
    await expect(waiter).rejects.toBeInstanceOf(CancelledError);
    done.resolve("made");
    expect(await first).toBe("made");
  });

  it("makes the thing itself when the run it joined was cancelled by the caller that started it", async () => {
    const flight = createSingleFlight<string>();
    const starter = new AbortController();
    let runs = 0;
    const first = flight.do(
      "base",
      () =>
        new Promise<string>((_, reject) =>
          starter.signal.addEventListener("abort", () => reject(new CancelledError())),
        ),
      { signal: starter.signal },
    );
    const waiter = flight.do("base", async () => {
      runs++;
      return "made by the waiter";
    });
    starter.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    expect(await waiter).toBe("made by the waiter");
    expect(runs).toBe(1);
  });

  it("does not start work for a caller already cancelled", async () => {
    const flight = createSingleFlight<string>();
    const cancel = new AbortController();
    cancel.abort();
    let runs = 0;
    await expect(
      flight.do("base", async () => `${++runs}`, { signal: cancel.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(runs).toBe(0);
  });
});
