// with-test-database starts a throwaway MongoDB-compatible database through kit's database
// provider (the official mongo image, or FerretDB built locally when no registry answers), runs
// the given command with MONGODB_URL set, then removes the database.
// Usage: npx tsx scripts/with-test-database.ts -- <command> [args...]
import { spawn } from "node:child_process";
import { startTestDatabase } from "../kit/src/providers/database/index.ts";

const separator = process.argv.indexOf("--");
const [command, ...args] = separator >= 0 ? process.argv.slice(separator + 1) : [];
if (!command) {
  process.stderr.write("usage: tsx scripts/with-test-database.ts -- <command> [args...]\n");
  process.exit(2);
}

const database = await startTestDatabase({ onLine: (line) => process.stderr.write(`database: ${line}\n`) });
process.stderr.write(`database: ${database.provider} at ${database.url}\n`);
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(command, args, {
      stdio: "inherit",
      env: { ...process.env, MONGODB_URL: database.url },
    });
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    child.on("error", (err) => {
      process.stderr.write(`${command} could not be started: ${err.message}\n`);
      resolve(1);
    });
  });
} finally {
  await database.remove({ volumes: true });
}
process.exit(code);
