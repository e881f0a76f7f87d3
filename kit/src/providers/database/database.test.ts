import { describe, expect, it } from "vitest";
import { type EnvSource, readEnvOverrides } from "../../config/env-overrides.ts";
import type { ImageSource } from "../../images/source.ts";
import { bindToLoopback, specHash } from "../container/index.ts";
import { chooseDatabaseProvider, type DatabaseProviderSetting } from "./index.ts";
import { databaseNames, mongoUrl } from "./running.ts";

/** choose is what the CLI does: the environment's overrides first, then the pure choice. */
function choose(setting: DatabaseProviderSetting, imageSource: ImageSource, env: EnvSource) {
  const overrides = readEnvOverrides(env);
  return chooseDatabaseProvider(
    overrides.databaseProvider ?? setting,
    imageSource,
    Boolean(overrides.databaseImage),
  );
}

describe("chooseDatabaseProvider", () => {
  it("follows the image source for auto", () => {
    expect(chooseDatabaseProvider("auto", "upstream", false)).toBe("mongo");
    expect(chooseDatabaseProvider("auto", "build", false)).toBe("ferretdb");
  });
  it("lets KIT_DATABASE_PROVIDER override the setting", () => {
    expect(choose("mongo", "upstream", { KIT_DATABASE_PROVIDER: "ferretdb" })).toBe("ferretdb");
  });
  it("refuses mongo when images are built locally and no image is given", () => {
    expect(() => chooseDatabaseProvider("mongo", "build", false)).toThrow(/official mongo image/);
    expect(chooseDatabaseProvider("mongo", "build", true)).toBe("mongo");
    expect(choose("mongo", "build", { KIT_DATABASE_IMAGE: "my/mongo:8" })).toBe("mongo");
  });
  it("names the bad value", () => {
    expect(() => choose("auto", "build", { KIT_DATABASE_PROVIDER: "postgres" })).toThrow(
      /KIT_DATABASE_PROVIDER=postgres/,
    );
  });
});

describe("names and urls", () => {
  it("puts the project in container and volume names", () => {
    expect(databaseNames("shop", "ferretdb")).toEqual({
      container: "kit-shop-database",
      volume: "kit-shop-database-ferretdb",
    });
    expect(mongoUrl("127.0.0.1", 32768, "app")).toBe("mongodb://127.0.0.1:32768/app?directConnection=true");
  });
  it("changes the reuse hash with the inputs but not with the wait settings", () => {
    const spec = { name: "a", image: "i:1", project: "p", component: "database", port: 27017 };
    expect(specHash(spec)).toBe(specHash({ ...spec, startupTimeoutMs: 5 }));
    expect(specHash(spec)).not.toBe(specHash({ ...spec, image: "i:2" }));
  });
});

describe("bindToLoopback", () => {
  it("publishes every port of a testcontainers container on 127.0.0.1 only", async () => {
    const { GenericContainer } = await import("testcontainers");
    const container = new GenericContainer("img:1").withExposedPorts({ container: 5000, host: 4566 }, 27017);
    bindToLoopback(container);
    const { hostConfig } = container as unknown as {
      hostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[]> };
    };
    expect(hostConfig.PortBindings).toEqual({
      "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "4566" }],
      "27017/tcp": [{ HostIp: "127.0.0.1", HostPort: "0" }],
    });
  });
});
