import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";

/** Item is one stored record: the client's JSON object under `data`, with the id and time the service gave it. */
export interface Item {
  id: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Page is one page of a listing; `next` is where the following page starts (absent on the last). */
export interface Page {
  items: Item[];
  next?: { id: string };
}

/** ItemStore is where items live: DynamoDB in production, a map in the unit tests. */
export interface ItemStore {
  put(item: Item): Promise<void>;
  list(limit: number, after?: { id: string }): Promise<Page>;
  /** delete removes the item and says whether it was there. */
  delete(id: string): Promise<boolean>;
  /** ready says whether the store answers (the table exists and is ACTIVE); it throws with the reason when not. */
  ready(): Promise<void>;
}

/** DynamoItemStore keeps items in one DynamoDB table whose partition key is the string `id`. */
export class DynamoItemStore implements ItemStore {
  private readonly client: DynamoDBClient;
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly table: string,
    config: DynamoDBClientConfig,
  ) {
    this.client = new DynamoDBClient({ maxAttempts: 3, ...config });
    this.doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async put(item: Item): Promise<void> {
    // A new id is a UUID: the condition only guards against the impossible overwrite.
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: item, ConditionExpression: "attribute_not_exists(id)" }),
    );
  }

  async list(limit: number, after?: { id: string }): Promise<Page> {
    // A Scan may return fewer than Limit items and still have more; keep reading until the page is full.
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined = after;
    do {
      const out = await this.doc.send(
        new ScanCommand({ TableName: this.table, Limit: limit - items.length, ExclusiveStartKey: start }),
      );
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    const last = start ? items.at(-1) : undefined;
    return last ? { items, next: { id: last.id } } : { items };
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { id },
          ConditionExpression: "attribute_exists(id)",
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async ready(): Promise<void> {
    const out = await this.client.send(new DescribeTableCommand({ TableName: this.table }));
    const status = out.Table?.TableStatus;
    if (status !== "ACTIVE") throw new Error(`table ${this.table} is ${status ?? "unknown"}, not ACTIVE`);
  }

  destroy(): void {
    this.client.destroy();
  }
}
