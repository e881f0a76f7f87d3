// Types of place-order.js for TypeScript callers (kit's end-to-end test runs it against the real API).
export declare const CUSTOMER_ID: "synthetic-canary";
export declare class CanaryStepError extends Error {
  step: "config" | "create" | "read" | "cancel";
}
export interface PlaceOrderOptions {
  baseUrl: string;
  runId: string;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}
export declare function placeOrder(
  options: PlaceOrderOptions,
): Promise<{ orderId: string; timings: { create: number; read: number; cancel: number } }>;
