import { describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.ts";
import type { InspectedContainer } from "../providers/container/index.ts";
import type { HelmRelease } from "../tools/helm/index.ts";
import { environmentNames } from "./names.ts";
import { type ComponentStatus, environmentStatus, formatStatusTable, type StatusDeps } from "./status.ts";

const config = configSchema.parse({
  apiVersion: "kit.dev/v1alpha1",
  kind: "Config",
  project: "status-test",
  apps: { "go-app": { path: "apps/go-app", image: "go-app", chart: "charts/go-app", hostPort: 30080 } },
  containers: { "data-api": { path: "apps/data-api", image: "data-api", hostPort: 30090 } },
  environments: { local: { type: "local", terraformDir: "terraform/environments/local" } },
});
const names = environmentNames("status-test");

function container(
  state: "running" | "paused" | "exited",
  ports: Record<string, string> = {},
): InspectedContainer {
  return {
    Id: "abc",
    State: { Running: state !== "exited", Paused: state === "paused", Status: state, StartedAt: "" },
    Config: { Labels: { "dev.kit.provider": "fake" } },
    NetworkSettings: {
      Ports: Object.fromEntries(
        Object.entries(ports).map(([p, h]) => [p, [{ HostIp: "127.0.0.1", HostPort: h }]]),
      ),
    },
  };
}

/** fakeStatusDeps is an environment kept in memory: its containers, nodes, releases and HTTP answers. */
function fakeStatusDeps(world: {
  nodes?: boolean[];
  containers?: Record<string, InspectedContainer>;
  releases?: Record<string, Pick<HelmRelease, "status" | "revision">>;
  http?: Record<string, string>;
}): StatusDeps {
  return {
    cluster: () => ({
      exists: async () => world.nodes !== undefined,
      nodes: async () => (world.nodes ?? []).map((ready, i) => ({ name: `node-${i}`, ready })),
      ref: () => ({ context: "kind-status-test", kubeconfigPath: "/kube/config" }),
    }),
    inspectContainer: async (name) => world.containers?.[name],
    awsEmulatorStatus: async () => ({
      exists: true,
      running: true,
      provider: "moto",
      endpoint: "http://127.0.0.1:4566",
    }),
    databaseStatus: async () => ({ exists: false, running: false }),
    getRelease: async (_ref, _ns, name) => world.releases?.[name] as HelmRelease | undefined,
    httpOk: async (url) => world.http?.[url] ?? "ECONNREFUSED",
  };
}

const row = (rows: ComponentStatus[], component: string) => rows.find((r) => r.component === component);

describe("environmentStatus", () => {
  it("reports every component absent when nothing exists", async () => {
    const rows = await environmentStatus(config, {
      ...fakeStatusDeps({}),
      awsEmulatorStatus: async () => ({ exists: false, running: false }),
    });
    expect(rows.map((r) => [r.component, r.state])).toEqual([
      ["cluster", "absent"],
      ["registry", "absent"],
      ["aws-emulator", "absent"],
      ["database", "absent"],
      ["app go-app", "absent"],
      ["app data-api", "absent"],
    ]);
  });

  it("calls a component healthy only when its own check answers, not because it exists", async () => {
    const rows = await environmentStatus(
      config,
      fakeStatusDeps({
        nodes: [true, false],
        containers: {
          [names.registry]: container("running"),
          [`${names.environment}-data-api`]: container("running"),
        },
        releases: { "go-app": { status: "deployed", revision: "3" } },
        http: {
          [`http://127.0.0.1:${config.registry.hostPort}/v2/`]: "ok",
          "http://127.0.0.1:30080/readyz": "HTTP 503",
          "http://127.0.0.1:30090/readyz": "ok",
        },
      }),
    );
    expect(row(rows, "cluster")).toMatchObject({ state: "unhealthy", detail: "1/2 node(s) Ready" });
    expect(row(rows, "registry")).toMatchObject({ state: "healthy", detail: "/v2/: ok" });
    expect(row(rows, "aws-emulator")).toMatchObject({ state: "healthy", detail: "moto running" });
    expect(row(rows, "app go-app")).toMatchObject({
      state: "unhealthy",
      detail: "release deployed (revision 3), /readyz: HTTP 503",
    });
    expect(row(rows, "app data-api")).toMatchObject({ state: "healthy", endpoint: "http://127.0.0.1:30090" });
  });

  it("says a paused container is paused without asking it over HTTP (kit stop)", async () => {
    const asked: string[] = [];
    const deps = fakeStatusDeps({
      nodes: [true],
      containers: {
        [names.registry]: container("paused"),
        [`${names.environment}-data-api`]: container("paused"),
      },
    });
    const rows = await environmentStatus(config, {
      ...deps,
      httpOk: async (url) => {
        asked.push(url);
        return deps.httpOk(url);
      },
    });
    expect(row(rows, "registry")).toMatchObject({ state: "unhealthy", detail: "/v2/: paused" });
    expect(row(rows, "app data-api")).toMatchObject({
      state: "unhealthy",
      detail: "container paused, /readyz: paused",
    });
    expect(asked.filter((u) => u.includes(String(config.registry.hostPort)) || u.includes("30090"))).toEqual(
      [],
    );
  });
});

describe("formatStatusTable", () => {
  it("aligns components, leaving out an absent endpoint", () => {
    const text = formatStatusTable([
      {
        component: "cluster",
        state: "healthy",
        detail: "kind kit-local",
        endpoint: "https://127.0.0.1:6443",
      },
      { component: "app go-app", state: "absent", detail: "not installed" },
    ]);
    expect(text).toBe(
      [
        "COMPONENT   STATE    DETAIL          ENDPOINT",
        "cluster     healthy  kind kit-local  https://127.0.0.1:6443",
        "app go-app  absent   not installed",
        "",
      ].join("\n"),
    );
  });
});
