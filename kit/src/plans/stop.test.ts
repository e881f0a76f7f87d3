import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import type { KitEvent } from "../engine/events.ts";
import { runPlan } from "../engine/runner.ts";
import { openLocalEnvironment } from "../environment/state.ts";
import { releaseLockWhenFinished } from "../environment/steps.ts";
import { type StopDocker, stopPlan } from "./stop.ts";

const configFor = (provider: "kind" | "existing") =>
  configSchema.parse({
    apiVersion: "kit.dev/v1alpha1",
    kind: "Config",
    project: `stop-test-${process.pid}`,
    cluster: provider === "kind" ? { provider } : { provider, context: "team-cluster" },
    apps: { "go-app": { path: "apps/go-app", image: "go-app", chart: "charts/go-app", hostPort: 30080 } },
    environments: { local: { type: "local", terraformDir: "terraform/environments/local" } },
  });

type FakeContainer = { labels: Record<string, string>; running: boolean; paused?: boolean };

/** fakeDocker holds containers by name with the labels docker ps would match, and records stops and pauses. */
function fakeDocker(containers: Record<string, FakeContainer>) {
  const stops: string[][] = [];
  const pauses: string[][] = [];
  const matches = (name: string, filter: string): boolean => {
    const [kind, value = ""] = filter.split(/=(.*)/s);
    if (kind === "name") return new RegExp(value.replace("^/", "^")).test(name);
    const [key, want] = value.split(/=(.*)/s);
    return containers[name]?.labels[key ?? ""] === want;
  };
  const docker: StopDocker = {
    async running(filters) {
      return Object.keys(containers)
        .filter(
          (name) =>
            containers[name]?.running && !containers[name]?.paused && filters.every((f) => matches(name, f)),
        )
        .sort();
    },
    async stop(names) {
      stops.push(names);
      for (const name of names) (containers[name] as FakeContainer).running = false;
    },
    async pause(names) {
      pauses.push(names);
      for (const name of names) (containers[name] as FakeContainer).paused = true;
    },
  };
  return { docker, stops, pauses, containers };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function runStop(config: ReturnType<typeof configFor>, docker: StopDocker) {
  const dir = mkdtempSync(join(tmpdir(), "kit-stop-plan-"));
  dirs.push(dir);
  const environment = openLocalEnvironment(
    config.project,
    { command: "kit stop", checkout: join(dir, "checkout") },
    { env: { KIT_CACHE_DIR: join(dir, "cache") } },
  );
  const events: KitEvent[] = [];
  const release = releaseLockWhenFinished(environment.lock);
  const result = await runPlan(stopPlan({ config, environment }, docker), {
    sink: (event) => {
      events.push(event);
      release(event);
    },
  });
  const summaries = Object.fromEntries(
    events.flatMap((e) => (e.type === "step-succeeded" ? [[e.step, e.summary]] : [])),
  );
  return { result, summaries, lockHeld: environment.lock.isHeld };
}

describe("stopPlan", () => {
  const project = `stop-test-${process.pid}`;
  const world = () =>
    fakeDocker({
      [`${project}-control-plane`]: { labels: { "io.x-k8s.kind.cluster": project }, running: true },
      // kit labels its registry with the project too: it must be stopped once, by its own step.
      [`${project}-registry`]: {
        labels: { "dev.kit.managed": "true", "dev.kit.project": project },
        running: true,
      },
      [`${project}-kit-aws`]: {
        labels: { "dev.kit.managed": "true", "dev.kit.project": project, "dev.kit.component": "aws" },
        running: true,
      },
      [`${project}-kit-database`]: {
        labels: { "dev.kit.managed": "true", "dev.kit.project": project, "dev.kit.component": "database" },
        running: true,
      },
      "other-control-plane": { labels: { "io.x-k8s.kind.cluster": "other" }, running: true },
      "other-kit-database": {
        labels: { "dev.kit.managed": "true", "dev.kit.project": "other" },
        running: true,
      },
      "users-own-postgres": { labels: {}, running: true },
    });

  it("pauses the environment's nodes, registry, emulator and database, and touches nothing of anyone else", async () => {
    const { docker, stops, pauses, containers } = world();
    const { result, summaries, lockHeld } = await runStop(configFor("kind"), docker);
    expect(result.ok).toBe(true);
    expect(stops).toEqual([]);
    expect(pauses.flat().length).toBe(new Set(pauses.flat()).size);
    expect(pauses.flat().sort()).toEqual(
      [
        `${project}-control-plane`,
        `${project}-kit-aws`,
        `${project}-kit-database`,
        `${project}-registry`,
      ].sort(),
    );
    expect(summaries["aws-emulator"]).toBe(`paused ${project}-kit-aws (kept in memory, using no CPU)`);
    expect(containers["other-control-plane"]?.running).toBe(true);
    expect(containers["other-kit-database"]?.running).toBe(true);
    expect(containers["users-own-postgres"]?.running).toBe(true);
    expect(summaries.cluster).toBe(`paused ${project}-control-plane (kept in memory, using no CPU)`);
    expect(lockHeld).toBe(false);
  });

  it("a second stop finds nothing running and changes nothing", async () => {
    const { docker, stops } = world();
    await runStop(configFor("kind"), docker);
    const before = stops.length;
    const { result, summaries } = await runStop(configFor("kind"), docker);
    expect(result.ok).toBe(true);
    expect(stops.length).toBe(before);
    expect(summaries).toMatchObject({
      cluster: "not running",
      registry: "not running",
      services: "not running",
    });
  });

  it("leaves a cluster kit did not create running", async () => {
    const { docker, containers } = world();
    const { result, summaries } = await runStop(configFor("existing"), docker);
    expect(result.ok).toBe(true);
    expect(summaries.cluster).toBeUndefined();
    expect(containers[`${project}-control-plane`]?.running).toBe(true);
    expect(containers[`${project}-kit-database`]?.paused).toBe(true);
  });
});
