import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localEnvironmentName, portField, resolveLocalEnvironment } from "./environment.ts";
import { parseConfig } from "./load.ts";
import type { KitConfig } from "./schema.ts";
import { thrownUserError } from "./testing.ts";

const repoConfig = (): KitConfig =>
  parseConfig(
    readFileSync(join(import.meta.dirname, "..", "..", "..", "kit.config.yaml"), "utf8"),
    "kit.config.yaml",
  );

const withLocal = (extra: string): KitConfig =>
  parseConfig(
    readFileSync(join(import.meta.dirname, "testdata", "valid-minimal.yaml"), "utf8").replace(
      "    type: local\n",
      `    type: local\n${extra}`,
    ),
    "valid-minimal.yaml",
  );

const thrown = thrownUserError;

describe("resolveLocalEnvironment", () => {
  it("names the environment after the project by default and keeps every port", () => {
    const { config, identity } = resolveLocalEnvironment(repoConfig(), {}, {});
    expect(identity).toEqual({
      name: "kit",
      nameSource: "project",
      portOffset: 0,
      portOffsetSource: "default",
    });
    expect(localEnvironmentName(config)).toBe("kit");
    expect([config.registry.hostPort, config.aws.hostPort, config.database.hostPort]).toEqual([
      5001, 4566, 27017,
    ]);
    expect(config.apps["go-app"]?.hostPort).toBe(30080);
  });

  it("takes the flag over the environment variable over the config over the project", () => {
    const config = withLocal("    name: from-config\n    portOffset: 10\n");
    expect(resolveLocalEnvironment(config, {}, {}).identity).toMatchObject({
      name: "from-config",
      nameSource: "environments.local.name",
      portOffset: 10,
      portOffsetSource: "environments.local.portOffset",
    });
    const env = { KIT_ENV_NAME: "from-env", KIT_PORT_OFFSET: "20" };
    expect(resolveLocalEnvironment(config, {}, env).identity).toMatchObject({
      name: "from-env",
      nameSource: "KIT_ENV_NAME",
      portOffset: 20,
    });
    expect(
      resolveLocalEnvironment(config, { envName: "from-flag", portOffset: "30" }, env).identity,
    ).toMatchObject({
      name: "from-flag",
      nameSource: "--env-name",
      portOffset: 30,
      portOffsetSource: "--port-offset",
    });
  });

  it("shifts every host port by the offset once, and names the offset in the field", () => {
    const { config } = resolveLocalEnvironment(repoConfig(), { envName: "kit-b", portOffset: "100" }, {});
    expect(localEnvironmentName(config)).toBe("kit-b");
    expect([config.registry.hostPort, config.aws.hostPort, config.database.hostPort]).toEqual([
      5101, 4666, 27117,
    ]);
    expect(Object.values(config.apps).map((a) => a.hostPort)).toEqual([30180, 30181]);
    expect(portField(config, "aws.hostPort")).toBe("aws.hostPort + port offset 100");
    expect(portField(repoConfig(), "aws.hostPort")).toBe("aws.hostPort");
  });

  it("refuses a bad name or offset, naming where it came from", () => {
    expect(thrown(() => resolveLocalEnvironment(repoConfig(), { envName: "Kit_B" }, {})).message).toMatch(
      /--env-name "Kit_B" is not a valid environment name/,
    );
    expect(
      thrown(() => resolveLocalEnvironment(repoConfig(), {}, { KIT_ENV_NAME: "x".repeat(41) })).message,
    ).toMatch(/KIT_ENV_NAME .* at most 40 characters/);
    expect(
      thrown(() => resolveLocalEnvironment(repoConfig(), {}, { KIT_PORT_OFFSET: "-5" })).message,
    ).toMatch(/KIT_PORT_OFFSET "-5" is not a port offset/);
    expect(thrown(() => resolveLocalEnvironment(repoConfig(), { portOffset: "ten" }, {})).hint).toMatch(
      /from 0 to 2600/,
    );
  });

  it("refuses an offset that pushes an app past the NodePort range, naming the app's field", () => {
    const config = repoConfig();
    const app = config.apps["node-app"];
    if (app) app.hostPort = 32700;
    expect(thrown(() => resolveLocalEnvironment(config, { portOffset: "100" }, {})).message).toMatch(
      /apps\.node-app\.hostPort 32700 \+ port offset 100 \(--port-offset\) is 32800, past the NodePort range/,
    );
  });

  it("rejects a name in the config file that is not a DNS label, with its line", () => {
    expect(() => withLocal("    name: Not_A_Label\n")).toThrow(
      /environments\.local\.name: must be a DNS label/,
    );
  });
});
