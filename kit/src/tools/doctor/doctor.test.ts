import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkTools } from "../../plans/doctor.ts";
import { loadVersions } from "../catalog.ts";
import { compareVersions, parseVersion } from "./version.ts";

describe("version parsing", () => {
  it.each([
    ["go version go1.24.11 linux/amd64", "1.24.11"],
    ["Docker version 26.1.5+dfsg1, build a72d7cd", "26.1.5"],
    ["v3.19.5", "3.19.5"],
    ["Terraform v1.11.4\non linux_amd64", "1.11.4"],
    ["Python 3.11.7", "3.11.7"],
    ["kind v0.30.0 go1.26.8 linux/amd64", "0.30.0"],
    ["no version here", undefined],
  ])("%s -> %s", (text, version) => {
    expect(parseVersion(text)).toBe(version);
  });

  it("compares versions numerically", () => {
    expect(compareVersions("1.24.11", "1.24.9")).toBe(1);
    expect(compareVersions("v0.30.0", "0.30.0")).toBe(0);
    expect(compareVersions("go1.23", "1.24.0")).toBe(-1);
    expect(compareVersions("20.10.24", "23.0.0")).toBe(-1);
  });
});

describe("doctor detection", () => {
  const saved = { PATH: process.env.PATH, KIT_CACHE_DIR: process.env.KIT_CACHE_DIR };
  let bin: string;

  /** fakeTool writes an executable that prints a fixed version, standing in for a real install. */
  const fakeTool = (name: string, output: string, exitCode = 0): void => {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' '${output.replaceAll("\n", "' '")}'\nexit ${exitCode}\n`);
    chmodSync(path, 0o755);
  };

  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), "kit-doctor-"));
    bin = join(root, "bin");
    mkdirSync(bin);
    // Only the fake tools are visible (their shebang names /bin/sh directly).
    process.env.PATH = bin;
    process.env.KIT_CACHE_DIR = join(root, "cache");
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    process.env.KIT_CACHE_DIR = saved.KIT_CACHE_DIR;
  });

  const statusOf = async (): Promise<Record<string, string>> =>
    Object.fromEntries((await checkTools(loadVersions())).map((c) => [c.name, c.status]));

  it("judges found, missing, outdated and pinned-mismatch tools", async () => {
    const versions = loadVersions();
    fakeTool("go", "go version go1.22.1 linux/amd64");
    fakeTool("helm", "v3.18.0");
    fakeTool("kind", `kind ${versions.kind} go1.24 linux/amd64`);
    fakeTool("tofu", "OpenTofu v1.10.6\non linux_amd64");
    const status = await statusOf();
    expect(status.go).toBe("outdated");
    expect(status.helm).toBe("pinned-mismatch");
    expect(status.kind).toBe("ok");
    expect(status.terraform).toBe("ok");
    expect(status["docker-engine"]).toBe("missing");
    expect(status.kubectl).toBe("missing");
  });

  it("sees an installed but stopped Docker engine as not-running, and an old one as outdated", async () => {
    fakeTool("docker", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock", 1);
    fakeTool("dockerd", "Docker version 26.1.5+dfsg1, build a72d7cd");
    expect((await statusOf())["docker-engine"]).toBe("not-running");
    fakeTool("dockerd", "Docker version 20.10.24+dfsg1, build 297e128");
    expect((await statusOf())["docker-engine"]).toBe("outdated");
    fakeTool("docker", "26.1.5+dfsg1");
    fakeTool("dockerd", "Docker version 26.1.5+dfsg1, build a72d7cd");
    expect((await statusOf())["docker-engine"]).toBe("ok");
  });

  it("prefers kit's own bin directory over PATH", async () => {
    const versions = loadVersions();
    fakeTool("helm", "v3.10.0");
    const kitBin = join(process.env.KIT_CACHE_DIR as string, "bin");
    mkdirSync(kitBin, { recursive: true });
    writeFileSync(join(kitBin, "helm"), `#!/bin/sh\necho ${versions.helm}\n`);
    chmodSync(join(kitBin, "helm"), 0o755);
    const helm = (await checkTools(versions)).find((c) => c.name === "helm");
    expect(helm).toMatchObject({ status: "ok", found: { path: join(kitBin, "helm") } });
  });
});
