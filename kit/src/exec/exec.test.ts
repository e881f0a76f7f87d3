import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CancelledError, ExternalToolError } from "../errors.ts";
import { run, which } from "./index.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** anyAlive says whether a process (or, negative, any process of a group) still exists. */
const anyAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** gone waits up to 5 s for the group leader and every member of its group to be gone. */
async function gone(group: number): Promise<boolean> {
  for (let i = 0; i < 50 && (anyAlive(group) || anyAlive(-group)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return !anyAlive(group) && !anyAlive(-group);
}

describe("run", () => {
  it("returns the output, and fails with the command and the output's tail", async () => {
    expect((await run("sh", ["-c", "echo hello"])).stdout).toBe("hello\n");
    const failed = run("sh", ["-c", "echo broken >&2; exit 3"]);
    await expect(failed).rejects.toThrow(ExternalToolError);
    await expect(failed).rejects.toMatchObject({ exitCode: 3, outputTail: ["broken"] });
  });

  it("kills the whole process group on cancel", async () => {
    const controller = new AbortController();
    let group = 0;
    const running = run("sh", ["-c", "echo $$; sleep 300 & wait"], {
      signal: controller.signal,
      onLine: (line) => {
        group = Number(line);
        controller.abort();
      },
    });
    await expect(running).rejects.toThrow(CancelledError);
    expect(group).toBeGreaterThan(0);
    expect(await gone(group)).toBe(true);
  });

  for (const how of ["exit", "throw"]) {
    it(`leaves no process group behind when kit ${how === "exit" ? "exits at once (a second Ctrl-C)" : "dies of an uncaught error"}`, async () => {
      const child = spawnSync(
        process.execPath,
        [TSX, join(import.meta.dirname, "testdata", "exit-while-running.ts"), how],
        {
          encoding: "utf8",
          timeout: 30_000,
        },
      );
      const group = Number(child.stdout.trim().split("\n")[0]);
      expect(group, child.stderr).toBeGreaterThan(0);
      expect(await gone(group)).toBe(true);
    });
  }
});

describe("which", () => {
  let root: string;
  const dir = (name: string): string => join(root, name);
  /** tool writes a file called tool into a new folder, executable or not. */
  const tool = (folder: string, mode: number): string => {
    mkdirSync(dir(folder));
    writeFileSync(join(dir(folder), "tool"), "#!/bin/sh\n");
    chmodSync(join(dir(folder), "tool"), mode);
    return join(dir(folder), "tool");
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "kit-which-"));
    tool("plain", 0o644);
    mkdirSync(join(dir("folder"), "tool"), { recursive: true });
    tool("first", 0o755);
    tool("second", 0o755);
    vi.stubEnv("PATH", "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(root, { recursive: true, force: true });
  });

  it("passes over a file without execute permission and a directory of that name", async () => {
    expect(await which("tool", [dir("plain"), dir("folder"), dir("second")])).toBe(
      join(dir("second"), "tool"),
    );
  });

  it("searches extraDirs in their order, before PATH", async () => {
    vi.stubEnv("PATH", [dir("second"), dir("first")].join(delimiter));
    expect(await which("tool")).toBe(join(dir("second"), "tool"));
    expect(await which("tool", [dir("first")])).toBe(join(dir("first"), "tool"));
    expect(await which("tool", [dir("plain"), dir("first"), dir("second")])).toBe(join(dir("first"), "tool"));
  });

  it("skips empty PATH entries rather than searching the working directory", async () => {
    vi.stubEnv("PATH", `${delimiter}${dir("second")}`);
    const cwd = process.cwd();
    process.chdir(dir("first"));
    try {
      expect(await which("tool")).toBe(join(dir("second"), "tool"));
    } finally {
      process.chdir(cwd);
    }
  });

  it("follows a symbolic link to an executable file", async () => {
    mkdirSync(dir("links"));
    symlinkSync(join(dir("first"), "tool"), join(dir("links"), "tool"));
    expect(await which("tool", [dir("links")])).toBe(join(dir("links"), "tool"));
  });

  it("returns an absolute path for a relative folder", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await which("tool", ["first"])).toBe(join(dir("first"), "tool"));
    } finally {
      process.chdir(cwd);
    }
  });

  it("returns undefined when no folder holds an executable of that name", async () => {
    expect(await which("tool", [dir("plain"), dir("folder"), dir("missing")])).toBeUndefined();
    expect(await which("absent", [dir("first")])).toBeUndefined();
  });
});
