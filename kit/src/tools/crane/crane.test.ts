import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  copyByDigest,
  digestOf,
  dockerConfigJson,
  registryAuthFromEcrToken,
  splitDigestRef,
  validateRepository,
} from "./index.ts";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("references", () => {
  it("splits a digest reference and leaves tag references alone", () => {
    expect(splitDigestRef(`localhost:5001/go-app@${A}`)).toEqual({
      repository: "localhost:5001/go-app",
      digest: A,
    });
    expect(splitDigestRef("localhost:5001/go-app:v1")).toBeUndefined();
    expect(() => splitDigestRef("localhost:5001/go-app@sha256:short")).toThrow(
      /does not end in a sha256 digest/,
    );
  });

  it("accepts only a bare repository as the copy target", () => {
    expect(() => validateRepository("localhost:5002/kit/go-app")).not.toThrow();
    expect(() => validateRepository("123456789012.dkr.ecr.eu-west-1.amazonaws.com/kit/go-app")).not.toThrow();
    expect(() => validateRepository("localhost:5002/kit/go-app:v1")).toThrow(/without a tag or digest/);
    expect(() => validateRepository(`localhost:5002/kit/go-app@${A}`)).toThrow(/without a tag or digest/);
    expect(() => validateRepository("go-app")).toThrow(/<registry>\/<repository>/);
  });
});

describe("credentials", () => {
  it("writes basic credentials per registry host into a Docker config", () => {
    const json = JSON.parse(
      dockerConfigJson([
        { registry: "https://1234.dkr.ecr.eu-west-1.amazonaws.com/", username: "AWS", password: "p:w" },
      ]),
    );
    expect(json).toEqual({
      auths: { "1234.dkr.ecr.eu-west-1.amazonaws.com": { auth: Buffer.from("AWS:p:w").toString("base64") } },
    });
  });

  it("reads ECR's GetAuthorizationToken answer (the password may hold colons)", () => {
    const token = Buffer.from("AWS:secret:with:colons").toString("base64");
    expect(
      registryAuthFromEcrToken({
        authorizationToken: token,
        proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      }),
    ).toEqual({
      registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      username: "AWS",
      password: "secret:with:colons",
    });
    expect(() =>
      registryAuthFromEcrToken({ authorizationToken: "bm9jb2xvbg==", proxyEndpoint: "x" }),
    ).toThrow(/no usable token/);
  });
});

/**
 * A stand-in crane: records its arguments and the Docker config it was given, answers `digest`
 * from a table, and succeeds at `copy`.
 */
describe("copyByDigest with a fake crane", () => {
  let dir: string;
  let crane: string;
  let log: string;

  async function fakeCrane(digests: Record<string, string>): Promise<void> {
    const cases = Object.entries(digests)
      .map(([ref, digest]) => `    '${ref}') echo ${digest} ;;`)
      .join("\n");
    await writeFile(
      crane,
      `#!/bin/sh
echo "args $*" >> '${log}'
if [ -n "$DOCKER_CONFIG" ]; then echo "config $DOCKER_CONFIG $(tr -d ' \\n' < "$DOCKER_CONFIG/config.json")" >> '${log}'; fi
[ "$1" = "--insecure" ] && shift
case "$1" in
  copy) exit 0 ;;
  digest)
    case "$2" in
${cases}
    *@sha256:*) echo "\${2#*@}" ;;
    *) echo "MANIFEST_UNKNOWN: $2" >&2; exit 1 ;;
    esac ;;
esac
`,
    );
    await chmod(crane, 0o755);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "kit-crane-test-"));
    crane = join(dir, "crane");
    log = join(dir, "log");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const lines = async (): Promise<string[]> => (await readFile(log, "utf8")).trim().split("\n");

  it("resolves a tag to its digest first, copies that digest, and checks the target's tag", async () => {
    await fakeCrane({ "localhost:5001/go-app:v1": A, "localhost:5002/kit/go-app:v1": A });
    const result = await copyByDigest({
      from: "localhost:5001/go-app:v1",
      to: "localhost:5002/kit/go-app",
      tag: "v1",
      craneBinary: crane,
    });
    expect(result).toEqual({
      digest: A,
      ref: `localhost:5002/kit/go-app@${A}`,
      taggedRef: "localhost:5002/kit/go-app:v1",
    });
    expect(await lines()).toEqual([
      "args digest localhost:5001/go-app:v1",
      `args copy localhost:5001/go-app@${A} localhost:5002/kit/go-app:v1`,
      "args digest localhost:5002/kit/go-app:v1",
    ]);
  });

  it("pushes by digest alone when no tag is given", async () => {
    await fakeCrane({});
    const result = await copyByDigest({
      from: `localhost:5001/go-app@${A}`,
      to: "localhost:5002/kit/go-app",
      craneBinary: crane,
    });
    expect(result.ref).toBe(`localhost:5002/kit/go-app@${A}`);
    expect(await lines()).toEqual([
      `args copy localhost:5001/go-app@${A} localhost:5002/kit/go-app@${A}`,
      `args digest localhost:5002/kit/go-app@${A}`,
    ]);
  });

  it("fails when the target answers another digest after the copy", async () => {
    await fakeCrane({ "localhost:5002/kit/go-app:v1": B });
    await expect(
      copyByDigest({
        from: `localhost:5001/go-app@${A}`,
        to: "localhost:5002/kit/go-app",
        tag: "v1",
        craneBinary: crane,
      }),
    ).rejects.toThrow(`has digest ${B}, not ${A}`);
  });

  it("hands credentials over in a DOCKER_CONFIG of its own and removes it afterwards", async () => {
    await fakeCrane({});
    await digestOf(`localhost:5002/kit/go-app@${A}`, {
      craneBinary: crane,
      auth: { registry: "localhost:5002", username: "AWS", password: "pw" },
      insecure: true,
    });
    const [args, config] = await lines();
    expect(args).toBe(`args --insecure digest localhost:5002/kit/go-app@${A}`);
    const [, path, json] = (config ?? "").split(" ");
    expect(JSON.parse(json ?? "{}")).toEqual({
      auths: { "localhost:5002": { auth: Buffer.from("AWS:pw").toString("base64") } },
    });
    expect(existsSync(path ?? "")).toBe(false);
  });

  it("says what failed, with crane's own message", async () => {
    await fakeCrane({});
    await expect(digestOf("localhost:5002/kit/missing:v1", { craneBinary: crane })).rejects.toThrow(
      /reading the digest of localhost:5002\/kit\/missing:v1 failed: MANIFEST_UNKNOWN/,
    );
  });
});
