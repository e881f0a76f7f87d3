import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevEvent } from "../../src/dev/loop.ts";
import type { RunResult } from "../../src/exec/index.ts";
import { httpText } from "../support/cli.ts";
import { createTestEnvironment, type TestEnvironment } from "../support/test-environment.ts";

/**
 * kit dev on a real environment: it brings the environment up, then each save is live without a
 * request failing meanwhile: go-app's and node-app's code by a host build synced into the running
 * pods (devrun swaps to it; no image), a dependency file by an image rebuild, a values file by a
 * helm upgrade. It runs in an
 * environment of the test's own, on a copied checkout whose files it edits.
 */
describe("kit dev", () => {
  let env: TestEnvironment;
  const events: DevEvent[] = [];
  const waiters: { match: (e: DevEvent) => boolean; resolve: (e: DevEvent) => void }[] = [];
  const stop = new AbortController();
  let dev: Promise<RunResult>;

  const nextEvent = (match: (e: DevEvent) => boolean, what: string, timeoutMs = 10 * 60_000) =>
    new Promise<DevEvent>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`kit dev did not report ${what} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  const applied = (app: string) =>
    nextEvent((e) => e.type === "dev-applied" && e.apps.includes(app), `${app} applied`) as Promise<
      Extract<DevEvent, { type: "dev-applied" }>
    >;

  /** during says when a request failed: the time and kit dev's last event, to tell which change it was. */
  const during = (): string => {
    const last = events.at(-1);
    return `at ${new Date().toISOString()}, after ${last ? JSON.stringify(last).slice(0, 300) : "no event"}`;
  };

  /** Traffic to both apps the whole time: every request must succeed. */
  const failures: string[] = [];
  let requests = 0;
  let trafficDone: Promise<void> | undefined;
  const traffic = new AbortController();

  beforeAll(async () => {
    env = await createTestEnvironment("dev");
    const watching = nextEvent((e) => e.type === "dev-watching", "watching", 40 * 60_000);
    dev = env.kit(["--json", "dev", "go-app", "node-app"], {
      signal: stop.signal,
      timeoutMs: 60 * 60_000,
      onLine: (line, stream) => {
        if (stream !== "stdout" || !line.startsWith('{"type":"dev-')) return;
        const event = JSON.parse(line) as DevEvent;
        events.push(event);
        for (const w of [...waiters]) {
          if (!w.match(event)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      },
    });
    await Promise.race([
      watching,
      dev.then((r) => {
        throw new Error(`kit dev ended before watching:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
      }),
    ]);
    trafficDone = (async () => {
      while (!traffic.signal.aborted) {
        for (const app of ["go-app", "node-app"]) {
          requests++;
          try {
            const { status } = await httpText(`${env.appUrl(app)}/`);
            if (status >= 500) failures.push(`${app}: HTTP ${status} ${during()}`);
          } catch (err) {
            failures.push(
              `${app}: ${err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err)} ${during()}`,
            );
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  });

  afterAll(async () => {
    traffic.abort();
    await trafficDone;
    stop.abort();
    await dev?.catch(() => undefined);
    await env?.dispose();
  });

  /**
   * servedText waits until the app answers with the new text: old pods finish their drain after
   * helm returns and may still answer on a kept-alive connection meanwhile.
   */
  const servedText = async (app: string, expected: RegExp): Promise<string> => {
    const deadline = Date.now() + 120_000;
    let body = "";
    while (Date.now() < deadline) {
      body = (await httpText(`${env.appUrl(app)}/`).catch(() => ({ body: "" }))).body;
      if (expected.test(body)) return body;
      await new Promise((r) => setTimeout(r, 250));
    }
    return body;
  };

  // A text of this run's own: an image built from the same source earlier would be reused, not rebuilt.
  const marker = `Hi from kit dev ${process.pid}-${Date.now()}!`;

  const edit = (rel: string, change: (text: string) => string): void => {
    const file = join(env.root, rel);
    const before = readFileSync(file, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`the test's edit of ${rel} changed nothing: update the test`);
    writeFileSync(file, after);
  };

  const stepsOf = (event: Extract<DevEvent, { type: "dev-applied" }>): string[] =>
    event.actions.map((a) => a.split(":").slice(0, 2).join(":"));

  it("a save to go-app's code is built on the host and synced into the running pods, no image", async () => {
    const done = applied("go-app");
    edit("apps/go-app/internal/app/app.go", (t) => t.replace('"Hi! from %s %s\\n"', `"${marker} %s %s\\n"`));
    const event = await done;
    expect(event.ok, JSON.stringify(event)).toBe(true);
    expect(stepsOf(event)).toEqual(["sync:go-app"]);
    // The step returns once every pod's devrun serves the new build (a kept-alive connection to the
    // previous one is closed once idle).
    const expected = new RegExp(`^${marker} go-app`);
    expect(await servedText("go-app", expected)).toMatch(expected);
  });

  it("a save to node-app's code is bundled and synced the same way", async () => {
    const done = applied("node-app");
    edit("apps/node-app/src/routes/basic.ts", (t) => t.replace("Hi! from ", `${marker} `));
    const event = await done;
    expect(event.ok, JSON.stringify(event)).toBe(true);
    expect(stepsOf(event)).toEqual(["sync:node-app"]);
    const expected = new RegExp(`^${marker} node-app`);
    expect(await servedText("node-app", expected)).toMatch(expected);
  });

  it("code that does not compile is reported and the pods keep serving the last build", async () => {
    const broken = "\nfunc broken( {\n";
    const done = applied("go-app");
    edit("apps/go-app/main.go", (t) => `${t}${broken}`);
    try {
      const event = await done;
      expect(event.ok).toBe(false);
      expect(event.error).toMatch(/go-app did not compile/);
      expect((await httpText(`${env.appUrl("go-app")}/`)).body).toMatch(new RegExp(`^${marker} go-app`));
    } finally {
      const fixed = applied("go-app");
      edit("apps/go-app/main.go", (t) => t.replace(broken, ""));
      expect((await fixed).ok).toBe(true);
    }
  });

  it("a dependency file rebuilds the image, and the new pods run the synced code", async () => {
    const done = applied("go-app");
    edit(
      "apps/go-app/go.mod",
      (t) => `${t}
// kit dev test: a dependency change
`,
    );
    const event = await done;
    expect(event.ok, JSON.stringify(event)).toBe(true);
    expect(stepsOf(event)).toEqual(expect.arrayContaining(["image:go-app", "deploy:go-app"]));
    const expected = new RegExp(`^${marker} go-app`);
    expect(await servedText("go-app", expected)).toMatch(expected);
  });

  it("a values change upgrades the release without rebuilding the image", async () => {
    const done = applied("node-app");
    edit(
      "charts/node-app/values-local.yaml",
      (t) => `${t}\n# kit dev test: a values change\n  podAnnotations:\n    kit.dev/edited: "yes"\n`,
    );
    const event = await done;
    expect(event.ok, JSON.stringify(event)).toBe(true);
    const steps = event.actions.map((a) => a.split(":").slice(0, 2).join(":"));
    expect(steps).toContain("deploy:node-app");
    expect(steps).not.toContain("image:node-app");
  });

  it("no request failed while the apps were redeployed; a signal ends kit dev", async () => {
    traffic.abort();
    await trafficDone;
    expect(requests).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    // The test's Ctrl-C: kit's exec sends SIGTERM to kit dev's process group and reports the cancel.
    stop.abort();
    await expect(dev).rejects.toThrow(/cancelled/);
  });
});
