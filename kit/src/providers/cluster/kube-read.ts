/**
 * kube-read makes the few Kubernetes API reads `kit up` does on every run (the nodes, CoreDNS)
 * with plain HTTPS: @kubernetes/client-node takes 1–1.6 s to load on a 2-core machine, longer than
 * the calls themselves, and a no-op `kit up` paid it each time. It understands what kind (and most
 * kubeconfigs) hold: the server, its CA (data or file), a client certificate and key (data or
 * file) or a bearer token. For anything else (exec plugins, auth providers) readerFor returns
 * undefined and callers use the full client.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { parse } from "yaml";
import type { ClusterRef } from "./types.ts";

/** KubeConnection is how to reach one context's API server. */
export interface KubeConnection {
  server: string;
  ca?: Buffer;
  insecure: boolean;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
}

type Loose = Record<string, unknown>;

const field = (o: unknown, key: string): unknown =>
  o && typeof o === "object" ? (o as Loose)[key] : undefined;
const text = (o: unknown, key: string): string | undefined => {
  const v = field(o, key);
  return typeof v === "string" && v !== "" ? v : undefined;
};

function entry(list: unknown, name: string, key: string): unknown {
  if (!Array.isArray(list)) return undefined;
  const found = (list as { name?: unknown }[]).find((e) => e?.name === name);
  return found ? field(found, key) : undefined;
}

/** dataOrFile reads `<key>-data` (base64) or the file `<key>` names. */
function dataOrFile(o: unknown, key: string): Buffer | undefined {
  const data = text(o, `${key}-data`);
  if (data) return Buffer.from(data, "base64");
  const file = text(o, key);
  return file ? readFileSync(file) : undefined;
}

/**
 * connectionFor reads a kubeconfig's text for one context: the connection, or undefined when the
 * context's user authenticates some other way (the full client handles those).
 */
export function connectionFor(kubeconfig: string, context: string): KubeConnection | undefined {
  const doc = parse(kubeconfig) as unknown;
  const ctx = entry(field(doc, "contexts"), context, "context");
  const clusterName = text(ctx, "cluster");
  const userName = text(ctx, "user");
  if (!clusterName) return undefined;
  const cluster = entry(field(doc, "clusters"), clusterName, "cluster");
  const user = userName ? entry(field(doc, "users"), userName, "user") : undefined;
  const server = text(cluster, "server");
  if (!server?.startsWith("https://")) return undefined;
  if (field(user, "exec") || field(user, "auth-provider") || text(user, "username")) return undefined;
  const tokenFile = text(user, "tokenFile");
  const token = text(user, "token") ?? (tokenFile ? readFileSync(tokenFile, "utf8").trim() : undefined);
  const cert = dataOrFile(user, "client-certificate");
  const key = dataOrFile(user, "client-key");
  if (!token && !(cert && key)) return undefined;
  return {
    server: server.replace(/\/+$/, ""),
    ca: dataOrFile(cluster, "certificate-authority"),
    insecure: field(cluster, "insecure-skip-tls-verify") === true,
    ...(cert && key ? { cert, key } : {}),
    ...(token ? { token } : {}),
  };
}

/** KubeApiError is a non-2xx answer; code is the HTTP status, as the full client's errors have. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** KubeReader GETs API paths as JSON. */
export interface KubeReader {
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
}

/** readerFor returns a reader for ref's context, or undefined when only the full client can. */
export function readerFor(ref: ClusterRef): KubeReader | undefined {
  let connection: KubeConnection | undefined;
  try {
    connection = connectionFor(readFileSync(ref.kubeconfigPath, "utf8"), ref.context);
  } catch {
    return undefined;
  }
  if (!connection) return undefined;
  const c = connection;
  return {
    get: <T>(path: string, signal?: AbortSignal) =>
      new Promise<T>((resolve, reject) => {
        const req = request(
          `${c.server}${path}`,
          {
            method: "GET",
            ca: c.ca,
            cert: c.cert,
            key: c.key,
            rejectUnauthorized: !c.insecure,
            headers: {
              accept: "application/json",
              ...(c.token ? { authorization: `Bearer ${c.token}` } : {}),
            },
            timeout: 10_000,
            signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("error", reject);
            res.on("end", () => {
              const body = Buffer.concat(chunks).toString("utf8");
              const status = res.statusCode ?? 0;
              if (status < 200 || status >= 300) {
                const message = (() => {
                  try {
                    return String((JSON.parse(body) as { message?: string }).message ?? body);
                  } catch {
                    return body;
                  }
                })();
                reject(new KubeApiError(status, `GET ${path}: HTTP ${status}: ${message.slice(0, 300)}`));
                return;
              }
              try {
                resolve(JSON.parse(body) as T);
              } catch (err) {
                reject(err);
              }
            });
          },
        );
        req.on("timeout", () => req.destroy(new Error(`GET ${path}: no answer from ${c.server} in 10 s`)));
        req.on("error", reject);
        req.end();
      }),
  };
}
