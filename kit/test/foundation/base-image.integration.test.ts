import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/exec/index.ts";
import {
  type BaseImageSpec,
  baseImageRef,
  DEFAULT_BASE_SPEC,
  ensureBaseImage,
} from "../../src/images/base.ts";
import { docker, imageExists, requireDocker } from "../../src/tools/docker.ts";

describe("Debian base image (debootstrap + docker import)", () => {
  const cache = mkdtempSync(join(tmpdir(), "kit-base-cache-"));
  // A spec of its own, so this test builds from nothing without disturbing the shared base image.
  const spec: BaseImageSpec = { ...DEFAULT_BASE_SPEC, include: ["ca-certificates", "procps"] };
  const env = { ...process.env, KIT_CACHE_DIR: cache };

  afterAll(async () => {
    await run("docker", ["image", "rm", "-f", baseImageRef(spec)], { allowFailure: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it("needs a running Docker engine (npm test starts one through kit doctor --fix)", async () => {
    expect(Number.parseInt(await requireDocker(), 10)).toBeGreaterThanOrEqual(23);
  });

  it("builds the base from nothing, caches the rootfs by its inputs, and runs a container from it", async () => {
    const ref = baseImageRef(spec);
    expect(await imageExists(ref)).toBe(false);
    const built = await ensureBaseImage(spec, { env });
    expect(built).toEqual({ ref, action: "built" });
    const tarballs = readdirSync(join(cache, "images")).filter((f) => f.endsWith(".tar.gz"));
    expect(tarballs).toHaveLength(1);
    expect(readdirSync(join(cache, "images")).filter((f) => f.startsWith(".tmp-"))).toEqual([]);

    const out = await docker([
      "run",
      "--rm",
      ref,
      "sh",
      "-c",
      ". /etc/os-release && echo $VERSION_CODENAME && ps --version",
    ]);
    expect(out).toMatch(/^bookworm\n/);
    expect(out).toMatch(/procps-ng/);

    // Present image: nothing to do.
    expect(await ensureBaseImage(spec, { env })).toEqual({ ref, action: "present" });
    // Image gone but cache warm: re-imported without debootstrap.
    await docker(["image", "rm", ref]);
    expect(await ensureBaseImage(spec, { env })).toEqual({ ref, action: "imported" });
  });

  it("keys the image by its inputs", () => {
    expect(baseImageRef(spec)).not.toBe(baseImageRef(DEFAULT_BASE_SPEC));
    expect(baseImageRef({ ...spec })).toBe(baseImageRef(spec));
  });

  it("the shared base image kit builds on exists or can be made", async () => {
    const { ref } = await ensureBaseImage();
    expect(await imageExists(ref)).toBe(true);
    expect(existsSync(cache)).toBe(true);
  });
});
