/**
 * hooks runs a project's emulator init hooks (LocalStack's layout: <initDir>/ready.d/*.sh|*.py)
 * inside the emulator container once it is ready, in name order, with the AWS CLI (`awslocal`)
 * aimed at the emulator. A marker in the container's /dev/shm (fresh on every container start,
 * like the emulator's in-memory state) records which hook set already ran, so a reused container
 * does not run them twice, and a restarted one (state lost) runs them again.
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { wrapError } from "../../errors.ts";
import { inputsHash } from "../../hash.ts";
import { docker } from "../../tools/docker.ts";

/** HookFile is one init hook. */
export interface HookFile {
  name: string;
  path: string;
}

/** listReadyHooks returns <initDir>/ready.d/*.sh and *.py in name order (empty when there are none). */
export async function listReadyHooks(initDir: string | undefined): Promise<HookFile[]> {
  if (!initDir) return [];
  const dir = join(initDir, "ready.d");
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((name) => name.endsWith(".sh") || name.endsWith(".py"))
    .sort()
    .map((name) => ({ name, path: join(dir, name) }));
}

/** runReadyHooks copies the hooks into the container and runs those not yet run there; returns the names run. */
export async function runReadyHooks(
  container: string,
  initDir: string | undefined,
  env: Record<string, string>,
  options: { signal?: AbortSignal; onLine?: (line: string) => void } = {},
): Promise<string[]> {
  const hooks = await listReadyHooks(initDir);
  if (hooks.length === 0 || !initDir) return [];
  const contents = await Promise.all(hooks.map(async (h) => [h.name, await readFile(h.path, "utf8")]));
  const marker = `/dev/shm/kit-init-${inputsHash({ contents, env }, 16)}`;
  const done = await docker(
    ["exec", container, "sh", "-c", `test -e ${marker} && echo done || true`],
    options,
  );
  if (done.trim() === "done") return [];
  await docker(["exec", container, "mkdir", "-p", "/tmp/kit-init"], options);
  await docker(["cp", join(initDir, "ready.d"), `${container}:/tmp/kit-init/`], options);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  for (const hook of hooks) {
    const interpreter = hook.name.endsWith(".py") ? "python3" : "bash";
    options.onLine?.(`init hook ${hook.name}`);
    try {
      await docker(["exec", ...envArgs, container, interpreter, `/tmp/kit-init/ready.d/${hook.name}`], {
        ...options,
        timeoutMs: 5 * 60_000,
      });
    } catch (err) {
      throw wrapError(err, `running init hook ${hook.path} in ${container}`);
    }
  }
  await docker(["exec", container, "touch", marker], options);
  return hooks.map((h) => h.name);
}
