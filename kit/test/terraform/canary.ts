/**
 * canary is a set of TCP listeners on the host that count every connection: on 0.0.0.0 (so on
 * every address of the host) and on the Docker bridge's gateway address. A sandboxed run must
 * leave them untouched; a positive control from an ordinary container proves they answer.
 */
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { docker } from "../../src/tools/docker.ts";

/** Canary is the running listeners and what they saw. */
export interface Canary {
  /** host:port targets on the host's addresses (0.0.0.0 listener) and the bridge gateway. */
  targets: string[];
  /** A target on the bridge gateway, and one on another host address. */
  gatewayTarget: string;
  hostTarget: string;
  /** Connections received so far: "listener <- remote address". */
  hits: string[];
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}

/** startCanary starts the listeners on free ports. */
export async function startCanary(): Promise<Canary> {
  const hits: string[] = [];
  const make = (label: string): Server =>
    createServer((socket) => {
      hits.push(`${label} <- ${socket.remoteAddress}`);
      // The probe closes its end at once, so the greeting may meet a reset socket (ECONNRESET,
      // EPIPE); the connection is already counted, and an unhandled socket error would fail the run.
      socket.on("error", () => undefined);
      socket.end("canary\n");
    });
  const gateway = (
    await docker(["network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}"])
  ).trim();
  const any = make("0.0.0.0");
  const onGateway = make(gateway);
  const anyPort = await listen(any, 0, "0.0.0.0");
  const gatewayPort = await listen(onGateway, 0, gateway);
  const hostAddresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === "IPv4" && !a.internal)
    .map((a) => a?.address as string);
  const targets = [...new Set([...hostAddresses.map((a) => `${a}:${anyPort}`), `${gateway}:${gatewayPort}`])];
  const other = hostAddresses.find((a) => a !== gateway) ?? gateway;
  return {
    targets,
    gatewayTarget: `${gateway}:${gatewayPort}`,
    hostTarget: `${other}:${anyPort}`,
    hits,
    close: async () => {
      await Promise.all([any, onGateway].map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/**
 * probeScript tries a TCP connection to each host:port with bash's /dev/tcp (the base image has
 * no curl) and prints CONNECTED or blocked for each, then what DNS and IPv6 give.
 */
export function probeScript(targets: string[]): string {
  return [
    `for target in ${targets.join(" ")}; do`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash parameter expansion, not a JS template
    '  if timeout 5 bash -c "exec 3<>/dev/tcp/${target%:*}/${target##*:}" 2>/dev/null; then',
    '    echo "CONNECTED $target"; else echo "blocked $target"; fi',
    "done",
    'getent hosts deb.debian.org >/dev/null && echo "dns: answered" || echo "dns: no answer"',
    'echo "ipv6 addresses: $(grep -c . /proc/net/if_inet6 2>/dev/null || echo 0)"',
  ].join("\n");
}
