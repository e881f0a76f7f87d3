import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { flattenValues } from "../../../test/support/helm-values.ts";
import { desiredValues } from "../../plans/up-release.ts";
import { upgradeArgs, writeComputedValues } from "./index.ts";
import { nestValues, valueKeyPath } from "./values.ts";

const cluster = { name: "kit", context: "kind-kit", kubeconfigPath: "/k/config", created: false, nodes: [] };

describe("valueKeyPath", () => {
  it("splits dots, list indexes and escaped dots", () => {
    expect(valueKeyPath("service.app.extraEnv[0].name")).toEqual(["service", "app", "extraEnv", 0, "name"]);
    expect(valueKeyPath("service.podAnnotations.kit\\.dev/rollout")).toEqual([
      "service",
      "podAnnotations",
      "kit.dev/rollout",
    ]);
    expect(() => valueKeyPath("a..b")).toThrow(/empty segment/);
    expect(() => valueKeyPath("a[x]")).toThrow(/bad list index/);
  });
});

describe("nestValues", () => {
  it("builds nested objects and lists, keeping every value a string", () => {
    expect(
      nestValues({
        "service.image.digest": "sha256:abc",
        "service.app.extraEnv[0].name": "A",
        "service.app.extraEnv[0].value": "1",
        "service.app.extraEnv[1].name": "B",
        "service.app.extraEnv[1].value": "true",
      }),
    ).toEqual({
      service: {
        image: { digest: "sha256:abc" },
        app: {
          extraEnv: [
            { name: "A", value: "1" },
            { name: "B", value: "true" },
          ],
        },
      },
    });
  });
  it("keeps commas, equals signs and braces inside the value, where --set-string would split them", () => {
    const hostile = "x,service.image.repository=evil.example/app,{a: b}";
    expect(nestValues({ "service.app.extraEnv[0].value": hostile })).toEqual({
      service: { app: { extraEnv: [{ value: hostile }] } },
    });
  });
  it("refuses a key that is both a value and a parent, and fills list gaps with null as helm does", () => {
    expect(() => nestValues({ "a.b": "1", a: "2" })).toThrow(/also a parent/);
    expect(() => nestValues({ a: "2", "a.b": "1" })).toThrow(/goes below/);
    expect(nestValues({ "l[1]": "x" })).toEqual({ l: [null, "x"] });
  });
  it("round-trips what up computes for a release, Terraform outputs included", () => {
    const values = desiredValues({
      pushed: { ref: "r", digest: "sha256:1" },
      repository: "go-app",
      terraform: { queue_url: "http://q,a=b", count: 3 },
      usesDatabase: false,
    });
    expect(flattenValues(nestValues(values))).toEqual(values);
  });
});

describe("upgradeArgs", () => {
  it("passes computed values as a file after the values files, never with --set", async () => {
    const set = { "service.app.extraEnv[0].value": "a=b,c=d" };
    const computed = await writeComputedValues(set);
    try {
      const args = upgradeArgs(
        cluster,
        { release: "go-app", chart: "/c", namespace: "kit", valuesFiles: ["/v.yaml"], set },
        computed.file,
      );
      expect(args.join(" ")).toContain(`-f /v.yaml -f ${computed.file}`);
      expect(args.join(" ")).not.toMatch(/--set/);
      expect(JSON.parse(await readFile(computed.file, "utf8"))).toEqual({
        service: { app: { extraEnv: [{ value: "a=b,c=d" }] } },
      });
    } finally {
      await computed.remove();
    }
  });
});
