// main runs the Lambda locally as kit runs it: apply the migrations (as the pipeline does before a
// deploy), then serve the handler through the local gateway on PORT. SIGTERM stops accepting,
// lets requests in flight finish, closes the pool.
import { ConfigError, loadConfig } from "../config.ts";
import { createDeps, route } from "../handler.ts";
import { migrateUp } from "../migrate.ts";
import { createGateway } from "./gateway.ts";

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

/**
 * migrateWhenReachable applies the migrations, retrying while the database cannot be reached yet
 * (the container may start before PostgreSQL, as after a restart of Docker) for up to a minute;
 * a failing migration is not retried.
 */
async function migrateWhenReachable(url: string): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await migrateUp(url);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      const unreachable = ["ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "57P03"].includes(code);
      if (!unreachable || Date.now() > deadline) throw err;
      log({ msg: "database not reachable yet; retrying", code });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`pmp-api: invalid settings: ${err.message}\n`);
    return 2;
  }
  const port = Number(process.env.PORT ?? "8080");
  if (config.database.kind !== "url") {
    process.stderr.write("pmp-api: the local gateway needs DATABASE_URL (migrations run with a password)\n");
    return 2;
  }
  const applied = await migrateWhenReachable(config.database.url);
  log({ msg: "migrations applied", applied });
  const deps = createDeps(config);
  const server = createGateway((event) => route(deps, event));
  await new Promise<void>((resolve) => server.listen(port, "::", resolve));
  log({ msg: "listening", port, bucket: config.noticesBucket });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  log({ msg: "shutdown", signal });
  server.closeIdleConnections();
  await new Promise((resolve) => server.close(resolve));
  await deps.store.close();
  deps.s3.destroy();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`pmp-api: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
