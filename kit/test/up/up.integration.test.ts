import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DockerSnapshot, dockerSnapshot, httpText, jsonEvents, kit } from "./support.ts";

/**
 * The whole local environment, end to end, the way a user runs it: `kit up` without a TTY from
 * no environment, the apps through their mapped ports, the order API on the database, a second
 * `kit up` that changes nothing, `kit status`, and `kit down --volumes` leaving nothing behind.
 */
describe("kit up / status / down", () => {
  let before: DockerSnapshot;

  beforeAll(async () => {
    // Start from no environment (an earlier failed run may have left one).
    await kit(["down", "--volumes"]);
    before = await dockerSnapshot();
  });

  afterAll(async () => {
    await kit(["down", "--volumes"]);
  });

  it("brings everything up from nothing in non-TTY mode", async () => {
    const result = await kit(["up"]);
    if (result.exitCode !== 0) console.error(result.stdout.slice(-6000), result.stderr.slice(-3000));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/up succeeded in/);
    expect(result.stdout).toMatch(/\[ready:go-app\] ok/);
    expect(result.stdout).toMatch(/\[ready:node-app\] ok/);
  });

  it("serves both apps through their mapped host ports", async () => {
    const go = await httpText("http://127.0.0.1:30080/");
    expect(go.status).toBe(200);
    expect(go.body).toMatch(/Hi!/);
    const node = await httpText("http://127.0.0.1:30081/");
    expect(node.status).toBe(200);
    expect(node.body).toMatch(/Hi!/);
  });

  it("writes orders to the database and reads them back through the order API", async () => {
    const created = await httpText("http://127.0.0.1:30081/orders", {
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
    const fetched = await httpText(`http://127.0.0.1:30081/orders/${order.id}`);
    expect(fetched.status).toBe(200);
    expect(JSON.parse(fetched.body)).toMatchObject({ id: order.id, customerId: "c-e2e" });
  });

  it("a second kit up changes nothing and says so", async () => {
    const result = await kit(["--json", "up"]);
    expect(result.exitCode).toBe(0);
    const succeeded = jsonEvents(result.stdout).filter((e) => e.type === "step-succeeded");
    expect(succeeded.length).toBeGreaterThan(10);
    const changed = succeeded
      .filter((e) => e.type === "step-succeeded" && e.changed)
      .map((e) => "step" in e && e.step);
    // Readiness checks run every time (they only read); nothing else may change.
    expect(
      changed.filter(
        (s) => typeof s === "string" && !s.startsWith("ready:") && s !== "image-source" && s !== "networks",
      ),
    ).toEqual([]);
  });

  it("kit status reports every component healthy", async () => {
    const result = await kit(["--json", "status"]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
      components: { state: string }[];
    };
    expect(report.components.length).toBeGreaterThanOrEqual(6);
    expect(report.components.every((c) => c.state === "healthy")).toBe(true);
  });

  it("kit down --volumes leaves no container, network or volume of kit's behind", async () => {
    const result = await kit(["down", "--volumes"]);
    expect(result.exitCode).toBe(0);
    const after = await dockerSnapshot();
    expect(after.containers).toEqual(before.containers);
    expect(after.networks).toEqual(before.networks);
    expect(after.volumes).toEqual(before.volumes);
  });
});
