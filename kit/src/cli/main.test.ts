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

  it("documents every command in --help", async () => {
    const io = capture();
    expect(await main(["--help"])).toBe(0);
    for (const command of ["doctor", "up", "down", "status"])
      expect(io.out()).toMatch(new RegExp(`\\n  ${command}\\b`));
  });
});
