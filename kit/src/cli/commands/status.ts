import { environmentDir } from "../../paths.ts";
import { environmentStatus, formatStatusTable } from "../../plans/status.ts";
import { type CommandContext, loadProject } from "../context.ts";

/** runStatus prints each component's health and endpoint; exit 0 only when all are healthy. */
export async function runStatus(ctx: CommandContext): Promise<number> {
  const project = await loadProject(ctx.options);
  const rows = await environmentStatus(project.config);
  const environment = { name: project.environment.name, stateDir: environmentDir(project.environment.name) };
  if (ctx.options.json) {
    process.stdout.write(`${JSON.stringify({ type: "status", environment, components: rows })}\n`);
  } else {
    process.stdout.write(`environment ${environment.name} (state in ${environment.stateDir})\n\n`);
    process.stdout.write(formatStatusTable(rows));
  }
  return rows.every((r) => r.state === "healthy") ? 0 : 1;
}
