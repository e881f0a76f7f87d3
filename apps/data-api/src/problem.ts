import type { FastifyReply, FastifyRequest } from "fastify";

/** Problem is an RFC 9457 problem details object. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  [extension: string]: unknown;
}

/** HttpProblem is thrown by handlers to answer with a problem; the error handler renders it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

/** sendProblem answers with an application/problem+json body. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): FastifyReply {
  const body: Problem = {
    type: "about:blank",
    title,
    status,
    detail,
    instance: request.url.split("?")[0] ?? "",
    ...extensions,
  };
  return reply.code(status).type("application/problem+json").send(body);
}
