/**
 * Custom resource handler that links a signaling channel to a video stream
 * (`UpdateMediaStorageConfiguration`), so that WebRTC sessions on the channel are recorded.
 *
 * CloudFormation has no property for the link. The handler speaks the custom resource
 * protocol itself (it answers on the pre-signed `ResponseURL`), so the stack needs one
 * function and one role, not the provider framework's extra function.
 *
 * @see https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_UpdateMediaStorageConfiguration.html
 */
import * as https from 'https';
import {
  KinesisVideoClient,
  UpdateMediaStorageConfigurationCommand,
} from '@aws-sdk/client-kinesis-video';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** The properties the construct passes to the custom resource. */
export interface LinkProperties {
  readonly ChannelArn: string;
  readonly StreamArn: string;
}

/** How long the handler keeps retrying while a channel or stream is not ready. */
export interface RetryPolicy {
  /** Calls in all, the first included. */
  readonly attempts: number;
  /** The wait after the first failure; it doubles after each further one. */
  readonly baseDelayMs: number;
  /** The longest single wait. */
  readonly maxDelayMs: number;
}

/**
 * 10 calls with waits of 2, 4, 8, 16 s and then 30 s: at most 180 s of waiting, well inside the
 * function's 5-minute timeout, so CloudFormation always gets an answer.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 10, baseDelayMs: 2_000, maxDelayMs: 30_000 };

export interface HandlerOptions {
  readonly client?: KinesisVideoClient;
  readonly retryPolicy?: RetryPolicy;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface LinkResult {
  readonly physicalResourceId: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let defaultClient: KinesisVideoClient | undefined;

/**
 * Applies one CloudFormation event to the link. Throws an error with a message meant for the
 * person reading the stack events.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, options: HandlerOptions = {}): Promise<LinkResult> {
  const client = options.client ?? (defaultClient ??= new KinesisVideoClient({}));
  const retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? sleepFor;
  if (event.RequestType === 'Delete' && typeof event.ResourceProperties.ChannelArn !== 'string') {
    // A Create that failed on its properties linked nothing; its Delete has nothing to undo.
    return { physicalResourceId: event.PhysicalResourceId };
  }
  const props = linkProperties(event.ResourceProperties);

  switch (event.RequestType) {
    case 'Create':
      await link(client, props, retryPolicy, sleep);
      return { physicalResourceId: props.ChannelArn };

    case 'Update': {
      const old = linkProperties(event.OldResourceProperties);
      if (old.ChannelArn !== props.ChannelArn || old.StreamArn !== props.StreamArn) {
        // The mapping is one-to-one: a stream still mapped to the old channel refuses a new one,
        // and a channel keeps its old stream until told otherwise. Release first, then link.
        await unlink(client, old.ChannelArn, { toleratePermissionDenied: false });
        await link(client, props, retryPolicy, sleep);
      }
      // A new channel ARN gives a new physical id, and CloudFormation then sends a Delete for
      // the old one: unlinking the old channel again is harmless.
      return { physicalResourceId: props.ChannelArn };
    }

    case 'Delete':
      // The link is removed before the channel and stream (it references both). If the channel
      // is already gone, there is nothing left to unlink.
      await unlink(client, props.ChannelArn, { toleratePermissionDenied: true });
      return { physicalResourceId: event.PhysicalResourceId };
  }
}

/**
 * The Lambda entry point: applies the event, then reports the outcome to CloudFormation.
 */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  console.log(JSON.stringify({
    RequestType: event.RequestType,
    LogicalResourceId: event.LogicalResourceId,
    ResourceProperties: event.ResourceProperties,
    OldResourceProperties: event.RequestType === 'Update' ? event.OldResourceProperties : undefined,
  }));
  const common = {
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  };
  let body: Record<string, unknown>;
  try {
    const result = await onEvent(event);
    body = { ...common, Status: 'SUCCESS', PhysicalResourceId: result.physicalResourceId };
  } catch (e) {
    const message = (e as Error).message;
    console.error(message);
    body = {
      ...common,
      Status: 'FAILED',
      Reason: `${message} (see CloudWatch log stream ${context.logStreamName})`.slice(0, 4_000),
      // A failed Create still needs a physical id; CloudFormation sends a Delete for it later.
      PhysicalResourceId: event.RequestType === 'Create'
        ? stringOr(event.ResourceProperties.ChannelArn, event.RequestId)
        : event.PhysicalResourceId,
    };
  }
  await respond(event.ResponseURL, JSON.stringify(body));
}

