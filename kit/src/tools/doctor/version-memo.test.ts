import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileVersionMemo, memoized, memoryVersionMemo, type StatBinary } from "./version-memo.ts";

/** A binary whose stat the test changes, and a version command that counts its runs. */
function fixture() {
  const file = { path: "/cache/go-builds/helm/v3/bin/helm", size: 100, mtimeMs: 1 };
  const statOf: StatBinary = async () => ({ ...file });
  let runs = 0;
  let output: string | undefined = "v3.19.5";
  const runVersion = async () => {
    runs++;
    return output;
  };
  return {
    file,
    statOf,
    runVersion,
    runs: () => runs,
    setOutput: (o: string | undefined) => {
      output = o;
    },
  };
}

describe("memoized version commands", () => {
  it("runs a binary's version command once while the binary is unchanged", async () => {
    const f = fixture();
    const memo = memoryVersionMemo();
    expect(await memoized(memo, "helm", ["version"], f.runVersion, f.statOf)).toBe("v3.19.5");
    expect(await memoized(memo, "helm", ["version"], f.runVersion, f.statOf)).toBe("v3.19.5");
    expect(f.runs()).toBe(1);
  });

  it("runs it again when the binary is replaced (size or time) or asked with other arguments", async () => {
    const f = fixture();
    const memo = memoryVersionMemo();
    await memoized(memo, "helm", ["version"], f.runVersion, f.statOf);
    f.file.mtimeMs = 2;
    f.setOutput("v3.20.0");
    expect(await memoized(memo, "helm", ["version"], f.runVersion, f.statOf)).toBe("v3.20.0");
    f.file.size = 101;
    await memoized(memo, "helm", ["version"], f.runVersion, f.statOf);
    await memoized(memo, "helm", ["version", "--short"], f.runVersion, f.statOf);
    expect(f.runs()).toBe(4);
  });

  it("never remembers a failed command, and runs it when the binary cannot be read", async () => {
    const f = fixture();
    const memo = memoryVersionMemo();
    f.setOutput(undefined);
    expect(await memoized(memo, "helm", ["version"], f.runVersion, f.statOf)).toBeUndefined();
    f.setOutput("v3.19.5");
    expect(await memoized(memo, "helm", ["version"], f.runVersion, f.statOf)).toBe("v3.19.5");
    await memoized(memo, "gone", ["version"], f.runVersion, async () => undefined);
    await memoized(memo, "gone", ["version"], f.runVersion, async () => undefined);
    expect(f.runs()).toBe(4);
    expect(Object.keys(memo.entries)).toHaveLength(1);
  });
});

describe("fileVersionMemo", () => {
  it("keeps entries across processes and starts empty from a torn file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "kit-memo-")), "tool-versions.json");
    const first = fileVersionMemo(path);
    first.set("k", "go version go1.26.8");
    await first.save();
    expect(fileVersionMemo(path).get("k")).toBe("go version go1.26.8");
    writeFileSync(path, '{"k": "go ver');
    expect(fileVersionMemo(path).get("k")).toBeUndefined();
    const clean = fileVersionMemo(path);
    await clean.save();
    expect(readFileSync(path, "utf8")).toBe('{"k": "go ver');
  });
});
