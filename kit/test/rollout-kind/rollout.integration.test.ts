import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tail } from "../support/cli.ts";
import { createTestEnvironment, type TestEnvironment } from "../support/test-environment.ts";

/** RolloutResultLine is the data of a run step's "rollout-result" event (kit --json rollout). */
interface RolloutResultLine {
  kind: "rollout-result";
  app: string;
  ok: boolean;
  fault?: string;
  files: { json: string; junit: string; html: string };
  failures: { class: string; count: number; cause: string }[];
}

const results = (stdout: string): RolloutResultLine[] =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string; data?: RolloutResultLine })
    .flatMap((e) => (e.type === "step-data" && e.data?.kind === "rollout-result" ? [e.data] : []));

/**
 * kit rollout on the real kind cluster: a real helm upgrade rolls the pods while the probe holds
 * traffic of every kind open. The correct chart must pass; a chart with a fault must fail, with
 * the cause named, and the release must be put back afterwards. It runs in an environment of the
 * test's own (checkout, name, ports), never the user's.
 */
describe("kit rollout on kind", () => {
  let env: TestEnvironment;
  const kit = (args: string[], options?: { timeoutMs?: number }) => env.kit(args, options);

  beforeAll(async () => {
    env = await createTestEnvironment("rollout");
    const up = await kit(["up"]);
    if (up.exitCode !== 0)
      throw new Error(`kit up failed:\n${up.stdout.slice(-4000)}\n${up.stderr.slice(-2000)}`);
  });

  afterAll(async () => {
    await env?.dispose();
  });

  it("the correct chart passes for both apps, with JSON, JUnit and HTML reports", async () => {
    const result = await kit(["--json", "rollout", "go-app", "node-app"], { timeoutMs: 20 * 60_000 });
    const runs = results(result.stdout);
    expect(
      runs.map((r) => [r.app, r.ok, r.failures]),
      tail(result),
    ).toEqual([
      ["go-app", true, []],
      ["node-app", true, []],
    ]);
    expect(result.exitCode, tail(result)).toBe(0);
    for (const run of runs) {
      expect(readFileSync(run.files.junit, "utf8")).toMatch(/<testsuite[^>]*failures="0"/);
      expect(readFileSync(run.files.html, "utf8")).toMatch(/<svg/);
      const report = JSON.parse(readFileSync(run.files.json, "utf8")) as { ok: boolean };
      expect(report.ok).toBe(true);
    }
  });

  it("an app that exits at once on SIGTERM fails, with that cause named; the release is restored", async () => {
    const result = await kit(["--json", "rollout", "go-app", "--fault", "exit-on-sigterm"], {
      timeoutMs: 20 * 60_000,
    });
    expect(result.exitCode, tail(result)).toBe(1);
    const [run] = results(result.stdout);
    expect(run?.ok, tail(result)).toBe(false);
    expect(run?.failures.map((f) => f.class)).toContain("exits-on-sigterm");
    // The release was put back: kit printed no error after the report.
    expect(result.stderr, tail(result)).not.toMatch(/error:/i);
    expect(readFileSync(run?.files.junit ?? "", "utf8")).toMatch(/<failure/);
    // The fault does not outlive the test: the same correct rollout passes again.
    const again = await kit(["--json", "rollout", "go-app"], { timeoutMs: 20 * 60_000 });
    expect(results(again.stdout)[0]?.ok, tail(again)).toBe(true);
  });

  it("a rollout that cannot progress (an image that does not exist) fails fast with the Kubernetes reason; the release is restored", async () => {
    // helm's own --wait would sit out 10 minutes: the run must end well before this limit.
    const result = await kit(
      ["--json", "rollout", "go-app", "--set", "service.image.repository=kit-test/does-not-exist"],
      { timeoutMs: 6 * 60_000 },
    );
    expect(result.exitCode, tail(result)).toBe(1);
    const [run] = results(result.stdout);
    expect(run?.ok, tail(result)).toBe(false);
    const stalled = run?.failures.find((f) => f.class === "rollout-stalled");
    expect(stalled?.cause, tail(result)).toMatch(/^(ErrImagePull|ImagePullBackOff): .*does-not-exist/);
    // helm was stopped cleanly (the release is failed, not stuck pending), so the restore worked
    // and the next correct rollout passes.
    expect(result.stderr, tail(result)).not.toMatch(/error:/i);
    const again = await kit(["--json", "rollout", "go-app"], { timeoutMs: 20 * 60_000 });
    expect(results(again.stdout)[0]?.ok, tail(again)).toBe(true);
  });
});
