import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileNodeImageMemo, fingerprintOf } from "./memo.ts";

function tree() {
  const dir = mkdtempSync(join(tmpdir(), "kit-fingerprint-"));
  mkdirSync(join(dir, "src", "nested"), { recursive: true });
  writeFileSync(join(dir, "versions.json"), '{"kubernetes":"v1.34.4"}');
  writeFileSync(join(dir, "src", "nested", "build.ts"), "export const x = 1;");
  return dir;
}

describe("fingerprintOf", () => {
  it("is stable while nothing changes, and changes with a file's content, time, a new file or the extras", () => {
    const dir = tree();
    const paths = [join(dir, "versions.json"), join(dir, "src")];
    const first = fingerprintOf(paths, { arch: "x64" });
    expect(fingerprintOf(paths, { arch: "x64" })).toBe(first);
    expect(fingerprintOf(paths, { arch: "arm64" })).not.toBe(first);

    writeFileSync(join(dir, "src", "nested", "build.ts"), "export const x = 22;");
    const edited = fingerprintOf(paths, { arch: "x64" });
    expect(edited).not.toBe(first);

    utimesSync(join(dir, "versions.json"), new Date(0), new Date(0));
    const touched = fingerprintOf(paths, { arch: "x64" });
    expect(touched).not.toBe(edited);

    writeFileSync(join(dir, "src", "new.ts"), "");
    expect(fingerprintOf(paths, { arch: "x64" })).not.toBe(touched);
  });

  it("ignores paths that do not exist", () => {
    const dir = tree();
    expect(fingerprintOf([join(dir, "src"), join(dir, "gone")])).toBe(fingerprintOf([join(dir, "src")]));
  });
});

describe("fileNodeImageMemo", () => {
  it("remembers the last refs per fingerprint and survives a torn file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "kit-node-memo-")), "images", "memo.json");
    const memo = fileNodeImageMemo(path);
    expect(memo.get("a")).toBeUndefined();
    await memo.set("a", "kit.local/kind-node:v1.34.4-aaa");
    for (let i = 0; i < 8; i++) await memo.set(`f${i}`, `kit.local/kind-node:v1.34.4-${i}`);
    // Only the latest eight stay.
    expect(memo.get("a")).toBeUndefined();
    expect(fileNodeImageMemo(path).get("f7")).toBe("kit.local/kind-node:v1.34.4-7");
    writeFileSync(path, '{"f7": "kit.lo');
    expect(memo.get("f7")).toBeUndefined();
  });
});
