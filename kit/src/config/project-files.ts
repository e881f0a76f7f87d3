/**
 * project-files checks that the folders and files a config names exist, so a typo in a path is a
 * config error (exit 2) naming the field, before a command starts, not a failure deep in kit up.
 * Commands that build or deploy check; down, status and logs do not need the sources.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { ConfigError, type ConfigProblem } from "./load.ts";
import type { KitConfig } from "./schema.ts";

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();
const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

/** missingProjectFiles lists every path field whose folder or file is missing under root. */
export function missingProjectFiles(config: KitConfig, root: string): ConfigProblem[] {
  const at = (p: string): string => (isAbsolute(p) ? p : join(root, p));
  const problems: ConfigProblem[] = [];
  const missing = (path: string, what: string, value: string) =>
    problems.push({
      path,
      message: `${what} ${value} does not exist (paths are relative to the config's folder)`,
    });
  for (const [app, a] of Object.entries(config.apps)) {
    if (!isDir(at(a.path))) missing(`apps.${app}.path`, "the folder", a.path);
    if (!isFile(join(at(a.chart), "Chart.yaml")))
      missing(`apps.${app}.chart`, "the chart (its Chart.yaml)", a.chart);
    for (const [env, files] of Object.entries(a.values)) {
      files.forEach((file, i) => {
        if (!isFile(at(file))) missing(`apps.${app}.values.${env}[${i}]`, "the values file", file);
      });
    }
  }
  for (const [name, env] of Object.entries(config.environments)) {
    if (!isDir(at(env.terraformDir)))
      missing(`environments.${name}.terraformDir`, "the folder", env.terraformDir);
  }
  return problems;
}

/** requireProjectFiles throws a ConfigError naming every missing path of the config at file. */
export function requireProjectFiles(config: KitConfig, root: string, file: string): void {
  const problems = missingProjectFiles(config, root);
  if (problems.length > 0) throw new ConfigError(relative(process.cwd(), file) || file, problems);
}
