import type { Db, MongoClient } from "mongodb";
import type { Config } from "./config.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { Metrics } from "./metrics.ts";
import type { OrderStore } from "./orders/store.ts";

/** AppContext is what every route module receives. */
export interface AppContext {
  config: Config;
  lifecycle: Lifecycle;
  metrics: Metrics;
  mongo: MongoClient;
  db: Db;
  orders: OrderStore;
  /** database reports whether start-up work on the database (indexes) is done, and its last error. */
  database: { indexesReady: boolean; lastError?: string };
  /** startedAt is when the app was built; it warms up until config.warmupMs has passed since. */
  startedAt: number;
}

/** warmingUp says whether the app is still in its WARMUP_MS warm-up. */
export function warmingUp(ctx: Pick<AppContext, "config" | "startedAt">, now = Date.now()): boolean {
  return now - ctx.startedAt < ctx.config.warmupMs;
}

/** APP_NAME is the app's name as reported by / and /version. */
export const APP_NAME = "node-app";
