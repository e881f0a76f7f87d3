import { appLogSource, formatPodLogLine } from "../../plans/app-logs.ts";
import { type CommandContext, loadProject } from "../context.ts";
import { wholeNumber } from "../flags.ts";

/** LogsFlags are `kit logs`'s options. */
export interface LogsFlags {
  tail: string;
  follow: boolean;
}

/** runLogs prints an app's pod logs (`pod | line`, or JSON lines), following until Ctrl-C. */
export async function runLogs(ctx: CommandContext, app: string, flags: LogsFlags): Promise<number> {
  const project = await loadProject(ctx.options);
  const tailLines = wholeNumber("--tail", flags.tail, { min: 1, example: "--tail 50" });
  const source = appLogSource(project.config);
  await source.follow(app, {
    tailLines,
    follow: flags.follow,
    retryUnreachable: false,
    signal: ctx.signal,
    onLine: (line) => {
      process.stdout.write(
        ctx.options.json
          ? `${JSON.stringify({ type: "log", app, pod: line.pod, container: line.container, line: line.line })}\n`
          : `${formatPodLogLine(line, app)}\n`,
      );
    },
    onStatus: (status) => {
      if (ctx.options.verbose) process.stderr.write(`kit logs ${app}: ${status}\n`);
    },
  });
  return 0;
}
