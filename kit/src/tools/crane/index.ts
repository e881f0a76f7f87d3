/**
 * crane is kit's thin typed wrapper over go-containerregistry's `crane` (built from the Go module
 * proxy, pinned in kit/versions.json): copy an image from one registry to another by digest,
 * without pulling it into Docker or rebuilding it, and read an image's digest from its registry.
 *
 * Registries: crane talks plain HTTP to `localhost:<port>`, `127.0.0.1:<port>`, `*.localhost` and
 * RFC 1918 addresses on its own; every other registry gets HTTPS. Its `--insecure` flag is global to
 * a command (it allows HTTP and skips TLS verification for the source and the target alike), so kit
 * passes it only when the caller asks for it.
 *
 * Credentials (an ECR token, say) go into a DOCKER_CONFIG folder made for the one command and
 * removed after it; the user's ~/.docker is neither read nor written while one is given.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KitError, UserError } from "../../errors.ts";
import { run } from "../../exec/index.ts";
import { ensureGoTool } from "../catalog.ts";

/** RegistryAuth is a username and password for one registry host (for ECR: "AWS" and the token's password). */
export interface RegistryAuth {
  /** Registry host as written in image references, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com. */
  registry: string;
  username: string;
  password: string;
}

/** CraneOptions apply to any crane call. */
export interface CraneOptions {
  /** Credentials for the registries that need them; other registries are accessed anonymously. */
  auth?: RegistryAuth | RegistryAuth[];
  /** crane's --insecure: HTTP and unverified TLS for every registry of the command. */
  insecure?: boolean;
  /** The crane binary; default kit's own build (ensureGoTool("crane")). */
  craneBinary?: string;
  signal?: AbortSignal;
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** CopyByDigestRequest says what to copy where. */
export interface CopyByDigestRequest extends CraneOptions {
  /** Source image, by digest (`localhost:5001/go-app@sha256:…`) or by tag (resolved to its digest first). */
  from: string;
  /** Target repository without tag or digest, e.g. `localhost:5002/kit/go-app`. */
  to: string;
  /** Tag to point at the copy; without one the image is pushed by digest only. */
  tag?: string;
}

/** CopyByDigestResult is what the target registry holds after the copy. */
export interface CopyByDigestResult {
  digest: string;
  /** `<to>@<digest>`: the reference to deploy. */
  ref: string;
  /** `<to>:<tag>` when a tag was given. */
  taggedRef?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** splitDigestRef returns the repository and digest of `repo@sha256:…`, or undefined for a tag reference. */
export function splitDigestRef(ref: string): { repository: string; digest: string } | undefined {
  const at = ref.lastIndexOf("@");
  if (at < 0) return undefined;
  const digest = ref.slice(at + 1);
  if (!DIGEST.test(digest)) {
    throw new UserError(`${ref} does not end in a sha256 digest`, {
      hint: "Write the image as <registry>/<repository>@sha256:<64 hex digits>, or by tag.",
    });
  }
  return { repository: ref.slice(0, at), digest };
}

/** validateRepository checks a copy target is a bare repository (no tag, no digest). */
export function validateRepository(to: string): void {
  const lastSlash = to.lastIndexOf("/");
  if (to.includes("@") || to.slice(lastSlash + 1).includes(":") || lastSlash < 0) {
    throw new UserError(`copy target ${to} must be <registry>/<repository> without a tag or digest`, {
      hint: "Give the tag separately (tag), e.g. to: localhost:5002/kit/go-app, tag: v1.",
    });
  }
}

/** dockerConfigJson renders a Docker config.json holding basic credentials for each registry. */
export function dockerConfigJson(auths: readonly RegistryAuth[]): string {
  const entries = auths.map((a) => [
    a.registry.replace(/^https?:\/\//, "").replace(/\/+$/, ""),
    { auth: Buffer.from(`${a.username}:${a.password}`).toString("base64") },
  ]);
  return `${JSON.stringify({ auths: Object.fromEntries(entries) }, null, 2)}\n`;
}

/**
 * registryAuthFromEcrToken turns one entry of ECR's GetAuthorizationToken answer
 * (`authorizationData[i]`: a base64 `user:password` token and the registry's https endpoint) into
 * RegistryAuth.
 */
export function registryAuthFromEcrToken(data: {
  authorizationToken?: string;
  proxyEndpoint?: string;
}): RegistryAuth {
  const decoded = Buffer.from(data.authorizationToken ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || !data.proxyEndpoint) {
    throw new KitError("external", "ECR's GetAuthorizationToken answer has no usable token or endpoint", {
      hint: "Check the AWS credentials and region; the answer must carry authorizationToken and proxyEndpoint.",
    });
  }
  return {
    registry: data.proxyEndpoint.replace(/^https?:\/\//, "").replace(/\/+$/, ""),
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
}

/** craneRun runs crane with the options' credentials in a throwaway DOCKER_CONFIG. */
async function craneRun(args: string[], options: CraneOptions, what: string) {
  const crane =
    options.craneBinary ?? (await ensureGoTool("crane", { signal: options.signal, env: options.env }));
  const auths = options.auth === undefined ? [] : Array.isArray(options.auth) ? options.auth : [options.auth];
  const configDir = auths.length > 0 ? await mkdtemp(join(tmpdir(), "kit-crane-")) : undefined;
  try {
    if (configDir) await writeFile(join(configDir, "config.json"), dockerConfigJson(auths), { mode: 0o600 });
    const result = await run(crane, [...(options.insecure ? ["--insecure"] : []), ...args], {
      env: configDir ? { DOCKER_CONFIG: configDir } : undefined,
      signal: options.signal,
      onLine: options.onLine,
      timeoutMs: 30 * 60_000,
      allowFailure: true,
    });
    if (result.exitCode !== 0) {
      const said = (result.stderr.trim().split("\n").at(-1) ?? "").slice(0, 500);
      throw new KitError(
        "external",
        `${what} failed: ${said || `crane exited with code ${result.exitCode}`}`,
        {
          hint: /UNAUTHORIZED|DENIED|401|403/i.test(result.stderr)
            ? "The registry refused the credentials (for ECR, fetch a fresh token: it lasts 12 hours)."
            : /http: server gave HTTP response to HTTPS client|connection refused|no such host/i.test(
                  result.stderr,
                )
              ? "Check the registry address and port; a plain-HTTP registry not on localhost needs insecure: true."
              : `Run \`${result.command}\` to see crane's full output.`,
        },
      );
    }
    return result.stdout;
  } finally {
    if (configDir) await rm(configDir, { recursive: true, force: true });
  }
}

/** digestOf returns the manifest digest (`sha256:…`) the registry holds for ref (tag or digest). */
export async function digestOf(ref: string, options: CraneOptions = {}): Promise<string> {
  const digest = (await craneRun(["digest", ref], options, `reading the digest of ${ref}`)).trim();
  if (!DIGEST.test(digest)) {
    throw new KitError(
      "external",
      `crane digest ${ref} printed ${JSON.stringify(digest)}, not a sha256 digest`,
    );
  }
  return digest;
}

/**
 * copyByDigest copies one image (all its platforms, byte for byte) from `from` to the repository
 * `to`, optionally tagging it, and then checks the target serves the same digest. A source given
 * by tag is resolved to its digest first, so a tag moved during the copy cannot change what lands.
 */
export async function copyByDigest(request: CopyByDigestRequest): Promise<CopyByDigestResult> {
  validateRepository(request.to);
  const source = splitDigestRef(request.from);
  const digest = source?.digest ?? (await digestOf(request.from, request));
  const repository = source?.repository ?? request.from.replace(/:[^/:]+$/, "");
  const target = request.tag ? `${request.to}:${request.tag}` : `${request.to}@${digest}`;
  await craneRun(
    ["copy", `${repository}@${digest}`, target],
    request,
    `copying ${repository}@${digest} to ${target}`,
  );
  const copied = await digestOf(target, request);
  if (copied !== digest) {
    throw new KitError("external", `after the copy ${target} has digest ${copied}, not ${digest}`, {
      hint: "Something else pushed to that tag at the same time, or the registry rewrote the manifest; copy again.",
    });
  }
  return {
    digest,
    ref: `${request.to}@${digest}`,
    ...(request.tag ? { taggedRef: `${request.to}:${request.tag}` } : {}),
  };
}
