import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { forgetEnvironmentState, openLocalEnvironment, prepareEnvironment } from "./state.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sandbox(): { cache: string; checkout: (name: string) => string; env: NodeJS.ProcessEnv } {
  const base = mkdtempSync(join(tmpdir(), "kit-env-state-"));
  dirs.push(base);
  const cache = join(base, "cache");
  return {
    cache,
    env: { KIT_CACHE_DIR: cache },
    checkout: (name) => {
      const dir = join(base, name);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
}

const write = (path: string, text: string): void => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
};

describe("local environment state", () => {
  it("lives in <cache>/envs/<name>, whichever checkout names it", () => {
    const { cache, env } = sandbox();
    const a = openLocalEnvironment("shop", { command: "kit up", checkout: "/a" }, { env });
    const b = openLocalEnvironment("shop", { command: "kit up", checkout: "/b" }, { env });
    expect(a.dir).toBe(join(cache, "envs", "shop"));
    expect(b.terraformDir).toBe(a.terraformDir);
    expect(a.lock.path).toBe(join(cache, "envs", "shop", "lock"));
    expect(openLocalEnvironment("shop-b", { command: "kit up", checkout: "/a" }, { env }).dir).not.toBe(
      a.dir,
    );
  });

  it("records each checkout and tells the next one who else uses the environment", async () => {
    const { env, checkout } = sandbox();
    const [a, b] = [checkout("a"), checkout("b")];
    const shop = openLocalEnvironment("shop", { command: "kit up", checkout: a }, { env });
    const first = await prepareEnvironment(shop, { root: a, project: "shop", env, now: new Date(1000) });
    expect(first.sharedWith).toEqual([]);
    const second = await prepareEnvironment(shop, { root: b, project: "shop", env, now: new Date(2000) });
    expect(second.sharedWith).toEqual([{ checkout: a, lastUp: new Date(1000).toISOString() }]);
    const record = JSON.parse(readFileSync(shop.recordFile, "utf8")) as { checkouts: Record<string, string> };
    expect(Object.keys(record.checkouts).sort()).toEqual([a, b]);
    const other = await prepareEnvironment(shop, { root: b, project: "blog", env });
    expect(other.otherProject).toBe("shop");
  });

  it("moves a checkout's old .kit state into the environment named after the project, once", async () => {
    const { env, checkout, cache } = sandbox();
    const a = checkout("a");
    write(join(a, ".kit", "terraform", "local.tfstate"), "state-a");
    write(join(a, ".kit", "terraform", "local.applied.json"), "{}");
    write(join(a, ".kit", "terraform", "local.terraform.d", "providers", "x"), "cache");
    write(join(a, ".kit", "releases.json"), '{"web":{}}');
    write(join(a, ".kit", "endpoints.json"), "{}");
    write(join(cache, "kind", "shop", "kubeconfig"), "kubeconfig");
    const shop = openLocalEnvironment("shop", { command: "kit up", checkout: a }, { env });
    const prepared = await prepareEnvironment(shop, { root: a, project: "shop", env });
    expect(prepared.migrated).toHaveLength(4);
    expect(readFileSync(join(shop.terraformDir, "local.tfstate"), "utf8")).toBe("state-a");
    expect(readFileSync(shop.releasesFile, "utf8")).toBe('{"web":{}}');
    expect(readFileSync(join(shop.dir, "kubeconfig"), "utf8")).toBe("kubeconfig");
    expect(existsSync(join(a, ".kit", "terraform"))).toBe(true);
    expect(existsSync(join(a, ".kit", "terraform", "local.tfstate"))).toBe(false);
    expect(existsSync(join(a, ".kit", "terraform", "local.terraform.d"))).toBe(false);
    // The checkout's own files stay.
    expect(existsSync(join(a, ".kit", "endpoints.json"))).toBe(true);
    expect((await prepareEnvironment(shop, { root: a, project: "shop", env })).migrated).toEqual([]);

    // A second old checkout: the environment's state wins; the checkout's is moved aside, not lost.
    const b = checkout("b");
    write(join(b, ".kit", "terraform", "local.tfstate"), "state-b");
    const again = await prepareEnvironment(shop, { root: b, project: "shop", env });
    expect(again.migrated).toEqual([expect.stringContaining("superseded")]);
    expect(readFileSync(join(shop.terraformDir, "local.tfstate"), "utf8")).toBe("state-a");
    expect(readFileSync(join(b, ".kit", "superseded", "terraform", "local.tfstate"), "utf8")).toBe("state-b");
  });

  it("leaves a checkout's old state alone for an environment with another name", async () => {
    const { env, checkout } = sandbox();
    const a = checkout("a");
    write(join(a, ".kit", "terraform", "local.tfstate"), "state-a");
    const review = openLocalEnvironment("shop-review", { command: "kit up", checkout: a }, { env });
    expect((await prepareEnvironment(review, { root: a, project: "shop", env })).migrated).toEqual([]);
    expect(existsSync(join(a, ".kit", "terraform", "local.tfstate"))).toBe(true);
  });

  it("forgets everything but the lock, and releasing the lock removes the folder", async () => {
    const { env, checkout } = sandbox();
    const a = checkout("a");
    const shop = openLocalEnvironment("shop", { command: "kit down", checkout: a }, { env });
    await shop.lock.acquire();
    await prepareEnvironment(shop, { root: a, project: "shop", env });
    write(join(shop.terraformDir, "local.tfstate"), "state");
    await forgetEnvironmentState(shop);
    expect(existsSync(shop.terraformDir)).toBe(false);
    expect(existsSync(shop.lock.path)).toBe(true);
    shop.lock.release();
    expect(existsSync(shop.dir)).toBe(false);
  });
});
