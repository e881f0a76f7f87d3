// The canary's entry point in CloudWatch Synthetics (handler order-canary.handler, runtime
// syn-nodejs-puppeteer, no browser opened): one business request per run against ORDER_API_URL. A
// thrown error fails the run, which the SuccessPercent alarm pages on (terraform/modules/synthetic-canary).
"use strict";

const { placeOrder } = require("./place-order.js");

exports.handler = async () => {
  const runId = `${new Date().toISOString()}-${Math.random().toString(36).slice(2, 10)}`;
  const result = await placeOrder({ baseUrl: process.env.ORDER_API_URL, runId });
  console.log(JSON.stringify({ msg: "order placed, read back and cancelled", ...result }));
  return result;
};
