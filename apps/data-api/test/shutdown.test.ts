// The built service (dist/main.js, as the image runs it) on SIGTERM: readiness fails at once while requests are still
// served for DRAIN_DELAY_MS, then it closes and exits 0; bad settings exit 2 naming the variable.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const env = (port: number) => ({
  ...process.env,
  PORT: String(port),
  DYNAMODB_TABLE: "data-api-shutdown",
  AWS_REGION: process.env.AWS_REGION || "us-east-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  DRAIN_DELAY_MS: "600",
  SHUTDOWN_TIMEOUT_MS: "3000",
});

describe("dist/main.js", () => {
  it("drains on SIGTERM: not ready at once, still serving, then exits 0", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], { env: env(port), stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let log = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    for (
      let i = 0;
      i < 100 &&
      !(await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 50));

    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 150));
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "draining" });
    const status = await fetch(`${url}/status`);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: string }).status).toBe("draining");

    expect(await exited).toBe(0);
    const phases = log
      .split("\n")
      .filter((l) => l.includes('"shutdown"'))
      .map((l) => (JSON.parse(l) as { phase: string }).phase);
    expect(phases).toEqual(["draining", "closing", "stopped"]);
  });

  it("exits 2 on bad settings, naming the variable", () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, AWS_REGION: "us-east-1" },
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("DYNAMODB_TABLE is not set");
  });
});
