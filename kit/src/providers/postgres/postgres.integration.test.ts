import { createConnection } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { readEnvOverrides } from "../../config/env-overrides.ts";
import { run } from "../../exec/index.ts";
import { resolveImageSource } from "../../images/source.ts";
import { removeKitContainers } from "../container/index.ts";
import { POSTGRES_COMPONENT, type PostgresStartOptions, startPostgres } from "./index.ts";

// Runs what the image source switch picks: the official image where Docker can pull, PostgreSQL
// from Debian's packages on kit's base where no registry answers (as on kit's build machine).
const project = `pg-${process.pid}`;
const options = async (): Promise<PostgresStartOptions> => ({
  project,
  database: "pmp",
  user: "pmp",
  password: "s3cret pass@word",
  imageSource: await resolveImageSource(readEnvOverrides(process.env).imagesSource ?? "auto"),
});

/** psql runs SQL over TCP with password authentication, inside the container. */
async function psql(container: string, sql: string, password = "s3cret pass@word") {
  return run(
    "docker",
    [
      "exec",
      "-e",
      `PGPASSWORD=${password}`,
      container,
      "psql",
      "-h",
      "127.0.0.1",
      "-U",
      "pmp",
      "-d",
      "pmp",
      "-tAc",
      sql,
    ],
    { allowFailure: true, timeoutMs: 30_000 },
  );
}

describe("postgres provider", () => {
  afterAll(async () => {
    await removeKitContainers({ project, component: POSTGRES_COMPONENT, volumes: true });
  });

  it("starts a server that takes the user's password over TCP and refuses a wrong one", async () => {
    const pg = await startPostgres(await options());
    expect(pg.reused).toBe(false);
    expect(pg.url).toBe(`postgres://pmp:s3cret%20pass%40word@127.0.0.1:${pg.hostPort}/pmp`);
    expect(pg.networkUrl).toBe(`postgres://pmp:s3cret%20pass%40word@kit-${project}-postgres:5432/pmp`);
    const ok = await psql(pg.containerName, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)");
    expect(ok.exitCode, ok.stderr).toBe(0);
    const wrong = await psql(pg.containerName, "SELECT 1", "wrong");
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed/);
    // Published on the host's loopback only.
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection(pg.hostPort, "127.0.0.1", () => {
        socket.end();
        resolve();
      });
      socket.on("error", reject);
    });
    const ports = await run("docker", ["port", pg.containerName, "5432/tcp"]);
    expect(ports.stdout.trim().split("\n")).toEqual([`127.0.0.1:${pg.hostPort}`]);
  });

  it("reuses the running server on a second start, and keeps the data when the container is replaced", async () => {
    const again = await startPostgres(await options());
    expect(again.reused).toBe(true);
    await again.remove(); // the container, not its volume
    const fresh = await startPostgres(await options());
    expect(fresh.reused).toBe(false);
    const kept = await psql(fresh.containerName, "SELECT n FROM kept");
    expect(kept.stdout.trim()).toBe("42");
  });
});
