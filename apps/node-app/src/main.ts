// node-app: kit's reference Node service. The contract it implements is in apps/README.md.
import { MongoClient } from "mongodb";
import { buildApp } from "./app.ts";
import { ConfigError, loadConfig, redactUrl } from "./config.ts";

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`node-app: invalid settings: ${err.message}\n`);
    return 2;
  }

  // Register for signals first, so an early SIGTERM is not Node's default "die at once".
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signalled = new Promise<{ signal: NodeJS.Signals; at: number }>((resolve) => {
    onSignal = (signal) => resolve({ signal, at: Date.now() });
  });
  if (config.faultOnSigterm === "ignore") {
    process.on("SIGTERM", () => {});
    process.on("SIGINT", () => {});
  } else {
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  }

  // The driver connects lazily; the index loop (app.ts) connects it again until the database answers,
  // then the driver reconnects by itself. Readiness reports whether the database answers.
  const mongo = new MongoClient(config.mongodbUrl, { serverSelectionTimeoutMS: 5000, appName: "node-app" });
  const { app, ctx } = await buildApp(config, mongo);
  app.log.info(
    { mongodb: redactUrl(config.mongodbUrl), database: config.mongodbDatabase },
    "database configured",
  );
  try {
    await app.listen({ port: config.port, host: "::" });
  } catch (err) {
    app.log.error(
      { port: config.port, err: (err as Error).message },
      "cannot listen: free the port or set PORT",
    );
    return 1;
  }
  const address = app.server.address();
  app.log.info(
    {
      addr: typeof address === "object" && address ? `[::]:${address.port}` : String(address),
      version: config.version,
    },
    "listening",
  );

  const { signal, at } = await signalled;
  if (config.faultOnSigterm === "exit") {
    app.log.warn({ signal }, "fault injection: exiting at once on signal");
    return 0;
  }
  app.log.info({ signal }, "signal received");
  const code = await ctx.lifecycle.shutdown(app, app.log, at);
  await mongo.close(code !== 0).catch(() => {});
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`node-app: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
