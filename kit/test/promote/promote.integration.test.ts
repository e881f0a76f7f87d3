/**
 * kit promote, end to end, with no AWS account and no image registry: a test environment of its
 * own (kind, registry, moto, database) is the gate, and a stand-in for an AWS environment (a second
 * kind cluster with an ingress controller serving IngressClass alb, and a registry standing in for
 * ECR; test/support/standin.ts) is the target. The stand-in's Terraform (ECR repositories and an
 * IAM role) is applied to the test environment's emulator in kit's sandbox, so the plan, the
 * approval, the apply and the outputs are real; the image goes by digest with crane; the chart
 * goes on with its EKS values; the re-gate's probes go through the stand-in's Ingress.
 *
 * Proven: kit refuses what did not pass the gate (no record, edited values, a wrong account,
 * nobody to approve) and changes nothing then; what passed is installed, then upgraded with a
 * re-gate that holds every connection; a fault only the target's values carry fails the re-gate
 * and is rolled back to the revision it replaced, which keeps serving.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../src/exec/index.ts";
import { run } from "../../src/exec/index.ts";
import { binDir } from "../../src/paths.ts";
import type { PromotionRecord } from "../../src/plans/promote/types.ts";
import { runningImageIds } from "../../src/providers/cluster/workloads.ts";
import { helmCli } from "../../src/tools/helm/client.ts";
import { jsonEvents } from "../support/cli.ts";
import { type PromoteStandin, preparePromoteStandin, STANDIN_NAMESPACE } from "../support/promote-standin.ts";

const APP = "go-app";
const NAMESPACE = STANDIN_NAMESPACE;

let setup: PromoteStandin;

const tail = (r: RunResult): string => `kit printed:\n${r.stdout.slice(-5000)}\n${r.stderr.slice(-3000)}`;

/** stepData lists the data of a `kit --json` run's step-data events of one kind. */
function stepData<T>(r: RunResult, kind: string): T[] {
  return jsonEvents(r.stdout).flatMap((e) => {
    const data = (e as { type: string; data?: { kind?: string } }).data;
    return e.type === "step-data" && data?.kind === kind ? [data as T] : [];
  });
}

/** failedSteps are the failed steps' ids and messages, in order. */
function failedSteps(r: RunResult): { step: string; message: string }[] {
  return jsonEvents(r.stdout).flatMap((e) => {
    const event = e as { type: string; step?: string; error?: { message?: string } };
    return event.type === "step-failed"
      ? [{ step: event.step ?? "", message: event.error?.message ?? "" }]
      : [];
  });
}

const record = (): PromotionRecord =>
  JSON.parse(
    readFileSync(join(setup.env.root, "test-results", "promote", "promotion-standin.json"), "utf8"),
  ) as PromotionRecord;

const cluster = () => ({ kubeconfigPath: setup.standin.kubeconfigPath, context: setup.standin.context });
const history = () => helmCli.history(cluster(), NAMESPACE, APP);
const promote = (args: string[] = [], config?: string) => setup.promote(APP, args, config);

/** tags lists the stand-in registry's tags of the promoted repository (none when it does not exist). */
async function tags(): Promise<string[]> {
  const repository = `${setup.standin.registryHostEndpoint}/standin/${APP}`;
  const result = await run(join(binDir(), "crane"), ["ls", repository], {
    allowFailure: true,
    timeoutMs: 60_000,
  });
  return result.exitCode === 0 ? result.stdout.split("\n").filter(Boolean) : [];
}

beforeAll(async () => {
  setup = await preparePromoteStandin("promote", [APP]);
}, 60 * 60_000);

afterAll(async () => {
  await setup?.dispose();
}, 10 * 60_000);

