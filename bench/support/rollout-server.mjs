// rollout-server is the trivial loopback app that bench/rollout-probe.ts points the probe and wrk
// at: GET / answers "ok", /stream is an event stream, /ws a WebSocket echo, each naming its "pod".
// It prints "listening <port>" once ready.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const pod = "bench-pod";
const server = createServer((req, res) => {
  if (req.url?.startsWith("/stream")) {
    const interval = Number(new URL(req.url, "http://x").searchParams.get("interval_ms") ?? 1000);
    res.writeHead(200, { "content-type": "text/event-stream", "x-served-by": pod });
    let seq = 0;
    const timer = setInterval(
      () => res.write(`event: tick\ndata: {"seq":${seq++},"pod":"${pod}"}\n\n`),
      interval,
    );
    res.on("close", () => clearInterval(timer));
    return;
  }
  res.writeHead(200, { "content-type": "text/plain", "content-length": "3", "x-served-by": pod });
  res.end("ok\n");
});
server.keepAliveTimeout = 60_000;
const wss = new WebSocketServer({ noServer: true });
server.on("upgrade", (req, socket, head) =>
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send(JSON.stringify({ type: "hello", pod }));
    ws.on("message", (data) => ws.send(data));
  }),
);
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
