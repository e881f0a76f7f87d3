/**
 * KubeProxy stands in for kube-proxy on loopback: a TCP forwarder that sends each NEW connection
 * to one of the ready endpoints (round robin), while connections already open stay with their
 * pod (conntrack). A connection to an endpoint that refuses, or with no endpoint at all, is reset.
 */

import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

/** KubeProxy is a loopback TCP load balancer with a mutable endpoint list. */
export class KubeProxy {
  port = 0;
  private readonly endpoints: number[] = [];
  private next = 0;
  private server: Server | undefined;
  private readonly open = new Set<Socket>();

  /** url is the base URL clients use. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** setEndpoints replaces the ports new connections go to. */
  add(port: number): void {
    if (!this.endpoints.includes(port)) this.endpoints.push(port);
  }

  /** remove stops routing new connections to port. */
  remove(port: number): void {
    const i = this.endpoints.indexOf(port);
    if (i !== -1) this.endpoints.splice(i, 1);
  }

  /** listen starts the forwarder on an ephemeral port. */
  async listen(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (server.address() as AddressInfo).port;
  }

  private forward(client: Socket): void {
    this.open.add(client);
    client.on("close", () => this.open.delete(client));
    client.on("error", () => undefined);
    if (this.endpoints.length === 0) {
      client.resetAndDestroy();
      return;
    }
    const port = this.endpoints[this.next++ % this.endpoints.length] as number;
    const upstream = connect(port, "127.0.0.1");
    client.pause();
    upstream.on("connect", () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on("error", () => {
      if (!client.destroyed) client.resetAndDestroy();
    });
    upstream.on("close", (hadError) => {
      if (hadError && !client.destroyed) client.resetAndDestroy();
      else client.end();
    });
    client.on("close", () => upstream.destroy());
  }

  /** close stops the forwarder and drops every connection. */
  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
