import { existsSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { cacheDir } from "../paths.ts";

/**
 * hostCaContext returns a directory holding the host's CA bundle as ca-certificates.crt, passed to
 * image builds as the named build context `hostca`: downloads inside a build (apt, PyPI, the Go
 * module proxy) then trust what the host trusts, such as a company proxy's CA Debian's bundle lacks.
 * Dockerfiles treat the context as optional, so upstream builds do not depend on it.
 */
export async function hostCaContext(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = [
    env.SSL_CERT_FILE,
    env.PIP_CERT,
    env.REQUESTS_CA_BUNDLE,
    "/etc/ssl/certs/ca-certificates.crt",
  ];
  const bundle = candidates.find((file): file is string => Boolean(file && existsSync(file)));
  if (!bundle) {
    throw new UserError("No CA bundle found on this machine for the image builds' downloads.", {
      hint: "Install Debian's ca-certificates package, or set SSL_CERT_FILE to your CA bundle.",
    });
  }
  const dir = join(cacheDir(env), "images", "hostca");
  await mkdir(dir, { recursive: true });
  await copyFile(bundle, join(dir, "ca-certificates.crt"));
  return dir;
}
