/**
 * The doctor plan checks every tool kit drives and, with --fix, installs what is missing. Each
 * tool is one idempotent step: check() detects it, apply() installs it (or, without --fix, fails
 * with what to run). Installs that share apt's lock run one after another through `needs`.
 */
import { definePlan, type Plan, type Step, type StepContext } from "../engine/plan.ts";
import { UserError } from "../errors.ts";
import { ensureGoTool, type Versions } from "../tools/catalog.ts";
import {
  type FixContext,
  installDebianPackages,
  installDockerEngine,
  installGoToolchain,
  startDockerEngine,
} from "../tools/doctor/fix.ts";
import {
  DEBIAN_PACKAGES,
  type Detection,
  type Requirement,
  requirements,
  type ToolCheck,
} from "../tools/doctor/requirements.ts";
import type { VersionMemo } from "../tools/doctor/version-memo.ts";

/**
 * checkTools detects every requirement (concurrently) and judges it. With a memo (kit up), a
 * binary that has not changed since its version was read is not run again.
 */
export async function checkTools(
  versions: Versions,
  signal?: AbortSignal,
  memo?: VersionMemo,
): Promise<ToolCheck[]> {
  return Promise.all(
    requirements(versions, memo).map(async (req) => {
      const found = await req.detect(signal);
      return {
        name: req.name,
        required: req.required,
        wants: req.wants,
        found,
        status: req.judge(found),
        fix: req.fix,
        purpose: req.purpose,
      };
    }),
  );
}

/** DoctorOptions choose whether doctor only looks or also installs. */
export interface DoctorOptions {
  fix: boolean;
  versions: Versions;
}

type Install = (ctx: FixContext) => Promise<unknown>;

/** doctorPlan builds the plan: one step per tool. */
export function doctorPlan(options: DoctorOptions): Plan {
  const { versions, fix } = options;
  const reqs = new Map(requirements(versions).map((r) => [r.name, r]));
  const req = (name: string): Requirement => {
    const r = reqs.get(name);
    if (!r) throw new Error(`no requirement named ${name}`);
    return r;
  };
  const fixContext = (ctx: StepContext): FixContext => ({ signal: ctx.signal, log: (line) => ctx.log(line) });
  const toolStep = (name: string, install: Install, needs: string[] = []): Step<Detection> => {
    const r = req(name);
    return {
      id: name,
      title: `${name} ${r.wants}`,
      needs: fix ? needs : [],
      async check(ctx) {
        const found = await r.detect(ctx.signal);
        const status = r.judge(found);
        if (status === "ok") return { satisfied: true, value: found, summary: found.version ?? "present" };
        if (!r.required) return { satisfied: true, value: found, summary: `${status} (optional)` };
        ctx.log(
          `${name}: ${status}${found.version ? ` (found ${found.version})` : ""}; kit needs ${r.wants}`,
          "info",
        );
        return { satisfied: false };
      },
      async apply(ctx) {
        if (!fix) {
          const found = await r.detect(ctx.signal);
          throw new UserError(
            `${name} is ${r.judge(found)}${found.version ? ` (found ${found.version})` : ""}; kit needs ${r.wants}.`,
            { hint: `Run \`kit doctor --fix\` to install it (${r.fix}).` },
          );
        }
        await install(fixContext(ctx));
        const after = await r.detect(ctx.signal);
        const status = r.judge(after);
        if (status !== "ok") {
          throw new UserError(`${name} is still ${status} after installing it (${r.fix}).`, {
            hint: "The log above shows what the install did; install it by hand and run `kit doctor` again.",
          });
        }
        return after;
      },
      summarize: (found) => (found.version ? `installed ${found.version}` : "installed"),
    };
  };
  const steps: Step<Detection>[] = [];
  // apt holds a lock, so apt-based installs form a chain.
  let previousApt: string[] = [];
  for (const [tool, pkg] of Object.entries(DEBIAN_PACKAGES)) {
    steps.push(toolStep(tool, (ctx) => installDebianPackages([pkg], ctx), previousApt));
    previousApt = [tool];
  }
  steps.push(
    toolStep(
      "python3",
      (ctx) => installDebianPackages(["python3", "python3-venv", "python3-pip"], ctx),
      previousApt,
    ),
    toolStep(
      "docker-engine",
      async (ctx) => {
        const status = req("docker-engine").judge(await req("docker-engine").detect(ctx.signal));
        if (status === "not-running") await startDockerEngine(ctx);
        else await installDockerEngine(versions, ctx);
      },
      ["python3"],
    ),
    toolStep("docker-buildx", (ctx) => installDockerEngine(versions, ctx), ["docker-engine"]),
    toolStep("go", (ctx) => installGoToolchain(versions.go.toolchain, ctx), ["unzip"]),
    toolStep("kind", (ctx) => ensureGoTool("kind", { signal: ctx.signal, onLine: ctx.log }), ["go"]),
    toolStep("helm", (ctx) => ensureGoTool("helm", { signal: ctx.signal, onLine: ctx.log }), ["go"]),
    // OpenTofu is the largest build; it waits for the others so two big Go builds do not compete.
    toolStep("terraform", (ctx) => ensureGoTool("tofu", { signal: ctx.signal, onLine: ctx.log }), [
      "kind",
      "helm",
    ]),
    toolStep("kubectl", async () => undefined),
  );
  return definePlan("doctor", steps);
}
