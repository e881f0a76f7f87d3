/**
 * Environments, end to end, as docs/configuration.md describes them: two checkouts of one project
 * share one environment (the one named after the project) and take turns under its lock, one
 * after the other and at once; a checkout that names its own environment needs its own ports and
 * then runs beside the first without touching it (the first one's order survives the second's up
 * and down --volumes); old per-checkout state is moved into the environment; and `kit up` recovers
 * when the emulator holds resources the Terraform state does not list, or lost them in a restart.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KitEvent } from "../../src/engine/events.ts";
import { run } from "../../src/exec/index.ts";
import { cacheDir } from "../../src/paths.ts";
import { changedSteps, httpText, jsonEvents, tail } from "../support/cli.ts";
import {
  createTestCheckout,
  createTestEnvironment,
  freePortOffset,
  type TestEnvironment,
} from "../support/test-environment.ts";

const logsOf = (events: KitEvent[], step: string): string[] =>
  events.flatMap((e) => (e.type === "step-log" && e.step === step ? [e.line] : []));

async function placeOrder(env: TestEnvironment, customerId: string): Promise<string> {
  const created = await httpText(`${env.appUrl("node-app")}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      customerId,
      currency: "EUR",
      items: [{ sku: "sku-1", quantity: 1, unitPrice: 5 }],
    }),
  });
  expect(created.status).toBe(201);
  return (JSON.parse(created.body) as { id: string }).id;
}

async function readOrder(env: TestEnvironment, id: string): Promise<{ status: number; customerId?: string }> {
  const fetched = await httpText(`${env.appUrl("node-app")}/orders/${id}`);
  return {
    status: fetched.status,
    customerId:
      fetched.status === 200 ? (JSON.parse(fetched.body) as { customerId: string }).customerId : undefined,
  };
}

/** containerIds maps each of an environment's containers to its id and whether it runs. */
async function containerIds(env: TestEnvironment): Promise<Record<string, string>> {
  const { containers } = await env.resources();
  const { stdout } = await run("docker", [
    "inspect",
    "--format",
    "{{.Name}} {{.Id}} {{.State.Running}}",
    ...containers,
  ]);
  return Object.fromEntries(
    stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [name = "", id = "", running = ""] = line.split(" ");
        return [name.replace(/^\//, ""), `${id.slice(0, 12)} running=${running}`];
      }),
  );
}

