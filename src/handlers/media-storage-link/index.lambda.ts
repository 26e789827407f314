/**
 * Custom resource handler that links a signaling channel to a video stream
 * (`UpdateMediaStorageConfiguration`), so that WebRTC sessions on the channel are recorded, and
 * records which link owns the mapping (./kvs-link). It answers CloudFormation itself
 * (../shared/cfn-response): one function and one role per stack, no provider framework.
 *
 * Built for fleets against hard quotas (10 TPS per account for the link): every call goes through
 * the one retry layer (../shared/retry), the SDK's own retries off. Why: docs/design/link-handler.md.
 */
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { KvsLink, LinkProperties, ownerRecord } from './kvs-link';
import { LINKS_IN_STACK_ENV } from '../../private/media-storage-link-settings';
import { CfnOutcome, responseBody, sendResponse } from '../shared/cfn-response';
import { Clock, DeadlineBoundCaller, RetryTiming } from '../shared/retry';

export type { LinkProperties };

/** Timing of the handler. Exported for the tests; the Lambda function uses `DEFAULT_TIMING`. */
export interface Timing extends RetryTiming {
  /** Kept free before the function's timeout to send the answer (with its own retries). */
  readonly answerMarginMs: number;
}

/**
 * Base 250 ms doubling to 4 s for resources not ACTIVE yet and errors; throttles are spread by the
 * number of links in the stack (`LINKS_IN_STACK_ENV`), at least 2 s apart. 5 s per call and a 10 s
 * margin: a call that never answers costs 5 s, and CloudFormation gets a FAILED well before the
 * function's timeout. The schedule and its bench figures: docs/design/link-handler.md, "Retry schedule".
 */
export const DEFAULT_TIMING: Timing = {
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  requestTimeoutMs: 5_000,
  throttleFloorMs: 2_000,
  spreadShare: 0.8,
  answerMarginMs: 10_000,
};

/** UpdateMediaStorageConfiguration: 10 calls per second per account (hard). */
export const UPDATE_CALLS_PER_SECOND = 10;
/** DescribeMediaStorageConfiguration, DescribeMappedResourceConfiguration, the tag calls: 50 each (hard). */
export const READ_CALLS_PER_SECOND = 50;

export { LINKS_IN_STACK_ENV };

/** The prefix of the physical id of a failed Create: its Delete has nothing to undo. */
export const FAILED_CREATE_PREFIX = 'failed-create:';

export interface HandlerOptions {
  readonly client?: KinesisVideoClient;
  readonly timing?: Timing;
  /** Epoch ms after which no KVS call starts and no wait extends. @default the Lambda context's, less the answer margin */
  readonly deadline?: number;
  /** Links in the stack. @default the LINKS_IN_STACK environment variable, else 1 */
  readonly linksInStack?: number;
  readonly clock?: Partial<Clock>;
}

export interface LinkResult {
  readonly physicalResourceId: string;
}

let defaultClient: KinesisVideoClient | undefined;

function newClient(timing: Timing): KinesisVideoClient {
  return new KinesisVideoClient({
    maxAttempts: 1, // ../shared/retry is the only retry layer
    requestHandler: { connectionTimeout: Math.min(2_000, timing.requestTimeoutMs), requestTimeout: timing.requestTimeoutMs },
  });
}

/**
 * Applies one CloudFormation event to the link. Throws an error with a message meant for the
 * person reading the stack events. Idempotent: Lambda may deliver the same event again.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, options: HandlerOptions & { deadline: number }): Promise<LinkResult> {
  const timing = options.timing ?? DEFAULT_TIMING;
  const contenders = options.linksInStack ?? linksInStack();
  const caller = (callsPerSecond: number) =>
    new DeadlineBoundCaller({ timing: { ...timing, contenders, callsPerSecond }, deadline: options.deadline, clock: options.clock });
  const kvs = new KvsLink(
    options.client ?? (defaultClient ??= newClient(timing)),
    caller(UPDATE_CALLS_PER_SECOND),
    caller(READ_CALLS_PER_SECOND),
    ownerRecord(event.StackId, event.LogicalResourceId),
  );

  if (event.RequestType === 'Delete') {
    if (event.PhysicalResourceId.startsWith(FAILED_CREATE_PREFIX) || typeof event.ResourceProperties.ChannelArn !== 'string') {
      // A Create that failed linked nothing this link owns; its Delete has nothing to undo.
      return { physicalResourceId: event.PhysicalResourceId };
    }
    await kvs.unlinkOwned(linkProperties(event.ResourceProperties), { deleting: true });
    return { physicalResourceId: event.PhysicalResourceId };
  }

  const props = linkProperties(event.ResourceProperties);
  if (event.RequestType === 'Create') {
    await kvs.link(props);
    return { physicalResourceId: props.ChannelArn };
  }

  const old = linkProperties(event.OldResourceProperties);
  if (old.ChannelArn !== props.ChannelArn || old.StreamArn !== props.StreamArn) {
    // One-to-one: release the old mapping (if this link owns it) before making the new one.
    const released = await kvs.unlinkOwned(old, { deleting: false });
    try {
      await kvs.link(props, released ? old.ChannelArn : undefined);
    } catch (e) {
      // Do not leave the camera recording nowhere until the rollback: put the old pair back.
      throw new Error(`${(e as Error).message}${released ? await kvs.restore(old) : ''}`);
    }
  }
  // A new id makes CloudFormation delete the old one: only when the channel, the resource, changed.
  return { physicalResourceId: old.ChannelArn !== props.ChannelArn ? props.ChannelArn : event.PhysicalResourceId };
}

/**
 * The Lambda entry point: applies the event, then reports the outcome to CloudFormation, always
 * before the function's timeout.
 */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  console.log(JSON.stringify({
    RequestType: event.RequestType,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
    ResourceProperties: event.ResourceProperties,
    OldResourceProperties: event.RequestType === 'Update' ? event.OldResourceProperties : undefined,
  }));
  const timing = DEFAULT_TIMING;
  const functionEnds = Date.now() + context.getRemainingTimeInMillis();
  let outcome: CfnOutcome;
  try {
    const result = await onEvent(event, { timing, deadline: functionEnds - timing.answerMarginMs });
    outcome = { status: 'SUCCESS', physicalResourceId: result.physicalResourceId };
  } catch (e) {
    const message = (e as Error).message;
    console.error(message);
    outcome = {
      status: 'FAILED',
      reason: `${message} (see CloudWatch log stream ${context.logStreamName})`,
      // CloudFormation sends a Delete for a failed Create's id: one that names no channel undoes nothing.
      physicalResourceId: event.RequestType === 'Create' ? `${FAILED_CREATE_PREFIX}${event.RequestId}` : undefined,
    };
  }
  const body = responseBody(event, outcome);
  console.log(`answering ${outcome.status}`);
  await sendResponse(event.ResponseURL, body, { deadline: functionEnds - 1_000 });
}

function linksInStack(): number {
  const value = Number(process.env[LINKS_IN_STACK_ENV]);
  return Number.isInteger(value) && value > 0 ? value : 1;
}

function linkProperties(properties: Record<string, unknown>): LinkProperties {
  const { ChannelArn, StreamArn } = properties;
  if (typeof ChannelArn !== 'string' || typeof StreamArn !== 'string') {
    throw new Error(`the custom resource needs the string properties ChannelArn and StreamArn, got ${JSON.stringify(properties)}`);
  }
  return { ChannelArn, StreamArn };
}
