import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileIdentity, partImageRef } from "./parts.ts";

const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "kit-parts-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("a part image's tag", () => {
  it("is the same for the same files in two checkouts, and changes with a file's content", async () => {
    const cache = join(scratch(), "cache");
    const binary = join(cache, "go-builds", "kindnetd", "v1-abc", "kindnetd");
    mkdirSync(join(binary, ".."), { recursive: true });
    writeFileSync(binary, "ELF");
    const [one, two] = [scratch(), scratch()].map((checkout) => {
      const wrapper = join(checkout, "iptables-wrapper");
      writeFileSync(wrapper, '#!/bin/sh\nexec iptables-legacy "$@"\n');
      return {
        name: "kindnetd",
        files: { kindnetd: binary, "iptables-wrapper": wrapper },
        names: ["kindnetd"],
      };
    });
    if (!one || !two) throw new Error("two checkouts");
    expect(await partImageRef(one, cache)).toBe(await partImageRef(two, cache));
    writeFileSync(two.files["iptables-wrapper"], '#!/bin/sh\nexec iptables-nft "$@"\n');
    expect(await partImageRef(one, cache)).not.toBe(await partImageRef(two, cache));
  });

  it("names a Go build output by its path under the cache (its folder is its inputs hash), without reading it", async () => {
    const cache = join(scratch(), "cache");
    expect(await fileIdentity(join(cache, "go-builds", "etcd", "v3.6.5-1a2b", "etcd"), cache)).toBe(
      "cache:go-builds/etcd/v3.6.5-1a2b/etcd",
    );
    const script = join(scratch(), "wrapper");
    writeFileSync(script, "x");
    expect(await fileIdentity(script, cache)).toBe(
      "sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
    );
  });
});
