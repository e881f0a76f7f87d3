import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import { createTestEnvironment, type TestEnvironment } from "../support/test-environment.ts";

/**
 * Faults a user meets, each with what kit must do: name the cause and the fix, and leave nothing
 * behind. They run in an environment of the test's own (checkout, name, ports), never the user's.
 */
describe("kit up faults", () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment("faults");
  });

  afterAll(async () => {
    await env?.dispose();
  });

  it("a taken port fails fast, naming the port, the holder and the config field; dependants are skipped", async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(env.ports.aws, "0.0.0.0", resolve));
    try {
      const result = await env.kit(["up"], { timeoutMs: 20 * 60_000 });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(
        new RegExp(
          `Port ${env.ports.aws} \\(aws\\.hostPort \\+ port offset ${env.portOffset}\\) is already in use by pid \\d+ \\(node`,
        ),
      );
      expect(result.stdout).toMatch(/hint: Free it or choose another port/);
      expect(result.stdout).toMatch(/\[cluster\] skipped: needs ports, which failed/);
      expect(result.stdout).toMatch(/\[deploy:go-app\] skipped/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("Ctrl-C in the middle of up stops, and kit down then removes everything", async () => {
    const controller = new AbortController();
    const running = env
      .kit(["up"], { signal: controller.signal, timeoutMs: 30 * 60_000 })
      .catch((err: unknown) => err);
    // Interrupt once the cluster is being made (containers exist by then).
    const deadline = Date.now() + 15 * 60_000;
    while ((await env.resources()).containers.length === 0) {
      if (Date.now() > deadline) throw new Error("kit up never started any container");
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    controller.abort();
    await running;
    const down = await env.kit(["down", "--volumes"]);
    expect(down.exitCode).toBe(0);
    expect(await env.resources()).toEqual({ containers: [], volumes: [] });
  });

  it("a stopped Docker engine is started by kit up's toolchain step (or named, with the fix)", async () => {
    // Stopping the engine stops every container on the machine, the user's environment's too:
    // what ran before runs again afterwards.
    const wasRunning = (await run("docker", ["ps", "-q"])).stdout.split("\n").filter(Boolean);
    try {
      await run("pkill", ["-TERM", "-x", "dockerd"], { allowFailure: true });
      for (let i = 0; i < 60; i++) {
        const probe = await run("docker", ["version", "--format", "{{.Server.Version}}"], {
          allowFailure: true,
        });
        if (probe.exitCode !== 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const result = await env.kit(["doctor"]);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/docker-engine\s+\S+\s+≥ 23\.0\.0, running\s+NOT-RUNNING/);
      const up = await env.kit(["up", "--only", "go-app"], { timeoutMs: 30 * 60_000 });
      expect(up.stdout).toMatch(/\[toolchain\] ok: all tools ready/);
      expect(up.exitCode).toBe(0);
    } finally {
      const runningNow = new Set(
        (await run("docker", ["ps", "-q"], { allowFailure: true })).stdout.split("\n"),
      );
      const stopped = wasRunning.filter((id) => !runningNow.has(id));
      if (stopped.length > 0) await run("docker", ["start", ...stopped], { allowFailure: true });
    }
  });
});
