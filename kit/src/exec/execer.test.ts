import { describe, expect, it } from "vitest";
import { CancelledError, ExternalToolError } from "../errors.ts";
import { FakeExecer, realExecer } from "./execer.ts";

describe("FakeExecer", () => {
  it("answers from the newest matching rule and records every call", async () => {
    const fake = new FakeExecer()
      .on("docker ps", { stdout: "a\n" })
      .on(/^docker ps --all/, { stdout: "a\nb\n" });
    expect((await fake.run("docker", ["ps"])).stdout).toBe("a\n");
    expect((await fake.run("docker", ["ps", "--all"])).stdout).toBe("a\nb\n");
    expect(fake.commands()).toEqual(["docker ps", "docker ps --all"]);
  });

  it("matches a prefix on whole words only, and fails loudly on a call no rule answers", async () => {
    const fake = new FakeExecer().on("helm list");
    await expect(fake.run("helm", ["listen"])).rejects.toThrow("FakeExecer: no rule answers `helm listen`");
  });

  it("fails a non-zero exit as run does, unless allowFailure, and sends output lines", async () => {
    const fake = new FakeExecer().on("kind get clusters", { exitCode: 3, stderr: "boom\n", stdout: "x\n" });
    const lines: string[] = [];
    const error = await fake
      .run("kind", ["get", "clusters"], { onLine: (line, stream) => lines.push(`${stream}:${line}`) })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ExternalToolError);
    expect(error).toMatchObject({ exitCode: 3, command: "kind get clusters", outputTail: ["boom", "x"] });
    expect(lines).toEqual(["stdout:x", "stderr:boom"]);
    expect((await fake.run("kind", ["get", "clusters"], { allowFailure: true })).exitCode).toBe(3);
  });

  it("refuses to run under a cancelled signal", async () => {
    const cancel = new AbortController();
    cancel.abort();
    await expect(
      new FakeExecer().on("true").run("true", [], { signal: cancel.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("realExecer", () => {
  it("runs a real process", async () => {
    expect((await realExecer.run("sh", ["-c", "echo real"])).stdout).toBe("real\n");
  });
});