describe("environments: shared by two checkouts, or separate", () => {
  let first: TestEnvironment; // the shared environment, from checkout A
  let fromB: TestEnvironment; // the same environment, from checkout B
  let second: TestEnvironment; // checkout B's own environment
  let checkoutA: string;
  let checkoutB: string;
  let orderId: string;

  beforeAll(async () => {
    checkoutA = createTestCheckout();
    checkoutB = createTestCheckout();
    // Both checkouts say `project: <name>`: the environment is theirs by default, as for a user.
    first = await createTestEnvironment("shared", { checkout: checkoutA, selectBy: "project" });
    fromB = await createTestEnvironment("shared", {
      checkout: checkoutB,
      selectBy: "project",
      name: first.name,
      portOffset: first.portOffset,
    });
  });

  afterAll(async () => {
    await second?.dispose();
    await first?.dispose();
    for (const dir of [checkoutA, checkoutB]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("checkout A brings the project's environment up, and an order goes into its database", async () => {
    const up = await first.kit(["up"]);
    expect(up.exitCode, tail(up)).toBe(0);
    orderId = await placeOrder(first, "c-shared");
    expect(existsSync(join(first.stateDir, "terraform", "local.tfstate"))).toBe(true);
  });

  it("checkout B, one after the other, finds the same environment: nothing to apply, redeploy or create", async () => {
    const up = await fromB.kit(["--json", "up"]);
    expect(up.exitCode, tail(up)).toBe(0);
    expect(changedSteps(up.stdout)).toEqual([]);
    const events = jsonEvents(up.stdout);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "step-succeeded",
        step: "terraform",
        summary: "no changes since the last apply",
      }),
    );
    expect(logsOf(events, "environment").join("\n")).toContain(
      `shared with the checkout ${checkoutA} (its last kit up: `,
    );
    expect((await readOrder(fromB, orderId)).customerId).toBe("c-shared");
  });

  it("state an earlier kit left in a checkout's .kit/ is moved into the environment and used", async () => {
    // The layout before environments had their own folder: Terraform state and release records in
    // the checkout, the kubeconfig under <cache>/kind/<name>/.
    const legacy = join(checkoutA, ".kit");
    mkdirSync(legacy, { recursive: true });
    renameSync(join(first.stateDir, "terraform"), join(legacy, "terraform"));
    renameSync(join(first.stateDir, "releases.json"), join(legacy, "releases.json"));
    mkdirSync(join(cacheDir(), "kind", first.name), { recursive: true });
    renameSync(first.kubeconfig, join(cacheDir(), "kind", first.name, "kubeconfig"));
    const up = await first.kit(["--json", "up"]);
    expect(up.exitCode, tail(up)).toBe(0);
    expect(changedSteps(up.stdout)).toEqual(["environment"]);
    expect(logsOf(jsonEvents(up.stdout), "environment").join("\n")).toMatch(
      /moved this checkout's state to the environment: \.kit\/terraform\/local\.tfstate -> /,
    );
    expect(existsSync(join(legacy, "terraform", "local.tfstate"))).toBe(false);
  });

  it("both checkouts at once: one waits for the other's lock, saying whose, and both succeed", async () => {
    // Everything but the database's data goes, so both runs have the whole environment to make.
    const down = await first.kit(["down"]);
    expect(down.exitCode, tail(down)).toBe(0);
    const [a, b] = await Promise.all([first.kit(["--json", "up"]), fromB.kit(["--json", "up"])]);
    expect(a.exitCode, tail(a)).toBe(0);
    expect(b.exitCode, tail(b)).toBe(0);
    const waits = [a, b].map((r) =>
      logsOf(jsonEvents(r.stdout), "environment").filter((l) =>
        l.startsWith("the environment is locked by kit up"),
      ),
    );
    // Exactly one waited, for the other checkout.
    const [waitedA, waitedB] = waits.map((w) => w.length > 0);
    expect(waitedA !== waitedB, `waits: ${JSON.stringify(waits)}`).toBe(true);
    const waiter = waitedA ? 0 : 1;
    expect(waits[waiter]?.[0]).toContain(`in ${waiter === 0 ? checkoutB : checkoutA} since`);
    // The one that went first applied Terraform; the one that waited found it applied.
    const terraformChanged = [a, b].map((r) => changedSteps(r.stdout).includes("terraform"));
    expect(terraformChanged[waiter]).toBe(false);
    expect(terraformChanged[1 - waiter]).toBe(true);
    // `kit down` without --volumes kept the data.
    expect((await readOrder(first, orderId)).customerId).toBe("c-shared");
  });

  it("a checkout that names its own environment on the same ports is refused, naming the fields and the environment", async () => {
    const own = await createTestEnvironment("second", { checkout: checkoutB, portOffset: first.portOffset });
    const up = await own.kit(["up"], { timeoutMs: 20 * 60_000 });
    expect(up.exitCode).toBe(1);
    expect(up.stdout).toMatch(
      new RegExp(
        `Port ${first.ports.aws} \\(aws\\.hostPort \\+ port offset ${first.portOffset}\\) is already in use by kit environment ${first.name} \\(container kit-${first.name}-aws\\)`,
      ),
    );
    expect(up.stdout).toMatch(
      /hint: Two environments cannot share host ports: give this one its own with --port-offset N/,
    );
    expect(await own.resources()).toEqual({ containers: [], volumes: [] });
    rmSync(own.stateDir, { recursive: true, force: true });
  });

  it("with its own ports it runs beside the first, and its up and down --volumes leave the first one as it was", async () => {
    const before = await containerIds(first);
    second = await createTestEnvironment("second", {
      checkout: checkoutB,
      portOffset: await freePortOffset(),
    });
    const up = await second.kit(["up"]);
    expect(up.exitCode, tail(up)).toBe(0);
    expect((await httpText(`${second.appUrl("go-app")}/`)).status).toBe(200);
    expect((await readOrder(second, orderId)).status).toBe(404);
    const down = await second.kit(["down", "--volumes"]);
    expect(down.exitCode, tail(down)).toBe(0);
    expect(await second.resources()).toEqual({ containers: [], volumes: [] });

    expect(await containerIds(first)).toEqual(before);
    expect((await readOrder(first, orderId)).customerId).toBe("c-shared");
    const status = await first.kit(["status"]);
    expect(status.exitCode, tail(status)).toBe(0);
  });

  it("kit up recovers when the emulator holds resources the state does not list, and says what it did", async () => {
    // The state is lost (an apply killed before writing it looks the same to the next apply).
    rmSync(join(first.stateDir, "terraform"), { recursive: true, force: true });
    const up = await first.kit(["--json", "up"]);
    expect(up.exitCode, tail(up)).toBe(0);
    const logs = logsOf(jsonEvents(up.stdout), "terraform").join("\n");
    expect(logs).toMatch(
      /the emulator already holds \d+ resource\(s\) this environment's Terraform state does not list/,
    );
    expect(logs).toMatch(/resetting the emulator \(moto: http:\/\/127\.0\.0\.1:\d+\/moto-api\/reset\)/);
    expect(logs).toMatch(
      /recovered: the emulator was reset and the configuration applied from an empty state/,
    );
    const again = await first.kit(["--json", "up"]);
    expect(changedSteps(again.stdout)).toEqual([]);
  });

  it("kit up applies again after the emulator restarted (its memory, and every resource, gone)", async () => {
    await run("docker", ["restart", `kit-${first.name}-aws`], { timeoutMs: 120_000 });
    const up = await first.kit(["--json", "up"]);
    expect(up.exitCode, tail(up)).toBe(0);
    expect(changedSteps(up.stdout)).toContain("terraform");
    expect(logsOf(jsonEvents(up.stdout), "terraform").join("\n")).toMatch(
      /the emulator started afresh \(its state is in memory\): starting from an empty Terraform state/,
    );
  });
});
