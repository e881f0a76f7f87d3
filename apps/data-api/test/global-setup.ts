import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";

const HOW_TO =
  "The data-api tests need a real DynamoDB API. From the repository root, `npm test` starts kit's AWS emulator " +
  "(moto) for them and passes AWS_ENDPOINT_URL. To run them here by hand, start one (`npx kit up` and use its " +
  "emulator, or `docker run -p 4566:5000 motoserver/moto`) and run `AWS_ENDPOINT_URL=http://127.0.0.1:4566 npm test`.";

/** setup fails the whole run, loudly, when there is no DynamoDB to test against. */
export default async function setup(): Promise<void> {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error(`AWS_ENDPOINT_URL is not set. ${HOW_TO}`);
  const client = new DynamoDBClient(dynamoConfig());
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } catch (err) {
    throw new Error(
      `DynamoDB at ${endpoint} does not answer ListTables (${(err as Error).message}). ${HOW_TO}`,
    );
  } finally {
    client.destroy();
  }
}

/** dynamoConfig points the SDK at the emulator with the test credentials every emulator accepts. */
export function dynamoConfig() {
  return {
    endpoint: process.env.AWS_ENDPOINT_URL,
    region: process.env.AWS_REGION || "us-east-1",
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || "test",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || "test",
    },
  };
}
