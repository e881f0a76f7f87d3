import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "./main.ts";

const fixtures = join(import.meta.dirname, "..", "config", "testdata");

describe("kit CLI", () => {
  afterEach(() => vi.restoreAllMocks());

  const capture = () => {
    let stderr = "";
    let stdout = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    return { err: () => stderr, out: () => stdout };
  };

  it("rejects a bad config with exit code 2, every problem, and no stack trace", async () => {
    const io = capture();
    const code = await main(["--config", join(fixtures, "invalid-three-problems.yaml"), "up"]);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/registry\.hostPort: expected number/);
    expect(io.err()).toMatch(/apps\.web\.chart: is required/);
    expect(io.err()).toMatch(/apps\.web\.replicas: unknown field/);
    expect(io.err()).toMatch(/hint: /);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown flag with exit code 2", async () => {
    const io = capture();
    expect(await main(["up", "--bogus"])).toBe(2);
    expect(io.err()).toMatch(/unknown option '--bogus'/);
  });

  it("rejects an unknown app in --only with exit code 2, naming the known apps, before touching anything", async () => {
    const io = capture();
    expect(await main(["up", "--only", "go-app,shop-app"])).toBe(2);
    expect(io.err()).toMatch(/--only names unknown app "shop-app"/);
    expect(io.err()).toMatch(/The apps in kit.config.yaml are: go-app, node-app/);
  });

  it("rejects an unknown environment and AWS environments for up", async () => {
    const io = capture();
    expect(await main(["up", "--env", "staging"])).toBe(2);
    expect(io.err()).toMatch(/--env staging is not an environment/);
    expect(await main(["up", "--env", "prod"])).toBe(2);
    expect(io.err()).toMatch(/local environments only/);
  });

  it("rejects a bad environment name or port offset with exit code 2, naming the flag or variable", async () => {
    const io = capture();
    expect(await main(["--env-name", "Kit_B", "status"])).toBe(2);
    expect(io.err()).toMatch(/--env-name "Kit_B" is not a valid environment name/);
    expect(await main(["--port-offset", "-1", "status"])).toBe(2);
    expect(io.err()).toMatch(/--port-offset "-1" is not a port offset/);
  });

  it("rejects bad rollout input with exit code 2, naming the flag", async () => {
    const io = capture();
    expect(await main(["rollout", "--runs", "1.5"])).toBe(2);
    expect(io.err()).toMatch(/--runs 1\.5 is not a whole number from 1 to 20/);
    expect(await main(["rollout", "ghost-app"])).toBe(2);
    expect(io.err()).toMatch(/unknown app "ghost-app"/);
    expect(await main(["rollout", "go-app", "--env", "dev", "--target", "not a url"])).toBe(2);
    expect(io.err()).toMatch(/--target not a url is not an http\(s\) URL/);
    expect(await main(["rollout", "--env", "staging"])).toBe(2);
    expect(io.err()).toMatch(/--env staging is not an environment/);
  });

  it("rejects promote to an unknown or local environment, and without --approve where no one can approve", async () => {
    const io = capture();
    expect(await main(["promote", "staging"])).toBe(2);
    expect(io.err()).toMatch(
      /staging is not an environment of .*AWS environments in kit.config.yaml: dev, prod/s,
    );
    expect(await main(["promote", "local"])).toBe(2);
    expect(io.err()).toMatch(/ships to AWS environments; local is type local/);
    expect(await main(["promote", "dev"])).toBe(2);
    expect(io.err()).toMatch(/no one is at a terminal to approve the plan/);
    expect(io.err()).toMatch(/Pass --approve/);
  });

  it("reads boolean variables as yes or no: KIT_JSON=false is no", async () => {
    const { isYes } = await import("./main.ts");
    expect(["1", "true", "TRUE", "yes"].map(isYes)).toEqual([true, true, true, true]);
    expect(["0", "false", "", "no", undefined].map(isYes)).toEqual([false, false, false, false, false]);
  });

  it("prints kit's own version, whatever npm says", async () => {
    const io = capture();
    process.env.npm_package_version = "9.9.9";
    try {
      expect(await main(["--version"])).toBe(0);
    } finally {
      delete process.env.npm_package_version;
    }
    expect(io.out().trim()).toBe("0.1.0");
  });

  it("checks the config kit doctor is given, and refuses fractional --concurrency", async () => {
    const io = capture();
    expect(await main(["--config", join(fixtures, "invalid-three-problems.yaml"), "doctor"])).toBe(2);
    expect(io.err()).toMatch(/invalid-three-problems.yaml is not a valid kit config/);
    expect(await main(["up", "--concurrency", "2.5"])).toBe(2);
    expect(io.err()).toMatch(/--concurrency 2.5 is not a whole number of 1 or more/);
  });

  it("documents every command in --help", async () => {
    const io = capture();
    expect(await main(["--help"])).toBe(0);
    for (const command of ["doctor", "up", "down", "status", "rollout", "promote"])
      expect(io.out()).toMatch(new RegExp(`\\n  ${command}\\b`));
  });
});