describe("kit promote to a stand-in AWS environment", () => {
  it("refuses what has no gate record, and changes nothing", async () => {
    const result = await promote(["--approve"]);
    expect(result.exitCode, tail(result)).toBe(1);
    expect(failedSteps(result)[0], tail(result)).toMatchObject({
      step: `gate:${APP}`,
      message: expect.stringMatching(/kit will not promote go-app: .*no .*gate/i),
    });
    expect(record().outcome).toBe("refused");
    expect(await history()).toEqual([]);
    expect(await tags()).toEqual([]);
  });

  it("refuses without --approve where no one can approve, before it does anything (exit 2)", async () => {
    const result = await promote();
    expect(result.exitCode, tail(result)).toBe(2);
    expect(result.stderr).toMatch(/no one is at a terminal to approve the plan/);
    expect(result.stderr).toMatch(/--approve/);
  });

  it("refuses credentials of another account", async () => {
    const gate = await setup.env.kit(["--json", "rollout", APP], { timeoutMs: 20 * 60_000 });
    expect(gate.exitCode, tail(gate)).toBe(0);
    const wrong = setup.writeConfig("kit.wrong-account.yaml", (config) => {
      config.environments.standin = { ...config.environments.standin, accountId: "210987654321" };
    });
    const result = await promote(["--approve"], wrong);
    expect(result.exitCode, tail(result)).toBe(1);
    expect(failedSteps(result).map((f) => f.step)).toEqual(["account"]);
    expect(failedSteps(result)[0]?.message).toMatch(
      /belong to account 123456789012 .* not standin's 210987654321/,
    );
    expect(await history()).toEqual([]);
  });

  it("installs the gated digest, then upgrades it again under a re-gate that holds every connection", async () => {
    const first = await promote(["--approve"]);
    expect(first.exitCode, tail(first)).toBe(0);
    const installed = record();
    expect(installed.outcome).toBe("promoted");
    expect(installed.terraform?.applied).toBe(true);
    const digest = installed.apps[0]?.digest ?? "";
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(installed.apps[0]?.to).toBe(`${setup.standin.registryHostEndpoint}/standin/${APP}@${digest}`);
    expect((await history()).map((h) => [h.revision, h.status])).toEqual([[1, "deployed"]]);

    const second = await promote(["--approve"]);
    expect(second.exitCode, tail(second)).toBe(0);
    const [regate] = stepData<{ ok: boolean; failures: unknown[] }>(second, "rollout-result");
    expect(regate, tail(second)).toMatchObject({ ok: true, failures: [] });
    const upgraded = record();
    expect(upgraded.apps[0]).toMatchObject({ outcome: "promoted", revisionBefore: 1, revisionAfter: 2 });
    // Terraform had nothing left to change, and the image was already there.
    expect(upgraded.terraform).toMatchObject({ add: 0, change: 0, destroy: 0 });
    const imageIds = await runningImageIds(
      cluster(),
      NAMESPACE,
      `app.kubernetes.io/instance=${APP}`,
      AbortSignal.timeout(60_000),
    );
    expect(imageIds.length).toBeGreaterThan(0);
    for (const id of imageIds) expect(id).toMatch(new RegExp(`${digest}$`));
    // The IAM role Terraform made reached the chart.
    const values = await helmCli.getValues(cluster(), NAMESPACE, APP);
    expect(JSON.stringify(values)).toMatch(/arn:aws:iam::123456789012:role\/standin-standin-go-app/);
  });

  it("refuses when the target's values changed since the gate", async () => {
    const file = join(setup.env.root, "standin", "values-standin.yaml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, `${original}\n# edited after the gate\n`);
    try {
      const before = await history();
      const result = await promote(["--approve"]);
      expect(result.exitCode, tail(result)).toBe(1);
      expect(failedSteps(result)[0]?.message, tail(result)).toMatch(
        /the standin values files of go-app changed since the gate/,
      );
      expect(await history()).toEqual(before);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("refuses a digest the gate did not pass: the app changed and was redeployed since", async () => {
    const file = join(setup.env.root, "apps", APP, "internal", "app", "app.go");
    const source = readFileSync(file, "utf8");
    expect(source).toContain('"Hi! from %s %s\\n"');
    writeFileSync(
      file,
      source.replace('"Hi! from %s %s\\n"', '"Hi! from %s %s (changed after the gate)\\n"'),
    );
    const up = await setup.env.kit(["up", "--only", APP]);
    expect(up.exitCode, tail(up)).toBe(0);
    const [before, tagsBefore] = [await history(), await tags()];
    const result = await promote(["--approve"]);
    expect(result.exitCode, tail(result)).toBe(1);
    expect(failedSteps(result)[0]?.message, tail(result)).toMatch(
      /no gate record for go-app at [0-9a-f]{12} .*passing records exist for other digests: [0-9a-f]{12}/,
    );
    expect(await history()).toEqual(before);
    expect(await tags()).toEqual(tagsBefore);
  });

  it("rolls back a fault only the target's values carry, and the replaced revision keeps serving", async () => {
    const faulty = setup.writeConfig("kit.target-fault.yaml", (config) => {
      config.apps[APP]?.values.standin?.push("charts/go-app/ci/faults/no-readiness.yaml");
    });
    // The local gate passes (its values are unchanged); only the target's values carry the fault.
    const gate = await setup.env.kit(["--config", faulty, "--json", "rollout", APP], {
      timeoutMs: 20 * 60_000,
    });
    expect(gate.exitCode, tail(gate)).toBe(0);
    const before = (await history()).at(-1)?.revision ?? 0;

    const result = await promote(["--approve"], faulty);
    expect(result.exitCode, tail(result)).toBe(1);
    const [regate] = stepData<{ ok: boolean; failures: { class: string }[] }>(result, "rollout-result");
    expect(regate?.ok, tail(result)).toBe(false);
    expect(regate?.failures.length).toBeGreaterThan(0);
    const rolledBack = record();
    expect(rolledBack.outcome).toBe("rolled-back");
    expect(rolledBack.apps[0]).toMatchObject({
      outcome: "rolled-back",
      revisionBefore: before,
      rolledBackTo: before,
    });
    const after = await history();
    // before, then kit's faulty upgrade (before + 1), then the rollback to before (before + 2).
    expect(after.map((h) => h.revision)).toEqual([...Array(before + 3).keys()].slice(1));
    expect(after.at(-1)?.description ?? "").toMatch(new RegExp(`Rollback to ${before}`));
    const response = await fetch(`${setup.standin.ingressUrl}/healthz`);
    expect(response.status).toBe(200);
  });
});
