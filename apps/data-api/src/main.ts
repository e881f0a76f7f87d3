// data-api: the DynamoDB REST service of seed 003. Settings are in README.md; the shutdown follows
// apps/README.md's contract (readiness fails at SIGTERM, serve DRAIN_DELAY_MS more, then close and
// let in-flight requests finish before SHUTDOWN_TIMEOUT_MS, counted from the signal).
import { buildApp } from "./app.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { DynamoItemStore } from "./store.ts";

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`data-api: invalid settings: ${err.message}\n`);
    return 2;
  }
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<{ signal: NodeJS.Signals; at: number }>((resolve) => {
    onSignal = (signal) => resolve({ signal, at: Date.now() });
  });
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const store = new DynamoItemStore(config.table, {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  });
  const { app, state } = buildApp({ config, store });
  try {
    await app.listen({ port: config.port, host: "::" });
  } catch (err) {
    app.log.error(
      { port: config.port, err: (err as Error).message },
      "cannot listen: free the port or set PORT",
    );
    return 1;
  }
  app.log.info({ port: config.port, table: config.table, endpoint: config.endpoint ?? "aws" }, "listening");

  const { signal, at } = await signalled;
  state.draining = true;
  app.log.info({ signal, phase: "draining", drainDelayMs: config.drainDelayMs }, "shutdown");
  await sleep(at + config.drainDelayMs - Date.now());
  app.log.info({ phase: "closing" }, "shutdown");
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  const outcome = await Promise.race([
    app.close().then(() => "closed" as const),
    sleep(at + config.shutdownTimeoutMs - Date.now()).then(() => "timeout" as const),
  ]);
  clearInterval(sweep);
  store.destroy();
  if (outcome === "timeout") {
    app.server.closeAllConnections();
    app.log.error({ phase: "timeout", elapsedMs: Date.now() - at }, "shutdown");
    return 1;
  }
  app.log.info({ phase: "stopped", elapsedMs: Date.now() - at }, "shutdown");
  return 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

process.exitCode = await main();
