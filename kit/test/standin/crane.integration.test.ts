/**
 * crane against real registries: two throwaway registry containers (kit's registry image), one
 * open and one that demands a password (htpasswd, standing in for ECR's basic auth). An image pushed
 * to the open one is copied by digest to the guarded one with credentials; without them the copy is
 * refused with a hint, and the user's ~/.docker is never touched. Names and ports are this file's
 * own (standin-crane-*, 5036, 5037).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnvOverrides } from "../../src/config/env-overrides.ts";
import { run } from "../../src/exec/index.ts";
import { ensureBaseImage } from "../../src/images/base.ts";
import { resolveImageSource } from "../../src/images/source.ts";
import { ensureRegistryImage, pushImage, type Registry } from "../../src/providers/registry/index.ts";
import { copyByDigest, digestOf } from "../../src/tools/crane/index.ts";
import { docker, KIT_LABEL, requireDocker } from "../../src/tools/docker.ts";

const OPEN = { name: "standin-crane-open", port: 5036 };
const GUARDED = { name: "standin-crane-guarded", port: 5037 };
const USER = "AWS";
const PASSWORD = "kit-test-password";
// bcrypt of PASSWORD (the only hash distribution's htpasswd accepts); a fixture, so no tool makes it.
const HTPASSWD = `${USER}:$2b$10$uUm6jXVNEx6vORAO9JoU3.xwVY2jrxfvnz0gvO8r9HXyuTGCGUmuS\n`;
const log = (line: string): void => {
  if (process.env.KIT_TEST_VERBOSE) console.log(line);
};

let authDir: string;
let pushed: { ref: string; digest: string };
const dockerConfig = join(homedir(), ".docker", "config.json");
const fingerprint = (): string =>
  existsSync(dockerConfig) ? createHash("sha256").update(readFileSync(dockerConfig)).digest("hex") : "absent";
let dockerConfigBefore: string;

async function removeContainers(): Promise<void> {
  for (const r of [OPEN, GUARDED]) await run("docker", ["rm", "-f", "-v", r.name], { allowFailure: true });
}

async function startRegistry(image: string, r: typeof OPEN, guarded: boolean): Promise<void> {
  const args = [
    "run",
    "-d",
    "--name",
    r.name,
    "--label",
    `${KIT_LABEL}=true`,
    "-p",
    `127.0.0.1:${r.port}:5000`,
  ];
  if (guarded) {
    args.push(
      "-v",
      `${authDir}:/auth:ro`,
      "-e",
      "REGISTRY_AUTH=htpasswd",
      "-e",
      "REGISTRY_AUTH_HTPASSWD_REALM=standin",
      "-e",
      "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd",
    );
  }
  await docker([...args, image]);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${r.port}/v2/`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === (guarded ? 401 : 200)) return;
    if (Date.now() > deadline) throw new Error(`registry ${r.name} did not answer (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

beforeAll(async () => {
  await requireDocker();
  dockerConfigBefore = fingerprint();
  await removeContainers();
  authDir = await mkdtemp(join(tmpdir(), "kit-standin-auth-"));
  await writeFile(join(authDir, "htpasswd"), HTPASSWD, { mode: 0o644 });
  const source = await resolveImageSource(readEnvOverrides(process.env).imagesSource ?? "auto");
  const registryImage = (await ensureRegistryImage({ source, onLine: log })).ref;
  await startRegistry(registryImage, OPEN, false);
  await startRegistry(registryImage, GUARDED, true);
  // Any local image will do as the payload; kit's Debian base is always there in build mode.
  const payload =
    source === "build" ? (await ensureBaseImage(undefined, { onLine: log })).ref : registryImage;
  const open: Registry = {
    name: OPEN.name,
    image: registryImage,
    hostPort: OPEN.port,
    network: "bridge",
    hostEndpoint: `localhost:${OPEN.port}`,
    clusterEndpoint: `localhost:${OPEN.port}`,
    networkEndpoint: `http://${OPEN.name}:5000`,
    created: true,
  };
  const result = await pushImage(open, payload, "kit/payload", "v1", { onLine: log });
  if (!result.digest) throw new Error(`docker push of ${result.ref} printed no digest`);
  pushed = { ref: result.ref, digest: result.digest };
}, 30 * 60_000);

afterAll(async () => {
  await removeContainers();
  if (authDir) await rm(authDir, { recursive: true, force: true });
});

describe("crane between real registries", () => {
  const target = `localhost:${GUARDED.port}/kit/payload`;
  const auth = { registry: `localhost:${GUARDED.port}`, username: USER, password: PASSWORD };

  it("reads the digest docker push reported, over plain HTTP on localhost without --insecure", async () => {
    expect(await digestOf(pushed.ref)).toBe(pushed.digest);
  });

  it("refuses the guarded registry without credentials, saying so", async () => {
    await expect(copyByDigest({ from: pushed.ref, to: target, tag: "v1" })).rejects.toThrow(
      /copying .* failed/,
    );
    await expect(
      copyByDigest({ from: pushed.ref, to: target, tag: "v1", auth: { ...auth, password: "wrong" } }),
    ).rejects.toMatchObject({ hint: expect.stringMatching(/refused the credentials/) });
  });

  it("copies by digest with credentials: same digest under the tag and by digest", async () => {
    const copied = await copyByDigest({
      from: `localhost:${OPEN.port}/kit/payload@${pushed.digest}`,
      to: target,
      tag: "v1",
      auth,
    });
    expect(copied).toEqual({
      digest: pushed.digest,
      ref: `${target}@${pushed.digest}`,
      taggedRef: `${target}:v1`,
    });
    expect(await digestOf(`${target}:v1`, { auth })).toBe(pushed.digest);
    expect(await digestOf(`${target}@${pushed.digest}`, { auth })).toBe(pushed.digest);
  });

  it("copies again without harm (same digest, nothing to move)", async () => {
    const again = await copyByDigest({ from: pushed.ref, to: target, tag: "v1", auth });
    expect(again.digest).toBe(pushed.digest);
  });

  it("never wrote the user's Docker config", () => {
    expect(fingerprint()).toBe(dockerConfigBefore);
  });
});
