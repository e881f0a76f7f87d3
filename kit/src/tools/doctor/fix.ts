/**
 * fix installs the tools kit needs on Debian, from the registries kit may use: Debian's mirror
 * (including the Docker engine from the newer trixie suite, since bookworm's 20.10 cannot start
 * privileged containers where CAP_SYS_RESOURCE is missing: moby#42906, fixed in Docker 23), the
 * Go module proxy (the Go toolchain itself, kind, helm, OpenTofu) and PyPI.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.ts";
import { run, startBackground, which } from "../../exec/index.ts";
import { binDir, cacheDir } from "../../paths.ts";
import { done, notYet, waitUntil } from "../../wait.ts";
import type { Versions } from "../catalog.ts";

/** FixContext carries cancellation and log output into a fix. */
export interface FixContext {
  signal: AbortSignal;
  log(line: string): void;
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function privileged(
  file: string,
  args: string[],
  ctx: FixContext,
  timeoutMs = 20 * 60_000,
): Promise<void> {
  if (isRoot()) {
    await run(file, args, {
      signal: ctx.signal,
      onLine: ctx.log,
      timeoutMs,
      env: { DEBIAN_FRONTEND: "noninteractive" },
    });
    return;
  }
  if (!(await which("sudo"))) {
    throw new UserError(`Installing needs root: ${file} ${args.join(" ")}`, {
      hint: "Run `kit doctor --fix` as root, or install sudo, or install the tool yourself.",
    });
  }
  await run("sudo", ["-n", "env", "DEBIAN_FRONTEND=noninteractive", file, ...args], {
    signal: ctx.signal,
    onLine: ctx.log,
    timeoutMs,
    hint: "sudo needs a password here; run `sudo -v` first or run kit doctor --fix as root.",
  });
}

function requireDebian(): void {
  if (!existsSync("/etc/debian_version")) {
    throw new UserError("kit doctor --fix installs tools on Debian or Ubuntu only.", {
      hint: "Install the missing tools with your system's package manager; `kit doctor` lists the versions needed.",
    });
  }
}

/** installDebianPackages installs packages from the system's apt sources. */
export async function installDebianPackages(packages: string[], ctx: FixContext): Promise<void> {
  if (packages.length === 0) return;
  requireDebian();
  ctx.log(`apt-get install ${packages.join(" ")}`);
  await privileged("apt-get", ["update", "-qq"], ctx);
  await privileged("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], ctx);
}

/**
 * installDockerEngine installs the Docker engine (and buildx) from a newer Debian suite beside the
 * system's containerd and runc, without adding that suite to the system's apt sources.
 */
export async function installDockerEngine(versions: Versions, ctx: FixContext): Promise<void> {
  requireDebian();
  const { debianSuite: suite } = versions.dockerEngine;
  const packages = [versions.dockerEngine.debianPackage, "docker-buildx"];
  await installDebianPackages(["containerd", "runc", "iptables", "tini", "ca-certificates"], ctx);
  const root = join(cacheDir(), "debs", suite);
  await mkdir(join(root, "lists", "partial"), { recursive: true });
  const sources = join(root, "sources.list");
  const mirror = versions.debian.mirror;
  await writeFile(
    sources,
    `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror} ${suite} main\n`,
  );
  const apt = [
    "-o",
    `Dir::Etc::SourceList=${sources}`,
    "-o",
    "Dir::Etc::SourceParts=/dev/null",
    "-o",
    `Dir::State::Lists=${join(root, "lists")}`,
    "-o",
    "APT::Sandbox::User=root",
  ];
  ctx.log(`downloading ${packages.join(", ")} from Debian ${suite}`);
  await privileged("apt-get", [...apt, "update", "-qq"], ctx);
  await run("apt-get", [...apt, "download", ...packages], { cwd: root, signal: ctx.signal, onLine: ctx.log });
  const debs = packages.map((p) => {
    const found = readdirSyncSafe(root).find((f) => f.startsWith(`${p}_`) && f.endsWith(".deb"));
    if (!found) throw new UserError(`apt-get download did not produce ${p}*.deb in ${root}`);
    return join(root, found);
  });
  await privileged("dpkg", ["-i", ...debs], ctx).catch(async () => {
    await privileged("apt-get", ["install", "-f", "-y", "-qq"], ctx);
  });
  await startDockerEngine(ctx);
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir).sort().reverse();
  } catch {
    return [];
  }
}

/** hasSystemd says whether PID 1 is systemd (else kit starts dockerd itself). */
export function hasSystemd(): boolean {
  try {
    return readFileSync("/proc/1/comm", "utf8").trim() === "systemd";
  } catch {
    return false;
  }
}

