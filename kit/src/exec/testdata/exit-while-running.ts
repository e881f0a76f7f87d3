// Started by exec.test.ts: runs a command through kit's exec whose group outlives the run's promise
// (the shell and its sleep), prints the group's pid, then exits the way a second Ctrl-C does.
import { run } from "../index.ts";

const how = process.argv[2] ?? "exit";
void run("sh", ["-c", "echo $$; sleep 300 & wait"], {
  onLine: (line) => {
    process.stdout.write(`${line}\n`);
    if (how === "exit") process.exit(130);
    throw new Error("an uncaught error while a command runs");
  },
});
