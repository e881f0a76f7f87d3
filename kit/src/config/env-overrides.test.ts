import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyEnvOverrides, readEnvOverrides } from "./env-overrides.ts";
import { parseConfig } from "./load.ts";
import type { KitConfig } from "./schema.ts";
import { thrownUserError } from "./testing.ts";

const minimal = readFileSync(join(import.meta.dirname, "testdata", "valid-minimal.yaml"), "utf8");

/** configWith is the minimal valid config with the given top-level sections added. */
const configWith = (extra = ""): KitConfig => parseConfig(`${minimal}${extra}`, "valid-minimal.yaml");

const thrown = thrownUserError;

const fileChoices = configWith(
  "images:\n  source: build\naws:\n  emulator: localstack\ndatabase:\n  provider: ferretdb\n",
);

describe("readEnvOverrides", () => {
  it("reads nothing from an environment without the variables", () => {
    expect(readEnvOverrides({ PATH: "/usr/bin" })).toEqual({});
  });

  it.each([
    ["KIT_IMAGES_SOURCE", "imagesSource", ["auto", "upstream", "build"]],
    ["KIT_AWS_EMULATOR", "awsEmulator", ["auto", "moto", "localstack"]],
    ["KIT_DATABASE_PROVIDER", "databaseProvider", ["auto", "mongo", "ferretdb"]],
  ] as const)("reads every allowed value of %s", (variable, field, values) => {
    for (const value of values) expect(readEnvOverrides({ [variable]: value })[field]).toBe(value);
  });

  it.each([
    ["KIT_IMAGES_SOURCE", "pull", "KIT_IMAGES_SOURCE=pull is not one of auto, upstream, build.", /`build`/],
    ["KIT_AWS_EMULATOR", "minio", "KIT_AWS_EMULATOR=minio is not one of auto, moto, localstack.", /moto/],
    [
      "KIT_DATABASE_PROVIDER",
      "postgres",
      "KIT_DATABASE_PROVIDER=postgres is not one of auto, mongo, ferretdb.",
      /mongo or ferretdb/,
    ],
    ["KIT_AWS_EMULATOR", "", "KIT_AWS_EMULATOR= is not one of auto, moto, localstack.", /Unset it/],
  ])("refuses %s=%s, naming the variable and its values, with a hint", (variable, value, message, hint) => {
    const err = thrown(() => readEnvOverrides({ [variable]: value }));
    expect(err.message).toBe(message);
    expect(err.hint).toMatch(hint);
  });

  it("passes the LocalStack token and the database image through as they are", () => {
    expect(readEnvOverrides({ LOCALSTACK_AUTH_TOKEN: "ls-abc", KIT_DATABASE_IMAGE: "my/mongo:8" })).toEqual({
      localstackToken: "ls-abc",
      databaseImage: "my/mongo:8",
    });
  });

  it("treats an empty token or image as unset", () => {
    expect(readEnvOverrides({ LOCALSTACK_AUTH_TOKEN: "", KIT_DATABASE_IMAGE: "" })).toEqual({});
  });
});

describe("applyEnvOverrides", () => {
  it("puts each variable over the file's value", () => {
    const config = applyEnvOverrides(
      fileChoices,
      readEnvOverrides({
        KIT_IMAGES_SOURCE: "upstream",
        KIT_AWS_EMULATOR: "moto",
        KIT_DATABASE_PROVIDER: "mongo",
      }),
    );
    expect(config.images.source).toBe("upstream");
    expect(config.aws.emulator).toBe("moto");
    expect(config.database.provider).toBe("mongo");
    // The rest of each section is the file's.
    expect(config.aws.hostPort).toBe(fileChoices.aws.hostPort);
    expect(config.database.name).toBe(fileChoices.database.name);
  });

  it("keeps the file's values when no variable is set", () => {
    expect(applyEnvOverrides(fileChoices, readEnvOverrides({}))).toEqual(fileChoices);
  });

  it("overrides the defaults (auto) of a file that says nothing", () => {
    const config = applyEnvOverrides(
      configWith(),
      readEnvOverrides({ KIT_IMAGES_SOURCE: "build", KIT_AWS_EMULATOR: "localstack" }),
    );
    expect(config.images.source).toBe("build");
    expect(config.aws.emulator).toBe("localstack");
    expect(config.database.provider).toBe("auto");
  });

  it("leaves the token and the image out of the config: they are provider options", () => {
    const overrides = readEnvOverrides({ LOCALSTACK_AUTH_TOKEN: "ls-abc", KIT_DATABASE_IMAGE: "my/mongo:8" });
    expect(applyEnvOverrides(fileChoices, overrides)).toEqual(fileChoices);
  });

  it("does not change the config it was given", () => {
    const before = structuredClone(fileChoices);
    applyEnvOverrides(fileChoices, readEnvOverrides({ KIT_AWS_EMULATOR: "moto" }));
    expect(fileChoices).toEqual(before);
  });
});