/** startDockerEngine starts dockerd (through systemd when it runs) and waits until it answers. */
export async function startDockerEngine(ctx: FixContext, timeoutMs = 60_000): Promise<void> {
  if (await dockerAnswers(ctx.signal)) return;
  if (hasSystemd()) {
    ctx.log("systemctl start docker");
    await privileged("systemctl", ["start", "docker"], ctx, 120_000);
  } else {
    // A dockerd that is still shutting down (or starting) holds /var/run/docker.pid, and a second
    // one exits at once: wait until it answers or is gone.
    const previous = liveDockerdPid();
    if (previous !== undefined) {
      ctx.log(
        `dockerd (pid ${previous}) is still running without answering; waiting for it to answer or exit`,
      );
      const outcome = await waitUntil({
        what: `dockerd (pid ${previous}) to answer or exit`,
        timeoutMs,
        intervalMs: 250,
        signal: ctx.signal,
        check: async () => {
          if (await dockerAnswers(ctx.signal)) return done("answers" as const);
          return liveDockerdPid() === undefined ? done("gone" as const) : notYet(`pid ${previous} is alive`);
        },
      });
      if (outcome === "answers") return;
    }
    const logs = join(cacheDir(), "logs");
    await mkdir(logs, { recursive: true });
    const dockerd = (await which("dockerd", ["/usr/sbin", "/usr/bin"])) ?? "dockerd";
    ctx.log(`no systemd here: starting ${dockerd} in the background (log: ${join(logs, "dockerd.log")})`);
    await startBackground(dockerd, [], { logFile: join(logs, "dockerd.log") });
  }
  await waitUntil({
    what: "the Docker engine to answer after starting",
    timeoutMs,
    intervalMs: 500,
    signal: ctx.signal,
    hint: `Read ${join(cacheDir(), "logs", "dockerd.log")} (or \`journalctl -u docker\`) for why it failed to start.`,
    check: async () => ((await dockerAnswers(ctx.signal)) ? done(undefined) : notYet("docker version fails")),
  });
}

/** liveDockerdPid is the pid in /var/run/docker.pid when that process is alive and is dockerd. */
function liveDockerdPid(): number | undefined {
  try {
    const pid = Number(readFileSync("/var/run/docker.pid", "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "dockerd" ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function dockerAnswers(signal: AbortSignal): Promise<boolean> {
  const result = await run("docker", ["version", "--format", "{{.Server.Version}}"], {
    signal,
    timeoutMs: 10_000,
    allowFailure: true,
  }).catch(() => undefined);
  return result?.exitCode === 0;
}

/**
 * installGoToolchain unpacks the official Go toolchain, which the Go module proxy serves as the
 * module golang.org/toolchain, under kit's cache and links go and gofmt into kit's bin directory.
 */
export async function installGoToolchain(toolchain: string, ctx: FixContext): Promise<string> {
  const version = `v0.0.1-${toolchain}.linux-${process.arch === "arm64" ? "arm64" : "amd64"}`;
  const proxy = (process.env.GOPROXY ?? "https://proxy.golang.org").split(",")[0]?.replace(/\/$/, "");
  const url = `${proxy}/golang.org/toolchain/@v/${version}.zip`;
  const target = join(cacheDir(), "toolchains", toolchain);
  const goBinary = join(target, "bin", "go");
  if (!existsSync(goBinary)) {
    const work = `${target}.tmp-${process.pid}`;
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    try {
      ctx.log(`downloading ${url}`);
      const response = await fetch(url, { signal: ctx.signal });
      if (!response.ok) {
        throw new UserError(`The Go module proxy answered ${response.status} for ${url}`, {
          hint: "Check GOPROXY and that the toolchain version in kit/versions.json exists.",
        });
      }
      await writeFile(join(work, "go.zip"), Buffer.from(await response.arrayBuffer()));
      await run("unzip", ["-q", join(work, "go.zip"), "-d", join(work, "x")], {
        signal: ctx.signal,
        onLine: ctx.log,
      });
      await rename(join(work, "x", `golang.org`, `toolchain@${version}`), target);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  await mkdir(binDir(), { recursive: true });
  for (const tool of ["go", "gofmt"]) {
    const link = join(binDir(), tool);
    if (existsSync(link) || (await isSymlink(link))) await unlink(link);
    await symlink(join(target, "bin", tool), link);
  }
  return goBinary;
}

async function isSymlink(path: string): Promise<boolean> {
  const { lstat } = await import("node:fs/promises");
  return lstat(path)
    .then((s) => s.isSymbolicLink())
    .catch(() => false);
}
