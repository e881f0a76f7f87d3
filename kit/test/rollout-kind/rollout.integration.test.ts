import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kit } from "../up/support.ts";

interface RolloutResultLine {
  type: "rollout-result";
  app: string;
  ok: boolean;
  fault?: string;
  files: { json: string; junit: string; html: string };
  failures: { class: string; count: number; cause: string }[];
}

/** tail is what a failed assertion prints: the end of kit's output, to see why without rerunning. */
const tail = (result: { stdout: string; stderr: string }): string =>
  `kit printed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`;

const results = (stdout: string): RolloutResultLine[] =>
  stdout
    .split("\n")
    .filter((l) => l.includes('"type":"rollout-result"'))
    .map((l) => JSON.parse(l) as RolloutResultLine);

/**
 * kit rollout on the real kind cluster: a real helm upgrade rolls the pods while the probe holds
 * traffic of every kind open. The correct chart must pass; a chart with a fault must fail, with
 * the cause named, and the release must be put back afterwards.
 */
describe("kit rollout on kind", () => {
  beforeAll(async () => {
    const up = await kit(["up"]);
    if (up.exitCode !== 0)
      throw new Error(`kit up failed:\n${up.stdout.slice(-4000)}\n${up.stderr.slice(-2000)}`);
  });

  afterAll(async () => {
    await kit(["down", "--volumes"]);
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
});
