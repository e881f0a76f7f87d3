// notice reads the consent notice in force from S3. Notices are large (every vendor and purpose,
// in every language), so the body is streamed through a hash and never held whole in memory; the
// handler answers with its version (the object's ETag), size and digest.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";

/** NoticeSummary is what the handler reports of the notice. */
export interface NoticeSummary {
  key: string;
  version: string;
  bytes: number;
  sha256: string;
}

/** NoticeMissingError: the bucket has no object at the key. */
export class NoticeMissingError extends Error {}

/** readNotice streams s3://bucket/key and returns its version, size and SHA-256. */
export async function readNotice(s3: S3Client, bucket: string, key: string): Promise<NoticeSummary> {
  let out: GetObjectCommandOutput;
  try {
    out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    if ((err as { name?: string }).name === "NoSuchKey")
      throw new NoticeMissingError(`s3://${bucket}/${key} does not exist`);
    throw err;
  }
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of out.Body as Readable) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { key, version: (out.ETag ?? "").replaceAll('"', ""), bytes, sha256: hash.digest("hex") };
}
