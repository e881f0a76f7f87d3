import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WatchedPath } from "./changes.ts";
import { type DevApplied, type DevEvent, runDevLoop } from "./loop.ts";

const root = "/p";
const watched: WatchedPath[] = [
  { app: "go-app", path: "/p/apps/go-app", kind: "source" },
  { app: "node-app", path: "/p/apps/node-app", kind: "source" },
];

/** fakeWatcher hands the test a save function in place of the file system. */
function fakeWatcher() {
  let onFile: ((file: string) => void) | undefined;
  let closed = false;
  return {
    watch: (_paths: readonly WatchedPath[], cb: (file: string) => void) => {
      onFile = cb;
      return {
        close: () => {
          closed = true;
        },
      };
    },
    save: (rel: string) => onFile?.(join(root, rel)),
    get closed() {
      return closed;
    },
  };
}

describe("runDevLoop", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("batches saves within the debounce, applies the apps they touch once, and reports it", async () => {
    const fs = fakeWatcher();
    const events: DevEvent[] = [];
    const applied: string[][] = [];
    const abort = new AbortController();
    const loop = runDevLoop({
      root,
      watched,
      watch: fs.watch,
      apply: async (changes) => {
        const apps = changes.map((c) => c.app);
        applied.push(apps);
        return { ok: true, actions: [`release:${apps[0]}: upgraded`] };
      },
      onEvent: (e) => events.push(e),
      signal: abort.signal,
      debounceMs: 300,
    });
    fs.save("apps/go-app/main.go");
    await vi.advanceTimersByTimeAsync(200);
    fs.save("apps/go-app/handler.go");
    await vi.advanceTimersByTimeAsync(299);
    expect(applied).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(applied).toEqual([["go-app"]]);
    abort.abort();
    await loop;
    expect(events.map((e) => e.type)).toEqual(["dev-watching", "dev-change", "dev-applied"]);
    expect(events[1]).toMatchObject({
      changes: [
        { app: "go-app", kinds: ["source"], files: ["apps/go-app/handler.go", "apps/go-app/main.go"] },
      ],
    });
    expect(events[2]).toMatchObject({ apps: ["go-app"], ok: true, actions: ["release:go-app: upgraded"] });
    expect(fs.closed).toBe(true);
  });

  it("saves made while a batch applies form the next batch, applied after it", async () => {
    const fs = fakeWatcher();
    const applied: string[][] = [];
    let release: (() => void) | undefined;
    const abort = new AbortController();
    const loop = runDevLoop({
      root,
      watched,
      watch: fs.watch,
      apply: (changes) => {
        applied.push(changes.map((c) => c.app));
        return new Promise<DevApplied>((resolve) => {
          release = () => resolve({ ok: true, actions: [] });
        });
      },
      onEvent: () => undefined,
      signal: abort.signal,
      debounceMs: 100,
    });
    fs.save("apps/go-app/main.go");
    await vi.advanceTimersByTimeAsync(100);
    fs.save("apps/node-app/server.js");
    await vi.advanceTimersByTimeAsync(1000);
    expect(applied).toEqual([["go-app"]]);
    release?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(applied).toEqual([["go-app"], ["node-app"]]);
    release?.();
    abort.abort();
    await loop;
  });

  it("a failed apply is reported and the loop keeps watching", async () => {
    const fs = fakeWatcher();
    const events: DevEvent[] = [];
    const abort = new AbortController();
    let calls = 0;
    const loop = runDevLoop({
      root,
      watched,
      watch: fs.watch,
      apply: async () => {
        calls++;
        if (calls === 1) throw new Error("go build failed: main.go:3: syntax error");
        return { ok: true, actions: [] };
      },
      onEvent: (e) => events.push(e),
      signal: abort.signal,
    });
    fs.save("apps/go-app/main.go");
    await vi.advanceTimersByTimeAsync(300);
    fs.save("apps/go-app/main.go");
    await vi.advanceTimersByTimeAsync(300);
    abort.abort();
    await loop;
    const results = events.flatMap((e) => (e.type === "dev-applied" ? [[e.ok, e.error]] : []));
    expect(results).toEqual([
      [false, "go build failed: main.go:3: syntax error"],
      [true, undefined],
    ]);
  });

  it("saves outside every app change nothing", async () => {
    const fs = fakeWatcher();
    const apply = vi.fn(async () => ({ ok: true, actions: [] }));
    const abort = new AbortController();
    const loop = runDevLoop({
      root,
      watched,
      watch: fs.watch,
      apply,
      onEvent: () => undefined,
      signal: abort.signal,
    });
    fs.save("docs/notes.md");
    fs.save("apps/go-app/.main.go.swp");
    await vi.advanceTimersByTimeAsync(1000);
    abort.abort();
    await loop;
    expect(apply).not.toHaveBeenCalled();
  });
});
