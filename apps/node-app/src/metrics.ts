import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Metrics are node-app's Prometheus metrics, on their own registry. */
export interface Metrics {
  registry: Registry;
  requests: Counter<"route" | "method" | "code">;
  durations: Histogram<"route">;
  streams: Gauge;
  sockets: Gauge;
  draining: Gauge;
}

/** createMetrics registers the request, stream, WebSocket and shutdown metrics plus Node's default ones. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: "http_requests_total",
      help: "HTTP requests served, by route, method and status code.",
      labelNames: ["route", "method", "code"],
      registers: [registry],
    }),
    durations: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request durations, by route.",
      labelNames: ["route"],
      registers: [registry],
    }),
    streams: new Gauge({
      name: "app_open_streams",
      help: "Server-sent event streams open now.",
      registers: [registry],
    }),
    sockets: new Gauge({
      name: "app_open_websockets",
      help: "WebSocket connections open now.",
      registers: [registry],
    }),
    draining: new Gauge({
      name: "app_draining",
      help: "1 once SIGTERM has arrived and the app is shutting down.",
      registers: [registry],
    }),
  };
}
