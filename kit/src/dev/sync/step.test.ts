import { describe, expect, it } from "vitest";
import type { StepContext } from "../../engine/plan.ts";
import { UserError } from "../../errors.ts";
import { devSyncStep, devSyncValues } from "./step.ts";
import { fakeDevSyncDeps } from "./testing.ts";

const ctx = (logs: string[] = []): StepContext =>
  ({
    signal: new AbortController().signal,
    log: (line: string) => logs.push(line),
    progress: () => undefined,
    output: () => undefined,
    data: () => undefined,
    resultOf: () => {
      throw new Error("the sync step reads no results here");
    },
  }) as unknown as StepContext;

function setup(language: "go" | "node" = "go") {
  const deps = fakeDevSyncDeps();
  const step = devSyncStep({
    app: "go-app",
    appDir: "/src/apps/go-app",
    language,
    // kit's own devrun sources: the generation hashes them.
    devrunDir: new URL("../../../devrun", import.meta.url).pathname,
    staging: "/tmp/staging",
    needs: [],
    target: () => ({ nodes: ["kit-control-plane", "kit-worker"], imageRef: "kit.local/go-app:1" }),
    deps,
  });
  return { deps, step };
}

describe("devSyncStep", () => {
  it("builds devrun and the app, publishes to every node, and is then satisfied until the next save", async () => {
    const { deps, step } = setup();
    expect(await step.check?.(ctx())).toEqual({ satisfied: false });
    const result = await step.apply(ctx());
    expect(deps.builds).toEqual(["devrun", "go:go-app"]);
    expect(deps.nodes.published).toEqual([
      {
        nodes: ["kit-control-plane", "kit-worker"],
        folder: "/kit-dev/go-app",
        generation: result.generation,
      },
    ]);
    expect(result).toMatchObject({ hostPath: "/kit-dev/go-app", command: ["/kit-dev/app/go-app"] });
    expect(step.summarize?.(result)).toMatch(/^generation \w+ serving \(build \d+ ms, swap 0 ms\)$/);
    expect(await step.check?.(ctx())).toMatchObject({
      satisfied: true,
      value: { generation: result.generation, command: ["/kit-dev/app/go-app"] },
    });
    // A current build is described, not built again: a no-op kit up compiles nothing.
    expect(deps.builds).toEqual(["devrun", "go:go-app"]);
    deps.saves.set("/src/apps/go-app", 1);
    expect(await step.check?.(ctx())).toEqual({ satisfied: false });
  });

  it("waits until every pod's devrun serves the new generation", async () => {
    const { deps, step } = setup();
    deps.nodes.pods.push("go-app-a", "go-app-b");
    const real = deps.nodes.statuses.bind(deps.nodes);
    let looks = 0;
    deps.nodes.statuses = async (nodes, folder) => {
      looks++;
      const statuses = await real(nodes, folder);
      // The second pod swaps on the third look.
      return looks < 3
        ? statuses.map((s) => (s.pod === "go-app-b" ? { ...s, generation: "old" } : s))
        : statuses;
    };
    const logs: string[] = [];
    await step.apply(ctx(logs));
    expect(looks).toBe(3);
    expect(logs.at(-1)).toMatch(/2 pod\(s\) serve it/);
  });

  it("fails naming the pod and devrun's error when the new code does not start; nothing else is retried", async () => {
    const { deps, step } = setup();
    deps.nodes.pods.push("go-app-a");
    const generation = (await setup().step.apply(ctx())).generation;
    deps.nodes.failing.set(generation, "exit code 2 before ready");
    const error = await step.apply(ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(String((error as Error).message)).toMatch(
      /did not start in pod go-app-a: exit code 2 before ready/,
    );
  });

  it("Node: the release runs the image's node on the bundled entry, with the build mounted over dist", async () => {
    const { step } = setup("node");
    const result = await step.apply(ctx());
    expect(result.command).toEqual(["/nodejs/bin/node", "dist/main.js"]);
    expect(devSyncValues(result)).toEqual({
      "service.devSync.enabled": "true",
      "service.devSync.hostPath": "/kit-dev/go-app",
      "service.devSync.command[0]": "/nodejs/bin/node",
      "service.devSync.command[1]": "dist/main.js",
      "service.devSync.subPathMounts[0].subPath": "app/dist",
      "service.devSync.subPathMounts[0].mountPath": "/app/dist",
      "service.devSync.env[0].name": "NODE_COMPILE_CACHE",
      "service.devSync.env[0].value": "/tmp/node-compile-cache",
    });
  });
});
