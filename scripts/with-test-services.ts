// with-test-services starts the throwaway services an app's tests need, through kit's own providers,
// runs the given command with their addresses in its environment, then removes them:
// --database: a MongoDB-compatible database (the official mongo image, or FerretDB built locally
//   when no registry answers), as MONGODB_URL;
// --postgres: PostgreSQL (the official image, or Debian's package on kit's base when no registry
//   answers), as DATABASE_URL;
// --aws: kit's AWS emulator (moto, built locally when no registry answers), as AWS_ENDPOINT_URL
//   with AWS_REGION and the emulator's test credentials.
// Each runs under a project name of its own, so a developer's `kit up` and its data are untouched.
// Usage: npx tsx scripts/with-test-services.ts [--database] [--postgres] [--aws] -- <command> [args...]
import { spawn } from "node:child_process";
import { resolveImageSource } from "../kit/src/images/source.ts";
import { startAwsEmulator } from "../kit/src/providers/aws/index.ts";
import type { RunningAwsEmulator } from "../kit/src/providers/aws/types.ts";
import { startTestDatabase } from "../kit/src/providers/database/index.ts";
import type { RunningDatabase } from "../kit/src/providers/database/types.ts";
import { type RunningPostgres, startPostgres } from "../kit/src/providers/postgres/index.ts";

const USAGE =
  "usage: tsx scripts/with-test-services.ts [--database] [--postgres] [--aws] -- <command> [args...]\n";
const FLAGS = ["--database", "--postgres", "--aws"];
const separator = process.argv.indexOf("--");
const flags = process.argv.slice(2, separator >= 0 ? separator : undefined);
const [command, ...args] = separator >= 0 ? process.argv.slice(separator + 1) : [];
const unknown = flags.filter((f) => !FLAGS.includes(f));
if (!command || unknown.length > 0) {
  process.stderr.write(`${unknown.length > 0 ? `unknown flag ${unknown.join(", ")}\n` : ""}${USAGE}`);
  process.exit(2);
}

const env: Record<string, string> = {};
let database: RunningDatabase | undefined;
let aws: RunningAwsEmulator | undefined;
let postgres: RunningPostgres | undefined;
let code = 1;
try {
  if (flags.includes("--database")) {
    database = await startTestDatabase({ onLine: (line) => process.stderr.write(`database: ${line}\n`) });
    process.stderr.write(`database: ${database.provider} at ${database.url}\n`);
    env.MONGODB_URL = database.url;
  }
  if (flags.includes("--postgres")) {
    postgres = await startPostgres({
      project: `test-${process.pid}`,
      database: "test",
      user: "test",
      password: "test",
      persistent: false,
      imageSource: await resolveImageSource("auto"),
      onLine: (line) => process.stderr.write(`postgres: ${line}\n`),
    });
    process.stderr.write(`postgres: at ${postgres.url}\n`);
    env.DATABASE_URL = postgres.url;
  }
  if (flags.includes("--aws")) {
    aws = await startAwsEmulator({
      project: `test-${process.pid}`,
      emulator: "moto",
      onLine: (line) => process.stderr.write(`aws: ${line}\n`),
    });
    process.stderr.write(`aws: ${aws.provider} at ${aws.endpoint}\n`);
    Object.assign(env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: aws.region,
      AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    });
  }
  code = await new Promise<number>((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    child.on("error", (err) => {
      process.stderr.write(`${command} could not be started: ${err.message}\n`);
      resolve(1);
    });
  });
} finally {
  await database?.remove({ volumes: true });
  await aws?.remove();
  await postgres?.remove();
}
process.exit(code);
