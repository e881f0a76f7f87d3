/** newOrderSchema validates POST /orders bodies. */
export const newOrderSchema = {
  type: "object",
  additionalProperties: false,
  required: ["customerId", "items", "currency"],
  properties: {
    customerId: { type: "string", minLength: 1, maxLength: 64 },
    currency: { type: "string", pattern: "^[A-Z]{3}$" },
    items: {
      type: "array",
      minItems: 1,
      maxItems: 100,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["sku", "quantity", "unitPrice"],
        properties: {
          sku: { type: "string", minLength: 1, maxLength: 64 },
          quantity: { type: "integer", minimum: 1, maximum: 10000 },
          unitPrice: { type: "number", minimum: 0, maximum: 1000000 },
        },
      },
    },
  },
} as const;

/** orderIdParamsSchema validates the :id of /orders/:id routes. */
export const orderIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[0-9a-f]{24}$" } },
} as const;

/** listQuerySchema validates GET /orders query strings. */
export const listQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
    cursor: { type: "string", minLength: 1, maxLength: 200 },
    customerId: { type: "string", minLength: 1, maxLength: 64 },
    status: { type: "string", enum: ["pending", "cancelled"] },
  },
} as const;

/** idempotencyHeadersSchema validates the optional Idempotency-Key header. */
export const idempotencyHeadersSchema = {
  type: "object",
  properties: { "idempotency-key": { type: "string", minLength: 1, maxLength: 200 } },
} as const;
