import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { runRollout } from "../../src/rollout/index.ts";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function kubeconfig(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kit-rollout-"));
  const file = join(dir, "kubeconfig");
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: ctx, context: {cluster: c, user: u, namespace: default}}]
current-context: ctx
`,
  );
  return file;
}

// The full path (watch, probe, helm upgrade on kind) is the lead's kind integration test; these
// check that runRollout fails early and clearly when the cluster or the context is wrong.
describe("runRollout preflight", () => {
  const base = {
    namespace: "default",
    release: "app",
    chart: "charts/app",
    target: "http://127.0.0.1:1",
    helm: "/bin/false",
    probe: {
      keepAliveConnections: 1,
      requestsPerSecond: 10,
      freshConnectionsPerSecond: 0,
      streams: 0,
      webSockets: 0,
      slowRequests: 0,
      slowRequestMs: 1000,
    },
  };

  it("fails with a user error naming the namespace when the API server is unreachable", async () => {
    const file = kubeconfig(`http://127.0.0.1:${await closedPort()}`);
    const error = await runRollout({ ...base, kubeconfig: file }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/cannot list Services in namespace default/);
    expect((error as UserError).hint).toMatch(/cluster is running/);
  });

  it("fails with the known contexts when the context does not exist", async () => {
    const file = kubeconfig("http://127.0.0.1:1");
    const error = await runRollout({ ...base, kubeconfig: file, context: "nope" }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('kubeconfig has no context "nope"');
    expect((error as UserError).hint).toBe("Known contexts: ctx.");
  });
});
