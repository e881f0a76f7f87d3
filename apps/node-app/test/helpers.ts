import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { MongoClient } from "mongodb";
import { type BuiltApp, buildApp } from "../src/app.ts";
import { type Config, loadConfig } from "../src/config.ts";

/** mongoUrl is the test database server (checked by global-setup.ts). */
export const mongoUrl = (): string => process.env.MONGODB_URL as string;

/** uniqueDatabase names a database of its own for one test file. */
export const uniqueDatabase = (): string => `node_app_test_${randomBytes(4).toString("hex")}`;

/** testConfig is a config with test-friendly settings. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ POD_NAME: "test-pod", MONGODB_URL: mongoUrl(), LOG_LEVEL: "warn", ...env });
}

/** RunningApp is an in-process node-app listening on a loopback port. */
export interface RunningApp extends BuiltApp {
  base: string;
  mongo: MongoClient;
  stop: () => Promise<void>;
}

/** startApp builds node-app on a real MongoClient and listens on 127.0.0.1 with an ephemeral port. */
export async function startApp(env: Record<string, string> = {}, mongo?: MongoClient): Promise<RunningApp> {
  const config = testConfig(env);
  const client = mongo ?? new MongoClient(config.mongodbUrl, { serverSelectionTimeoutMS: 5000 });
  const built = await buildApp(config, client, false);
  await built.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = built.app.server.address() as AddressInfo;
  return {
    ...built,
    mongo: client,
    base: `http://127.0.0.1:${port}`,
    stop: async () => {
      built.app.server.closeAllConnections();
      await built.app.close();
      await client.close();
    },
  };
}

/** waitFor polls check until it returns true or timeoutMs passes, then throws with what it waited for. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Response is a buffered HTTP response. */
export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => unknown;
}

/** request sends one HTTP request (through agent when given) and buffers the response. */
export function request(
  url: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; agent?: http.Agent } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method: options.method ?? "GET",
        agent: options.agent,
        headers: { ...(payload ? { "content-type": "application/json" } : {}), ...options.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }),
        );
        res.on("error", reject);
        res.on("aborted", () => reject(new Error(`response to ${url} aborted`)));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
