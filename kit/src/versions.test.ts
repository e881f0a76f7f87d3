import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { KIT_DIR } from "./paths.ts";
import { loadVersions } from "./versions.ts";

const SRC = join(KIT_DIR, "src");
// A version-looking string literal ("v1.2.3", "1.2.3-rc1") or an image reference with a tag
// ("mongo:8.0.15", "postgres:15-bookworm").
const VERSION = /(["'`])v?\d+\.\d+\.\d+(?:[-+][\w.]+)?\1/g;
const IMAGE_TAG = /(["'`])[a-z0-9][a-z0-9./-]*:\d[\w.-]*\1/g;
/** Literals that are not pins, with the reason. */
const NOT_PINS: Record<string, string> = {
  "gate/testing.ts": "a fake gate record's data",
  "gate/record.ts": "the fallback when package.json has no version",
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe("kit/versions.json", () => {
  it("holds every pin: no version or image tag literal elsewhere in kit/src", () => {
    const found = sources(SRC).flatMap((file) => {
      const name = relative(SRC, file);
      if (name in NOT_PINS) return [];
      // Comments may name versions (why a pin is what it is); code may not.
      const code = readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, "");
      return [...code.matchAll(VERSION), ...code.matchAll(IMAGE_TAG)].map((m) => `${name}: ${m[0]}`);
    });
    expect(found).toEqual([]);
  });

  it("pins the emulators, databases, node image parts and Terraform tools with their published images", () => {
    const v = loadVersions();
    expect(v.moto.upstreamImage).toBe(`motoserver/moto:${v.moto.version}`);
    expect(v.localstack.upstreamImage).toBe(`localstack/localstack:${v.localstack.version}`);
    expect(v.postgres.upstreamImage).toBe(`postgres:${v.postgres.major}-${v.debian.suite}`);
    expect(v.traefik.upstreamImage).toMatch(new RegExp(`:${v.traefik.version}$`));
    expect(v.terraformProviderAws.pseudoVersion).toContain(v.terraformProviderAws.commit);
    expect(v.nodeComponents.etcdImageTag.startsWith(v.nodeComponents.etcd.replace(/^v/, ""))).toBe(true);
  });
});
