import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { findPortHolder, KIND_CLUSTER_LABEL, parseProcNetTcp, portProblems, portsHint } from "./ports.ts";

describe("parseProcNetTcp", () => {
  it("finds listening sockets on a port", () => {
    const text = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 424242 1",
      "   1: 0100007F:1389 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 515151 1",
      "   2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 616161 1",
    ].join("\n");
    expect(parseProcNetTcp(text, 5001)).toEqual(["424242"]);
    expect(parseProcNetTcp(text, 80)).toEqual(["616161"]);
    expect(parseProcNetTcp(text, 81)).toEqual([]);
  });
});

describe("findPortHolder", () => {
  it("names the process that listens on a port, and says nothing for a free one", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const holder = await findPortHolder(port);
      expect(holder).toMatchObject({ port, pid: process.pid });
      expect(holder?.command).toMatch(/node|vitest/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await findPortHolder(port)).toBeUndefined();
  });
});

describe("portProblems", () => {
  const owners = [
    { port: 4666, field: "aws.hostPort + port offset 100", ownedBy: () => false },
    { port: 27117, field: "database.hostPort + port offset 100", ownedBy: () => false },
    { port: 30180, field: "apps.web.hostPort + port offset 100", ownedBy: () => true },
    { port: 5101, field: "registry.hostPort + port offset 100", ownedBy: () => false },
  ];

  it("names another kit environment as the holder, and tells to give this one its own ports", () => {
    const { problems, heldByEnvironment } = portProblems(
      owners,
      [
        { port: 4666, container: "kit-shop-aws", labels: { "dev.kit.project": "shop" } },
        { port: 27117, pid: 4121, command: "mongod" },
        { port: 30180, container: "shop-b-control-plane" },
        undefined,
      ],
      "dev.kit.project",
    );
    expect(problems).toEqual([
      "Port 4666 (aws.hostPort + port offset 100) is already in use by kit environment shop (container kit-shop-aws).",
      "Port 27117 (database.hostPort + port offset 100) is already in use by pid 4121 (mongod).",
    ]);
    expect(heldByEnvironment).toBe(true);
    expect(portsHint(2, true)).toMatch(
      /--port-offset N \(KIT_PORT_OFFSET, or environments\.local\.portOffset/,
    );
  });

  it("recognises a kind node of another environment by kind's cluster label", () => {
    const { problems } = portProblems(
      [{ port: 30080, field: "apps.web.hostPort", ownedBy: () => false }],
      [{ port: 30080, container: "shop-control-plane", labels: { [KIND_CLUSTER_LABEL]: "shop" } }],
      "dev.kit.project",
    );
    expect(problems).toEqual([
      "Port 30080 (apps.web.hostPort) is already in use by kit environment shop (container shop-control-plane).",
    ]);
    expect(portsHint(1, false)).toMatch(/^Free it or choose another port/);
  });
});
