import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { findPortHolder, parseProcNetTcp } from "./ports.ts";

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
