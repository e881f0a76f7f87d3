/**
 * The up plan brings the local environment up: toolchain, then cluster, registry, AWS emulator,
 * database and app images all at once, then pushes (while kind still creates the cluster),
 * Terraform against the emulator, one Helm release per app, and a readiness check through the
 * host port a user would use. Every step checks the world first, so a second `kit up` changes
 * nothing, and after a code change only the apps whose image or values differ are rebuilt and
 * redeployed.
 */
import type { KitConfig } from "../config/schema.ts";
import { definePlan, type Plan, type Step, type StepContext } from "../engine/plan.ts";
import { runPlan } from "../engine/runner.ts";
import { UserError } from "../errors.ts";
import { type AppImage, appImageRef, appSourceHash, ensureAppImage } from "../images/apps.ts";
import { registryManifestDigest } from "../images/registry-client.ts";
import { type ImageSource, resolveImageSource } from "../images/source.ts";
import { type RunningAwsEmulator, startAwsEmulator } from "../providers/aws/index.ts";
import {
  connectLocalRegistry,
  ensureClusterOnly,
  ensureLocalRegistry,
  type LocalCluster,
  type LocalClusterOptions,
} from "../providers/cluster/index.ts";
import { COMPONENT_LABEL, PROJECT_LABEL } from "../providers/database/container.ts";
import { type RunningDatabase, startDatabase } from "../providers/database/index.ts";
import { type PushedImage, pushImage, type Registry } from "../providers/registry/index.ts";
import { loadVersions } from "../tools/catalog.ts";
import { imageExists } from "../tools/docker.ts";
import { getRelease, upgrade } from "../tools/helm/index.ts";
import { checkTools, doctorPlan } from "./doctor.ts";
import { environmentNames } from "./names.ts";
import { findPortHolder, type PortHolder } from "./ports.ts";
import { readReleaseRecord, releaseInputsHash, writeReleaseRecord } from "./release-state.ts";
import { applyLocalTerraform, type TerraformOutputs, unchangedLocalTerraform } from "./terraform-local.ts";
import { waitForHttpReady } from "./wait.ts";

/** UpOptions select what to bring up. */
export interface UpOptions {
  config: KitConfig;
  root: string;
  /** Apps to build and deploy; all when empty. */
  only?: string[];
}

/** selectApps validates --only against the config and returns the chosen app names. */
export function selectApps(config: KitConfig, only: string[] | undefined): string[] {
  const known = Object.keys(config.apps);
  if (!only || only.length === 0) return known;
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UserError(
      `--only names unknown app${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}.`,
      {
        hint: `The apps in kit.config.yaml are: ${known.join(", ")}.`,
      },
    );
  }
  return only;
}

/** desiredValues are the values kit computes for a release (beside the values files). */
export function desiredValues(args: {
  pushed: PushedImage;
  repository: string;
  database?: RunningDatabase;
  emulator?: RunningAwsEmulator;
  terraform?: TerraformOutputs;
  usesDatabase: boolean;
}): Record<string, string> {
  const values: Record<string, string> = {
    "service.image.repository": args.repository,
    "service.image.digest": args.pushed.digest ?? "",
  };
  if (args.usesDatabase && args.database) values["service.database.url"] = args.database.clusterUrl;
  const env: [string, string][] = [];
  if (args.emulator) {
    env.push(["AWS_ENDPOINT_URL", args.emulator.clusterEndpoint], ["AWS_REGION", args.emulator.region]);
  }
  for (const [key, value] of Object.entries(args.terraform ?? {})) {
    if (typeof value === "string") env.push([`TF_OUTPUT_${key.toUpperCase()}`, value]);
  }
  env.forEach(([name, value], i) => {
    values[`service.app.extraEnv[${i}].name`] = name;
    values[`service.app.extraEnv[${i}].value`] = value;
  });
  return values;
}

/** flatten turns helm's nested values JSON into dotted keys, for comparing with desiredValues. */
export function flattenValues(value: unknown, prefix = ""): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.assign({}, ...value.map((v, i) => flattenValues(v, `${prefix}[${i}]`)));
  }
  if (value !== null && typeof value === "object") {
    return Object.assign(
      {},
      ...Object.entries(value as Record<string, unknown>).map(([k, v]) =>
        flattenValues(v, prefix ? `${prefix}.${k}` : k),
      ),
    );
  }
  return { [prefix]: String(value) };
}

