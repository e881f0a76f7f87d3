import { afterEach, beforeEach, vi } from "vitest";

/**
 * fakeRenderClock puts the calling test file's timers on a fake clock (the stores' render throttles
 * run on setTimeout) and returns tick: it moves the clock by ms instead of waiting, then lets
 * React's scheduler, on the real setImmediate, draw the frame.
 */
export function fakeRenderClock(ms: number): () => Promise<void> {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return async () => {
    await vi.advanceTimersByTimeAsync(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
}
