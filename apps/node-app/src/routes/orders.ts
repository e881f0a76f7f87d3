import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";
import { decodeCursor, encodeCursor, type NewOrder, type OrderStatus } from "../orders/model.ts";
import {
  idempotencyHeadersSchema,
  listQuerySchema,
  newOrderSchema,
  orderIdParamsSchema,
} from "../orders/schemas.ts";
import { sendProblem } from "../problem.ts";

/** registerOrderRoutes adds the order API: create, get, list (cursor pagination) and cancel. */
export function registerOrderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { orders } = ctx;

  app.post<{ Body: NewOrder; Headers: { "idempotency-key"?: string } }>(
    "/orders",
    { schema: { body: newOrderSchema, headers: idempotencyHeadersSchema } },
    async (request, reply) => {
      const key = request.headers["idempotency-key"];
      const result = await orders.create(request.body, key);
      if (result.kind === "key-conflict") {
        return sendProblem(
          request,
          reply,
          422,
          "Idempotency-Key reused",
          `Idempotency-Key ${JSON.stringify(key)} was used for order ${result.order.id} with a different request body`,
          { orderId: result.order.id },
        );
      }
      return reply
        .code(result.kind === "created" ? 201 : 200)
        .header("location", `/orders/${result.order.id}`)
        .send(result.order);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/orders/:id",
    { schema: { params: orderIdParamsSchema } },
    async (request, reply) => {
      const order = await orders.get(request.params.id);
      if (!order)
        return sendProblem(request, reply, 404, "Order not found", `no order has id ${request.params.id}`);
      return order;
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string; customerId?: string; status?: OrderStatus } }>(
    "/orders",
    { schema: { querystring: listQuerySchema } },
    async (request, reply) => {
      const { limit, cursor, customerId, status } = request.query;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && after === undefined) {
        return sendProblem(
          request,
          reply,
          400,
          "Invalid cursor",
          "cursor must be a nextCursor value from an earlier page",
        );
      }
      const page = await orders.list({ limit, after, customerId, status });
      return {
        items: page.items,
        nextCursor: page.hasMore && page.lastId ? encodeCursor(page.lastId) : null,
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    "/orders/:id/cancel",
    { schema: { params: orderIdParamsSchema } },
    async (request, reply) => {
      const result = await orders.cancel(request.params.id);
      switch (result.kind) {
        case "cancelled":
          return result.order;
        case "not-found":
          return sendProblem(request, reply, 404, "Order not found", `no order has id ${request.params.id}`);
        case "not-pending":
          return sendProblem(
            request,
            reply,
            409,
            "Order cannot be cancelled",
            `order ${request.params.id} is ${result.order.status}; only pending orders can be cancelled`,
            { orderStatus: result.order.status },
          );
      }
    },
  );
}