/** upPlan builds the plan for the local environment. */
export function upPlan(options: UpOptions): Plan {
  const { config, root } = options;
  const apps = selectApps(config, options.only);
  const names = environmentNames(config.project);
  const versions = loadVersions();
  const steps: Step<unknown>[] = [];

  steps.push({
    id: "toolchain",
    title: "toolchain (kit doctor --fix)",
    async check(ctx) {
      const checks = await checkTools(versions, ctx.signal);
      return checks.every((c) => !c.required || c.status === "ok")
        ? { satisfied: true, value: undefined, summary: "all tools ready" }
        : { satisfied: false };
    },
    async apply(ctx) {
      const result = await runPlan(doctorPlan({ fix: true, versions }), {
        signal: ctx.signal,
        sink: (event) => {
          if (event.type === "step-log") ctx.log(`${event.step}: ${event.line}`, event.stream);
          if (event.type === "step-succeeded" && event.changed)
            ctx.log(`${event.step}: ${event.summary ?? "installed"}`);
          if (event.type === "step-failed") ctx.log(`${event.step}: ${event.error.message}`, "stderr");
        },
      });
      const failed = Object.entries(result.statuses).filter(([, s]) => s === "failed");
      if (failed.length > 0) {
        const first = result.errors[failed[0]?.[0] ?? ""];
        throw new UserError(`kit could not install: ${failed.map(([id]) => id).join(", ")}.`, {
          hint: `${first instanceof Error ? `${first.message} ` : ""}Run \`kit doctor --fix\` to see each tool's install log.`,
        });
      }
      return undefined;
    },
    summarize: () => "all tools ready",
  });

  const portOwners: { port: number; field: string; ownedBy: (h: PortHolder) => boolean }[] = [
    {
      port: config.registry.hostPort,
      field: "registry.hostPort",
      ownedBy: (h) => h.container === names.registry,
    },
    {
      port: config.aws.hostPort,
      field: "aws.hostPort",
      ownedBy: (h) => h.labels?.[PROJECT_LABEL] === config.project && h.labels?.[COMPONENT_LABEL] === "aws",
    },
    {
      port: config.database.hostPort,
      field: "database.hostPort",
      ownedBy: (h) =>
        h.labels?.[PROJECT_LABEL] === config.project && h.labels?.[COMPONENT_LABEL] === "database",
    },
    ...Object.entries(config.apps).map(([appName, app]) => ({
      port: app.hostPort,
      field: `apps.${appName}.hostPort`,
      ownedBy: (h: PortHolder) => h.labels?.["io.x-k8s.kind.cluster"] === names.cluster,
    })),
  ];
  steps.push({
    id: "ports",
    title: "host ports free",
    // Only looks: it holds when every port is free or kit's own, and fails (naming the holder) otherwise.
    async check(ctx) {
      return {
        satisfied: true,
        value: await checkPorts(ctx.signal),
        summary: `${portOwners.map((o) => o.port).join(", ")} free or kit's own`,
      };
    },
    async apply(ctx) {
      return checkPorts(ctx.signal);
    },
  });
  async function checkPorts(signal: AbortSignal): Promise<number[]> {
    const problems: string[] = [];
    const holders = await Promise.all(portOwners.map((owner) => findPortHolder(owner.port, signal)));
    for (const [i, owner] of portOwners.entries()) {
      const holder = holders[i];
      if (!holder || owner.ownedBy(holder)) continue;
      const who = holder.container
        ? `container ${holder.container}`
        : holder.pid
          ? `pid ${holder.pid} (${holder.command ?? "?"})`
          : "another process";
      problems.push(`Port ${owner.port} (${owner.field}) is already in use by ${who}.`);
    }
    if (problems.length > 0) {
      throw new UserError(problems.join(" "), {
        hint: `Free ${problems.length > 1 ? "those ports" : "it"} or choose another port for the field named in kit.config.yaml.`,
      });
    }
    return portOwners.map((o) => o.port);
  }

  steps.push({
    id: "image-source",
    title: "image source",
    needs: [],
    async apply(ctx) {
      const source = await resolveImageSource(config.images.source);
      ctx.log(
        source === "build"
          ? "no image registry answers (or images.source: build): building every image from package registries"
          : "pulling upstream images",
      );
      return source;
    },
    summarize: (source) => String(source),
  } satisfies Step<ImageSource>);

  const portMappings = Object.values(config.apps).map((app) => ({
    containerPort: app.hostPort,
    hostPort: app.hostPort,
  }));
  const clusterOptions = (ctx: StepContext): LocalClusterOptions => ({
    source: ctx.resultOf<ImageSource>("image-source"),
    provider: config.cluster.provider,
    name: names.cluster,
    kubernetesVersion: config.cluster.kubernetesVersion,
    workers: config.cluster.workers,
    portMappings,
    context: config.cluster.context,
    registryHostPort: config.registry.hostPort,
    registryName: names.registry,
    signal: ctx.signal,
    onLine: (line) => ctx.log(line),
  });
  // The registry is a step of its own, so images are pushed while kind creates the cluster.
  steps.push({
    id: "registry",
    title: "local registry",
    needs: ["toolchain", "image-source", "ports"],
    async apply(ctx) {
      const registry = await ensureLocalRegistry(clusterOptions(ctx));
      if (registry) ctx.output("registry", "registry", registry.hostEndpoint);
      return registry;
    },
    changed: (registry) => registry?.created ?? false,
    summarize: (registry) =>
      registry
        ? `${registry.created ? "started" : "reused"} at ${registry.hostEndpoint}`
        : "none (an existing cluster pulls from the images' own registry)",
  } satisfies Step<Registry | undefined>);

  steps.push({
    id: "cluster",
    title: `cluster ${names.cluster}`,
    needs: ["toolchain", "image-source", "ports"],
    async apply(ctx) {
      const local = await ensureClusterOnly(clusterOptions(ctx));
      ctx.output(
        "kubeContext",
        "kube context",
        `${local.cluster.context} (kubeconfig ${local.cluster.kubeconfigPath})`,
      );
      return local;
    },
    changed: (local) => local.cluster.created,
    summarize: (local) =>
      `${local.cluster.created ? "created" : "reused"} ${local.cluster.name}, ${local.cluster.nodes.length} node(s) ready`,
  } satisfies Step<LocalCluster>);

  steps.push({
    id: "aws-emulator",
    title: "AWS emulator",
    needs: ["toolchain", "image-source", "ports"],
    async apply(ctx) {
      const emulator = await startAwsEmulator({
        project: config.project,
        emulator: config.aws.emulator,
        region: config.aws.region,
        hostPort: config.aws.hostPort,
        imageSource: ctx.resultOf<ImageSource>("image-source"),
        initDir: `${root}/localstack/init`,
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      ctx.output("awsEndpoint", `AWS emulator (${emulator.provider})`, emulator.endpoint);
      return emulator;
    },
    changed: (e) => !e.reused,
    summarize: (e) => `${e.provider} ${e.reused ? "reused" : "started"} at ${e.endpoint}`,
  } satisfies Step<RunningAwsEmulator>);

  steps.push({
    id: "database",
    title: "database",
    needs: ["toolchain", "image-source", "ports"],
    async apply(ctx) {
      const database = await startDatabase({
        project: config.project,
        provider: config.database.provider,
        hostPort: config.database.hostPort,
        database: config.database.name,
        imageSource: ctx.resultOf<ImageSource>("image-source"),
        signal: ctx.signal,
        onLine: (line) => ctx.log(line),
      });
      ctx.output("mongodbUrl", `MONGODB_URL (${database.provider})`, database.url);
      ctx.output("mongodbClusterUrl", "MONGODB_URL in the cluster", database.clusterUrl);
      return database;
    },
    changed: (d) => !d.reused,
    summarize: (d) => `${d.provider} ${d.reused ? "reused (data kept)" : "started"}`,
  } satisfies Step<RunningDatabase>);

  steps.push({
    id: "networks",
    title: "registry, emulator + database on the cluster network",
    needs: ["cluster", "registry", "aws-emulator", "database"],
    async apply(ctx) {
      const registry = ctx.resultOf<Registry | undefined>("registry");
      await Promise.all([
        registry
          ? connectLocalRegistry(registry, ctx.resultOf<LocalCluster>("cluster"), ctx.signal)
          : undefined,
        ctx.resultOf<RunningAwsEmulator>("aws-emulator").connectToNetwork(names.network),
        ctx.resultOf<RunningDatabase>("database").connectToNetwork(names.network),
      ]);
      return undefined;
    },
    summarize: () => `reachable from pods on the ${names.network} network`,
  });

  const terraformOptions = (ctx: StepContext) => {
    const envConfig = config.environments.local;
    if (!envConfig) throw new UserError("kit.config.yaml has no `local` environment.");
    return {
      root,
      dir: envConfig.terraformDir,
      emulator: ctx.resultOf<RunningAwsEmulator>("aws-emulator"),
      terraformBinary: config.terraform.binary,
      signal: ctx.signal,
      onLine: (line: string) => ctx.log(line),
    };
  };
  steps.push({
    id: "terraform",
    title: "terraform (local env, against the emulator)",
    needs: ["toolchain", "aws-emulator"],
    async check(ctx) {
      const outputs = await unchangedLocalTerraform(terraformOptions(ctx));
      return outputs
        ? { satisfied: true, value: outputs, summary: "no changes since the last apply" }
        : { satisfied: false };
    },
    async apply(ctx) {
      return applyLocalTerraform(terraformOptions(ctx));
    },
    summarize: (outputs) => `${Object.keys(outputs as object).length} output(s)`,
  } satisfies Step<TerraformOutputs>);

  for (const name of apps) {
    const app = config.apps[name];
    if (!app) continue;
    steps.push({
      id: `image:${name}`,
      title: `${name} image`,
      needs: ["toolchain", "image-source"],
      async check() {
        const hash = await appSourceHash(root, app.path);
        const ref = appImageRef(app.image, hash);
        return (await imageExists(ref))
          ? { satisfied: true, value: { ref, sourceHash: hash }, summary: `unchanged (${ref})` }
          : { satisfied: false };
      },
      async apply(ctx) {
        return ensureAppImage({
          root,
          path: app.path,
          image: app.image,
          source: ctx.resultOf<ImageSource>("image-source"),
          signal: ctx.signal,
          onLine: (line) => ctx.log(line),
        });
      },
      summarize: (image) => `built ${image.ref}`,
    } satisfies Step<AppImage>);

    steps.push({
      id: `push:${name}`,
      title: `${name} push`,
      needs: [`image:${name}`, "registry"],
      async check(ctx) {
        const image = ctx.resultOf<AppImage>(`image:${name}`);
        const registry = ctx.resultOf<Registry | undefined>("registry");
        if (!registry) return { satisfied: false };
        const tag = image.sourceHash;
        const digest = await registryManifestDigest(registry.hostEndpoint, app.image, tag, ctx.signal);
        return digest
          ? {
              satisfied: true,
              value: { ref: `${registry.hostEndpoint}/${app.image}:${tag}`, digest },
              summary: "already in the registry",
            }
          : { satisfied: false };
      },
      async apply(ctx) {
        const image = ctx.resultOf<AppImage>(`image:${name}`);
        const registry = ctx.resultOf<Registry | undefined>("registry");
        if (!registry) {
          throw new UserError("The existing-cluster provider has no local registry to push to.", {
            hint: "Use cluster.provider: kind for local work, or push images to a registry your cluster can pull from.",
          });
        }
        return pushImage(registry, image.ref, app.image, image.sourceHash, {
          signal: ctx.signal,
          onLine: (l) => ctx.log(l),
        });
      },
      summarize: (pushed) => `pushed ${pushed.ref}@${pushed.digest?.slice(0, 19) ?? "?"}`,
    } satisfies Step<PushedImage>);

    const release = {
      release: name,
      chart: `${root}/${app.chart}`,
      namespace: names.namespace,
      valuesFiles: (app.values.local ?? []).map((file) => `${root}/${file}`),
    };
    const computeValues = (ctx: StepContext): Record<string, string> =>
      desiredValues({
        pushed: ctx.resultOf<PushedImage>(`push:${name}`),
        repository: app.image,
        database: ctx.resultOf<RunningDatabase>("database"),
        emulator: ctx.resultOf<RunningAwsEmulator>("aws-emulator"),
        terraform: ctx.resultOf<TerraformOutputs>("terraform"),
        usesDatabase: app.usesDatabase,
      });
    steps.push({
      id: `deploy:${name}`,
      title: `${name} helm release`,
      needs: [`push:${name}`, "terraform", "networks", "cluster", "database", "aws-emulator"],
      async check(ctx) {
        const { cluster } = ctx.resultOf<LocalCluster>("cluster");
        const current = await getRelease(cluster, names.namespace, name, ctx.signal);
        if (current?.status !== "deployed") return { satisfied: false };
        const inputs = await releaseInputsHash(release.chart, release.valuesFiles, computeValues(ctx));
        const record = await readReleaseRecord(root, name);
        return record?.inputsHash === inputs && record.revision === current.revision
          ? { satisfied: true, value: current.revision, summary: `revision ${current.revision} up to date` }
          : { satisfied: false };
      },
      async apply(ctx) {
        const { cluster } = ctx.resultOf<LocalCluster>("cluster");
        await upgrade(
          cluster,
          { ...release, set: computeValues(ctx), wait: true, timeout: "5m" },
          { signal: ctx.signal, onLine: (l) => ctx.log(l) },
        );
        const current = await getRelease(cluster, names.namespace, name, ctx.signal);
        const revision = current?.revision ?? "?";
        const inputsHash = await releaseInputsHash(release.chart, release.valuesFiles, computeValues(ctx));
        await writeReleaseRecord(root, name, { inputsHash, revision });
        return revision;
      },
      summarize: (revision) => `revision ${revision} deployed`,
    } satisfies Step<string>);

    steps.push({
      id: `ready:${name}`,
      title: `${name} ready on :${app.hostPort}`,
      needs: [`deploy:${name}`],
      async apply(ctx) {
        const url = `http://127.0.0.1:${app.hostPort}`;
        await waitForHttpReady(`${url}${app.readinessPath}`, {
          signal: ctx.signal,
          timeoutMs: 120_000,
          onAttempt: (m) => ctx.progress(m),
        });
        ctx.output(`url:${name}`, name, url);
        return url;
      },
      summarize: (url) => `${url} answers`,
    } satisfies Step<string>);
  }
  return definePlan("up", steps);
}
