import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CancelledError } from "../../src/errors.ts";
import { run } from "../../src/exec/index.ts";
import { binDir } from "../../src/paths.ts";
import { changedSteps, httpText, jsonEvents, KIT_BIN } from "../support/cli.ts";
import { createTestEnvironment, type TestEnvironment } from "../support/test-environment.ts";

let env: TestEnvironment;
/** An order written through the API early on; it must outlive kit stop and the next kit up. */
let orderId = "";

/** kubectl on the environment's cluster, as kit built and installed it. */
async function kubectl(args: string[]): Promise<string> {
  const result = await run(
    join(binDir(), "kubectl"),
    ["--kubeconfig", env.kubeconfig, "--context", env.kubeContext, "-n", env.namespace, ...args],
    { timeoutMs: 120_000 },
  );
  return result.stdout;
}

/** waitFor polls predicate every 200 ms (calling poke first, when given, every 2 s) until it holds. */
async function waitFor(
  predicate: () => boolean,
  timeoutMs: number,
  what: string,
  poke?: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let poked = 0;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
    if (poke && Date.now() - poked > 2_000) {
      poked = Date.now();
      await poke();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The whole local environment, end to end, the way a user runs it: `kit up` without a TTY from
 * no environment, the apps through their mapped ports, the order API on the database, a second
 * `kit up` that changes nothing, `kit status`, and `kit down --volumes` leaving nothing behind.
 * It runs in an environment of its own (its own checkout, name and ports), never the user's.
 */
describe("kit up / status / down", () => {
  beforeAll(async () => {
    env = await createTestEnvironment("up");
  });

  afterAll(async () => {
    await env?.dispose();
  });

  it("brings everything up from nothing in non-TTY mode", async () => {
    expect(await env.resources()).toEqual({ containers: [], volumes: [] });
    const result = await env.kit(["up"]);
    if (result.exitCode !== 0) console.error(result.stdout.slice(-6000), result.stderr.slice(-3000));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/up succeeded in/);
    expect(result.stdout).toMatch(/\[ready:go-app\] ok/);
    expect(result.stdout).toMatch(/\[ready:node-app\] ok/);
  });

  it("serves both apps through their mapped host ports", async () => {
    const go = await httpText(`${env.appUrl("go-app")}/`);
    expect(go.status).toBe(200);
    expect(go.body).toMatch(/Hi!/);
    const node = await httpText(`${env.appUrl("node-app")}/`);
    expect(node.status).toBe(200);
    expect(node.body).toMatch(/Hi!/);
  });

  it("writes orders to the database and reads them back through the order API", async () => {
    const created = await httpText(`${env.appUrl("node-app")}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customerId: "c-e2e",
        currency: "EUR",
        items: [{ sku: "sku-1", quantity: 2, unitPrice: 9.5 }],
      }),
    });
    expect(created.status).toBe(201);
    const order = JSON.parse(created.body) as { id: string };
    orderId = order.id;
    const fetched = await httpText(`${env.appUrl("node-app")}/orders/${order.id}`);
    expect(fetched.status).toBe(200);
    expect(JSON.parse(fetched.body)).toMatchObject({ id: order.id, customerId: "c-e2e" });
  });

  it("the synthetic canary's business request (apps/order-canary) passes against the order API", async () => {
    const { placeOrder } = await import("../../../apps/order-canary/src/place-order.js");
    const result = await placeOrder({ baseUrl: env.appUrl("node-app"), runId: `e2e-${process.pid}` });
    expect(Object.keys(result.timings)).toEqual(["create", "read", "cancel"]);
    const stored = await httpText(`${env.appUrl("node-app")}/orders/${result.orderId}`);
    expect(JSON.parse(stored.body)).toMatchObject({ customerId: "synthetic-canary", status: "cancelled" });
  });

  it("runs data-api (a container app: ECS on AWS) on the emulator's DynamoDB table that Terraform made", async () => {
    const url = env.appUrl("data-api");
    const status = await httpText(`${url}/status`);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({
      status: "ok",
      app: "data-api",
      table: "kit-local-data-api-items",
    });
    const json = { "content-type": "application/json" };
    const ids: string[] = [];
    for (let n = 1; n <= 3; n++) {
      const created = await httpText(`${url}/data`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ n }),
      });
      expect(created.status, created.body).toBe(201);
      ids.push((JSON.parse(created.body) as { id: string }).id);
    }
    const first = JSON.parse((await httpText(`${url}/data?limit=2`)).body) as {
      items: unknown[];
      nextCursor?: string;
    };
    expect(first.items).toHaveLength(2);
    const rest = JSON.parse((await httpText(`${url}/data?limit=2&cursor=${first.nextCursor}`)).body) as {
      items: { id: string }[];
    };
    expect(rest.items).toHaveLength(1);
    expect((await httpText(`${url}/data/${ids[0]}`, { method: "DELETE" })).status).toBe(204);
    expect((await httpText(`${url}/data/${ids[0]}`, { method: "DELETE" })).status).toBe(404);
    expect((await httpText(`${url}/data`, { method: "POST", headers: json, body: "[]" })).status).toBe(400);
  });

  it("runs pmp-api (seed 004: a Lambda on AWS) on kit's PostgreSQL, migrated, and the notice Terraform put in S3", async () => {
    const url = env.appUrl("pmp-api");
    const json = { "content-type": "application/json" };
    const put = await httpText(`${url}/preferences/e2e-user`, {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ choices: { analytics: true } }),
    });
    expect(put.status, put.body).toBe(200);
    const got = await httpText(`${url}/preferences/e2e-user`);
    expect(got.status, got.body).toBe(200);
    expect(JSON.parse(got.body)).toMatchObject({
      userId: "e2e-user",
      choices: { analytics: true },
      current: true,
      notice: { key: "notices/current.json" },
    });
    const postgres = await run("docker", [
      "exec",
      `kit-${env.name}-postgres`,
      "psql",
      "-U",
      "pmp",
      "-d",
      "pmp",
      "-tAc",
      "SELECT name FROM pgmigrations ORDER BY id",
    ]);
    expect(postgres.stdout.trim().split("\n")).toEqual([
      "1764633600000_preferences",
      "1764720000000_preferences_updated_index",
      "1764806400000_api_user",
    ]);
  });

  it("a second kit up changes nothing and says so", async () => {
    const result = await env.kit(["--json", "up"]);
    expect(result.exitCode).toBe(0);
    const succeeded = jsonEvents(result.stdout).filter((e) => e.type === "step-succeeded");
    expect(succeeded.length).toBeGreaterThan(10);
    const changed = succeeded
      .filter((e) => e.type === "step-succeeded" && e.changed)
      .map((e) => "step" in e && e.step);
    // Readiness checks and the network connections run every time (idempotent); nothing else may change.
    expect(
      changed.filter((s) => typeof s === "string" && !s.startsWith("ready:") && s !== "networks"),
    ).toEqual([]);
  });

  it("after a code change and a values change, kit up rebuilds and redeploys only what they touch", async () => {
    // The test's own checkout: the user's files are never edited.
    const source = join(env.root, "apps", "go-app", "main.go");
    const values = join(env.root, "charts", "node-app", "values-local.yaml");
    const originals = [readFileSync(source, "utf8"), readFileSync(values, "utf8")] as const;
    const changed = async (): Promise<string[]> => {
      const result = await env.kit(["--json", "up"]);
      expect(result.exitCode, result.stdout.slice(-4000)).toBe(0);
      return changedSteps(result.stdout);
    };
    try {
      writeFileSync(source, `${originals[0]}\n// kit e2e: a code change (${process.pid})\n`);
      writeFileSync(values, `${originals[1]}\n# kit e2e: a values change (${process.pid})\n`);
      // go-app's code: a new image, pushed and rolled out; node-app's values: a new release, same image.
      expect(await changed()).toEqual(["deploy:go-app", "deploy:node-app", "image:go-app", "push:go-app"]);
    } finally {
      writeFileSync(source, originals[0]);
      writeFileSync(values, originals[1]);
    }
    // Back to the committed files: the earlier image is still built and pushed, so only the releases move.
    expect(await changed()).toEqual(["deploy:go-app", "deploy:node-app"]);
    expect((await httpText(`${env.appUrl("go-app")}/`)).status).toBe(200);
    // The replaced pods drain for a while after helm returns; the tests after this one count pods.
    for (const app of ["go-app", "node-app"]) {
      const pods = async () =>
        (await kubectl(["get", "pods", "-l", `app.kubernetes.io/instance=${app}`, "-o", "name"]))
          .split("\n")
          .filter(Boolean).length;
      let count = await pods();
      await waitFor(
        () => count === 2,
        180_000,
        `${app}'s replaced pods to finish`,
        async () => {
          count = await pods();
        },
      );
    }
  });

  it("./deploy-apps go-app deploys that app alone; without apps or with an unknown one it says how to call it", async () => {
    const deploy = (args: string[]) =>
      run(join(env.root, "deploy-apps"), args, {
        cwd: env.root,
        allowFailure: true,
        env: env.childEnv,
        timeoutMs: 20 * 60_000,
      });
    const ok = await deploy(["--plain", "go-app"]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/\[ready:go-app\] ok/);
    expect(ok.stdout).not.toMatch(/node-app/);
    const none = await deploy([]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/name at least one app, e\.g\. \.\/deploy-apps go-app node-app/);
    const unknown = await deploy(["go-app", "nope"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown app "nope"/);
  });

  it("kit status reports every component healthy", async () => {
    const result = await env.kit(["--json", "status"]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
      environment: { name: string };
      components: { component: string; state: string }[];
    };
    expect(report.environment.name).toBe(env.name);
    expect(report.components.length).toBeGreaterThanOrEqual(7);
    expect(report.components.map((c) => c.component)).toContain("app data-api");
    expect(report.components.every((c) => c.state === "healthy")).toBe(true);
  });

  it("kit logs --no-follow prints the recent lines of every pod of the app, naming the pod", async () => {
    const result = await env.kit(["logs", "go-app", "--no-follow", "--tail", "5"]);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\n").filter(Boolean);
    const pods = new Set(lines.map((line) => line.split(" | ")[0]));
    // The chart runs 2 replicas locally; each line is `<replicaset hash>-<pod suffix> | <the app's JSON line>`.
    expect(pods.size).toBe(2);
    for (const line of lines) expect(line).toMatch(/^[a-z0-9]+-[a-z0-9]{5} \| \{".*"app":"go-app"/);
  });

  it("kit logs follows new lines and pods that start while it runs", async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const following = run(process.execPath, [KIT_BIN, "logs", "node-app", "--tail", "1"], {
      cwd: env.root,
      signal: controller.signal,
      timeoutMs: 5 * 60_000,
      env: env.childEnv,
      onLine: (line) => lines.push(line),
    }).catch((err: unknown) => err);
    try {
      await waitFor(() => lines.length >= 2, 60_000, "the last line of each node-app pod");
      const path = `/kit-logs-test-${process.pid}`;
      expect((await httpText(`${env.appUrl("node-app")}${path}`)).status).toBe(404);
      await waitFor(
        () => lines.some((l) => l.includes(`"path":"${path}"`)),
        30_000,
        `a log line for ${path}`,
      );

      const before = new Set(lines.map((l) => l.split(" | ")[0]));
      await kubectl(["scale", "deployment/node-app", "--replicas=3"]);
      await waitFor(
        () => lines.some((l) => !before.has(l.split(" | ")[0]) && l.includes('"app":"node-app"')),
        120_000,
        "a line from the pod that started while following",
      );

      // A kubelet restart closes every log stream while the containers keep running: kit logs
      // reopens them after the last line it showed, so a new line arrives and no old one repeats.
      const node = `${env.name}-control-plane`;
      await run("docker", ["exec", node, "systemctl", "restart", "kubelet"], { timeoutMs: 120_000 });
      const after = `/kit-logs-after-kubelet-${process.pid}`;
      await waitFor(
        () => lines.some((l) => l.includes(`"path":"${after}"`)),
        120_000,
        `a log line for ${after} after the kubelet restarted`,
        async () => {
          await httpText(`${env.appUrl("node-app")}${after}`).catch(() => undefined);
        },
      );
      expect(lines.filter((l) => l.includes(`"path":"${path}"`))).toHaveLength(1);
    } finally {
      await kubectl(["scale", "deployment/node-app", "--replicas=2"]);
      controller.abort();
    }
    // It followed until stopped: the only way it ended is the test's cancel.
    expect(await following).toBeInstanceOf(CancelledError);
  });

  it("kit stop pauses every container, keeping the data; kit up resumes them with the apps answering", async () => {
    const containers = (await env.resources()).containers;
    expect(containers.length).toBeGreaterThanOrEqual(4);
    const stop = await env.kit(["stop"]);
    if (stop.exitCode !== 0) console.error(stop.stdout.slice(-4000), stop.stderr.slice(-2000));
    expect(stop.exitCode).toBe(0);
    expect((await env.resources()).containers).toEqual(containers);
    const running = await run("docker", ["ps", "--filter", "status=running", "--format", "{{.Names}}"]);
    expect(running.stdout.split("\n").filter((name) => containers.includes(name))).toEqual([]);
    // Every container is paused, not stopped: memory and state kept, no CPU.
    const paused = await run("docker", ["ps", "--filter", "status=paused", "--format", "{{.Names}}"]);
    expect(
      paused.stdout
        .split("\n")
        .filter((name) => containers.includes(name))
        .sort(),
    ).toEqual(containers);
    expect((await env.kit(["stop"])).stdout).toMatch(/not running/);

    const started = Date.now();
    const up = await env.kit(["up"]);
    if (up.exitCode !== 0) console.error(up.stdout.slice(-6000), up.stderr.slice(-3000));
    expect(up.exitCode).toBe(0);
    console.log(`kit up on the paused environment took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Everything resumed as it was: Terraform had nothing to apply, so no release moved.
    const steps = up.stdout
      .split("\n")
      .filter((l) => /\[(terraform|deploy:[\w-]+|ready:[\w-]+)\] (ok|FAILED)/.test(l));
    expect(steps.join("\n")).toMatch(/\[terraform\] ok \(unchanged\)/);
    expect(steps.join("\n")).toMatch(/\[deploy:go-app\] ok \(unchanged\)/);
    // The order comes back, from node-app itself (bounded retries: the resumed pods' first requests
    // may meet connections the pause broke).
    const deadline = Date.now() + 60_000;
    let fetched = { status: 0, body: "", servedBy: "" };
    while (Date.now() < deadline) {
      const res = await fetch(`${env.appUrl("node-app")}/orders/${orderId}`, {
        signal: AbortSignal.timeout(5_000),
      }).catch(() => undefined);
      fetched = res
        ? { status: res.status, body: await res.text(), servedBy: res.headers.get("x-served-by") ?? "" }
        : fetched;
      if (fetched.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(fetched, `last answer, after kit up's steps:\n${steps.join("\n")}`).toMatchObject({ status: 200 });
    expect(fetched.servedBy).toMatch(/^node-app-/);
    expect(JSON.parse(fetched.body)).toMatchObject({ id: orderId, customerId: "c-e2e" });
    expect((await httpText(`${env.appUrl("go-app")}/`)).status).toBe(200);
  });

  it("kit down --volumes leaves no container, volume or state of the environment behind", async () => {
    expect((await env.resources()).containers.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(env.stateDir)).toBe(true);
    const result = await env.kit(["down", "--volumes"]);
    expect(result.exitCode).toBe(0);
    expect(await env.resources()).toEqual({ containers: [], volumes: [] });
    expect(existsSync(env.stateDir)).toBe(false);
  });
});
