#!/usr/bin/env node
// bench/cluster: how long the kind side of `kit up` takes.
//   1. build time of every image of the node image (and the registry image); with --cold the
//      kit-built images (kit.local/kind-node*) are removed first so each is rebuilt (Go builds stay
//      cached; their cold times are printed when recorded, see build-seconds files), and with
//      --cold --no-build-cache BuildKit's layer cache is pruned as well;
//   2. warm cluster create (node image cached): kit's ensureLocalCluster, until every node is Ready;
//   3. time to the first Ready pod of a freshly pushed image from the local registry;
//   4. the same node image under a bare `kind create cluster --image <ref> --wait 5m`, same run,
//      and the ratio kit / bare.
// Usage: node bench/cluster.mjs [--cold] [--no-build-cache]     (or: npm run bench -- cluster)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const m = (p) => import(join(root, p));
const { run } = await m("kit/src/exec/index.ts");
const { cacheDir } = await m("kit/src/paths.ts");
const { ensureNodeImage } = await m("kit/src/images/node/index.ts");
const { ensureKubectl } = await m("kit/src/images/node/kubernetes.ts");
const { buildLocalGoProgram } = await m("kit/src/images/node/local-go.ts");
const { placeFile } = await m("kit/src/images/node/steps.ts");
const { resolveImageSource } = await m("kit/src/images/source.ts");
const { ensureRegistryImage, pushImage } = await m("kit/src/providers/registry/index.ts");
const { deleteLocalCluster, ensureLocalCluster } = await m("kit/src/providers/cluster/index.ts");
const { ensureGoTool, loadVersions } = await m("kit/src/tools/catalog.ts");
const { buildImage } = await m("kit/src/tools/docker.ts");

const args = new Set(process.argv.slice(2));
const NAME = "kit-bench";
const BARE = "kit-bench-bare";
const REGISTRY = "kit-bench-registry";
const REGISTRY_PORT = 5012;
const secs = (t0) => (Date.now() - t0) / 1000;
const fmt = (s) => `${s.toFixed(1)} s`;
const rows = [];
const row = (what, value) => {
  rows.push([what, value]);
  process.stdout.write(`${what.padEnd(58)} ${value}\n`);
};

const source = await resolveImageSource("auto");
const k8s = loadVersions().kubernetes;
process.stdout.write(`images.source=${source}, Kubernetes ${k8s}\n\n`);

// 1. Image builds.
if (args.has("--cold") && source === "build") {
  const { stdout } = await run("docker", [
    "images",
    "--format",
    "{{.Repository}}:{{.Tag}}",
    "--filter",
    "label=dev.kit.managed",
  ]);
  const ours = stdout.split("\n").filter((r) => /^kit\.local\/kind-node/.test(r));
  if (ours.length) await run("docker", ["rmi", "-f", ...ours]);
  if (args.has("--no-build-cache")) await run("docker", ["buildx", "prune", "-f"]);
  process.stdout.write(
    `removed ${ours.length} kit-built node images${args.has("--no-build-cache") ? " and the BuildKit cache" : ""}\n`,
  );
}
const t0 = Date.now();
const node = await ensureNodeImage({ source });
for (const t of node.timings) row(`${t.built ? "built " : "cached"} ${t.step}`, fmt(t.seconds));
row("node image total", `${fmt(secs(t0))} (${node.ref})`);
const tr = Date.now();
const reg = await ensureRegistryImage({ source });
row(`${reg.built ? "built " : "cached"} image registry`, fmt(secs(tr)));
const goBuilds = join(cacheDir(), "go-builds");
if (existsSync(goBuilds)) {
  for (const name of readdirSync(goBuilds).sort()) {
    for (const entry of readdirSync(join(goBuilds, name)).filter((e) => !e.startsWith(".tmp"))) {
      // build.json (wall and CPU seconds) since session 9; build-seconds (wall only) before.
      const cost = join(goBuilds, name, entry, "build.json");
      const wall = join(goBuilds, name, entry, "build-seconds");
      if (existsSync(cost)) {
        const { seconds, cpuSeconds } = JSON.parse(readFileSync(cost, "utf8"));
        row(
          `cold go build ${name} ${entry.split("-")[0]} (recorded)`,
          `${fmt(seconds)}, ${cpuSeconds === undefined ? "CPU ?" : `${cpuSeconds.toFixed(0)} CPU-s`}`,
        );
      } else if (existsSync(wall))
        row(
          `cold go build ${name} ${entry.split("-")[0]} (recorded)`,
          fmt(Number(readFileSync(wall, "utf8"))),
        );
    }
  }
}

// 2. Warm create through kit.
await deleteLocalCluster({ name: NAME, registryName: REGISTRY });
const tc = Date.now();
const env = await ensureLocalCluster({
  source,
  name: NAME,
  registryName: REGISTRY,
  registryHostPort: REGISTRY_PORT,
});
const kitCreate = secs(tc);
row("kit warm create (kind create + nodes Ready + registry)", fmt(kitCreate));
row("  of which kind create cluster", fmt(env.cluster.createSeconds));
row("  of which waiting for Ready nodes", fmt(env.cluster.readySeconds));

// 3. First Ready pod from an image pushed to the local registry.
const kubectl = env.kubectl ?? (await ensureKubectl(k8s));
const kc = ["--kubeconfig", env.cluster.kubeconfigPath, "--context", env.cluster.context];
const hello = join(root, "kit", "test", "cluster", "fixtures", "hello");
const { binary } = await buildLocalGoProgram("hello", hello);
const ctx = await mkdtemp(join(tmpdir(), "kit-bench-hello-"));
await placeFile(binary, join(ctx, "hello"));
await placeFile(join(hello, "Dockerfile"), join(ctx, "Dockerfile"));
await buildImage({ tag: "kit.local/test-hello:latest", context: ctx });
await rm(ctx, { recursive: true, force: true });
const tp = Date.now();
const pushed = await pushImage(env.registry, "kit.local/test-hello:latest", "hello", "bench");
const pushSeconds = secs(tp);
await run(kubectl, [...kc, "create", "deployment", "hello", `--image=${pushed.ref}`]);
await run(kubectl, [...kc, "wait", "pod", "-l", "app=hello", "--for=condition=Ready", "--timeout=300s"]);
row("push tiny image to local registry", fmt(pushSeconds));
row("time to first Ready pod (push + deploy + Ready)", fmt(secs(tp)));
await deleteLocalCluster({ name: NAME, registryName: REGISTRY });

// 4. Bare kind with the same image, same run.
const kind = await ensureGoTool("kind");
const kubeconfig = join(tmpdir(), `kit-bench-bare-${process.pid}.kubeconfig`);
await run(kind, ["delete", "cluster", "--name", BARE, "--kubeconfig", kubeconfig], { allowFailure: true });
const tb = Date.now();
await run(
  kind,
  ["create", "cluster", "--name", BARE, "--image", node.ref, "--kubeconfig", kubeconfig, "--wait", "5m"],
  {
    timeoutMs: 15 * 60_000,
  },
);
const bare = secs(tb);
await run(kind, ["delete", "cluster", "--name", BARE, "--kubeconfig", kubeconfig]);
await rm(kubeconfig, { force: true });
row("bare kind create cluster --image <same> --wait 5m", fmt(bare));
row("ratio kit warm create / bare kind create", (kitCreate / bare).toFixed(2));