async function link(
  client: KinesisVideoClient,
  props: LinkProperties,
  retryPolicy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new UpdateMediaStorageConfigurationCommand({
        ChannelARN: props.ChannelArn,
        MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: props.StreamArn },
      }));
      return;
    } catch (e) {
      const name = errorName(e);
      if (name === 'ResourceInUseException' && attempt < retryPolicy.attempts) {
        const delay = Math.min(retryPolicy.baseDelayMs * 2 ** (attempt - 1), retryPolicy.maxDelayMs);
        console.log(`attempt ${attempt}: ${name}, retrying in ${delay} ms`);
        await sleep(delay);
        waitedMs += delay;
        continue;
      }
      throw new Error(explainLinkFailure(name, e as Error, props, attempt, waitedMs));
    }
  }
}

async function unlink(client: KinesisVideoClient, channelArn: string, options: { toleratePermissionDenied: boolean }): Promise<void> {
  try {
    await client.send(new UpdateMediaStorageConfigurationCommand({
      ChannelARN: channelArn,
      MediaStorageConfiguration: { Status: 'DISABLED' },
    }));
  } catch (e) {
    const name = errorName(e);
    // The role may act only on channels that carry this stack's tag; once a channel is deleted
    // its tags are gone too, so IAM denies instead of the service answering "not found".
    if (name === 'ResourceNotFoundException' || (options.toleratePermissionDenied && name === 'AccessDeniedException')) {
      console.log(`channel ${channelArn} is already gone (${name}); nothing to unlink`);
      return;
    }
    throw new Error(`could not unlink signaling channel ${channelArn} from its video stream: ${name}: ${(e as Error).message}`);
  }
}

function explainLinkFailure(name: string, error: Error, props: LinkProperties, attempts: number, waitedMs: number): string {
  const what = `could not link signaling channel ${props.ChannelArn} to video stream ${props.StreamArn}`;
  switch (name) {
    case 'NoDataRetentionException':
      return `${what}: the video stream keeps no data. WebRTC ingestion records into the stream, ` +
        'so its retention must be at least 1 hour (DataRetentionInHours > 0).';
    case 'ResourceInUseException':
      return `${what}: still in use after ${attempts} attempts over ${Math.round(waitedMs / 1000)} s. ` +
        'Either the channel or the stream is not ACTIVE, or one of them is already linked to another ' +
        `channel or stream (the link is one-to-one). Service message: ${error.message}`;
    case 'ResourceNotFoundException':
      return `${what}: the channel or the stream does not exist. Service message: ${error.message}`;
    case 'AccessDeniedException':
      return `${what}: access denied. The link provider may only change channels that this stack created ` +
        `(tagged with this stack's id). Service message: ${error.message}`;
    default:
      return `${what}: ${name}: ${error.message}`;
  }
}

function linkProperties(properties: Record<string, unknown>): LinkProperties {
  const { ChannelArn, StreamArn } = properties;
  if (typeof ChannelArn !== 'string' || typeof StreamArn !== 'string') {
    throw new Error(`the custom resource needs the string properties ChannelArn and StreamArn, got ${JSON.stringify(properties)}`);
  }
  return { ChannelArn, StreamArn };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

/** PUTs the response to CloudFormation's pre-signed S3 URL (no content type: it is signed without one). */
export function respond(responseUrl: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.request(responseUrl, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: 30_000,
    }, (response) => {
      response.resume();
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve();
        } else {
          reject(new Error(`CloudFormation's response URL answered HTTP ${status}`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('no answer from CloudFormation\'s response URL within 30 s')));
    request.on('error', reject);
    request.end(body);
  });
}
