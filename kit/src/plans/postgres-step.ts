/**
 * postgres-step is `kit up`'s PostgreSQL (`postgres:` in kit.config.yaml; RDS on AWS): started or
 * reused with its data, published on 127.0.0.1, its URL an output of the run. Container apps that
 * ask for it in their env get it as reached on kit's network.
 */
import type { KitConfig } from "../config/schema.ts";
import type { Step, StepRef } from "../engine/plan.ts";
import type { ImageSource } from "../images/source.ts";
import type { PostgresStartOptions, RunningPostgres } from "../providers/postgres/index.ts";

/** LOCAL_POSTGRES_PASSWORD is the local PostgreSQL's password: published on 127.0.0.1 only, like the database. */
export const LOCAL_POSTGRES_PASSWORD = "kit-local";

/** PostgresDeps start PostgreSQL; tests pass a fake. */
export interface PostgresDeps {
  startPostgres(options: PostgresStartOptions): Promise<RunningPostgres>;
}

/** postgresUpStep starts (or reuses) the environment's PostgreSQL: step `postgres`. */
export function postgresUpStep(
  settings: NonNullable<KitConfig["postgres"]>,
  environment: string,
  needs: StepRef<unknown>[],
  imageSource: StepRef<ImageSource>,
  deps: PostgresDeps,
): Step<RunningPostgres> {
  return {
    id: "postgres",
    title: "PostgreSQL",
    needs,
    async apply(ctx) {
      const postgres = await deps.startPostgres({
        project: environment,
        database: settings.database,
        user: settings.user,
        password: LOCAL_POSTGRES_PASSWORD,
        hostPort: settings.hostPort,
        imageSource: ctx.resultOf(imageSource),
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      ctx.output("postgresUrl", "DATABASE_URL (PostgreSQL)", postgres.url);
      return postgres;
    },
    changed: (p) => !p.reused,
    summarize: (p) => `${p.reused ? "reused (data kept)" : "started"} at 127.0.0.1:${p.hostPort}`,
  };
}
