/**
 * endpoints says what counts as the emulator and as real AWS: endpoint URLs, and access key ids
 * of real accounts.
 */

/** REAL_KEY matches an AWS access key id of a real account (long-term AKIA, temporary ASIA). */
export const REAL_KEY = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;

/** isLocalEndpoint says whether an endpoint URL is not AWS (loopback, a container name, a private host). */
export function isLocalEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const aws = ["amazonaws.com", "amazonaws.com.cn", "aws", "amazon.com", "api.aws"];
  if (aws.some((domain) => host === domain || host.endsWith(`.${domain}`))) return false;
  return url.protocol === "http:" || url.protocol === "https:";
}

/** pointsAt says whether an endpoint value is one of the emulator's endpoints. */
export function pointsAt(value: string | undefined, endpoints: readonly string[]): boolean {
  if (!value) return false;
  try {
    const origin = new URL(value).origin;
    return endpoints.some((e) => new URL(e).origin === origin);
  } catch {
    return false;
  }
}

/** GuardOptions say what counts as the emulator and what kit itself replaces. */
export interface GuardOptions {
  /** The emulator's endpoints (as the host and as the sandbox see it). */
  endpoints: readonly string[];
  /** kit replaces the root module's backend with a local one (its own override), so it is not checked. */
  replacesBackend?: boolean;
}
