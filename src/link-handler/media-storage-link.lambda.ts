/**
 * Custom resource handler that links a signaling channel to a video stream
 * (`UpdateMediaStorageConfiguration`), so that WebRTC sessions on the channel are recorded.
 *
 * CloudFormation has no property for the link. The handler speaks the custom resource
 * protocol itself (./cfn-response: the answer on the pre-signed `ResponseURL`), so the stack
 * needs one function and one role, not the provider framework's extra function.
 *
 * Built for fleets: CloudFormation creates (and deletes) the links of a 100-camera stack within
 * seconds, against hard quotas of 10 TPS per account and 5 TPS per channel for
 * UpdateMediaStorageConfiguration (DescribeMediaStorageConfiguration: 50 and 5 per channel;
 * DescribeMappedResourceConfiguration: 50 and 5 per stream), signalled by
 * `ClientLimitExceededException`, HTTP 400. Every call is retried by this module, not by the SDK:
 *
 * What the SDK v3 retries by itself (read in @smithy/core 3.41, `submodules/retry`, which
 * holds what used to be @smithy/service-error-classification and @smithy/util-retry):
 * throttling = HTTP 429, or an error name in THROTTLING_ERROR_CODES (ThrottlingException,
 * TooManyRequestsException, LimitExceededException, ... but NOT ClientLimitExceededException),
 * or a `$retryable.throttling` trait (the KVS model gives none); transient = TimeoutError,
 * RequestTimeout(Exception), ECONNRESET/ECONNREFUSED/EPIPE/ETIMEDOUT/EHOSTUNREACH/ENETUNREACH/
 * ENOTFOUND/EAI_AGAIN, HTTP 500/502/503/504, never an AbortError; plus other 5xx as server
 * errors. Default 3 attempts, backoff up to 20 s, and a retry token bucket. So the SDK would
 * retry the 5xx and network errors but never the throttling that matters here, and on its own
 * schedule that knows nothing about the invocation's remaining time. The client is therefore
 * built with `maxAttempts: 1`: one retry layer (this one), full jitter, bounded by the deadline,
 * instead of two layers whose attempts multiply (3 SDK attempts per handler attempt).
 *
 * @see https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_UpdateMediaStorageConfiguration.html
 * @see https://docs.aws.amazon.com/kinesisvideostreams-webrtc-dg/latest/devguide/kvswebrtc-limits.html
 * @see https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/
 */
import {
  DescribeMappedResourceConfigurationCommand,
  DescribeMappedResourceConfigurationCommandOutput,
  DescribeMediaStorageConfigurationCommand,
  DescribeMediaStorageConfigurationCommandOutput,
  KinesisVideoClient,
  UpdateMediaStorageConfigurationCommand,
} from '@aws-sdk/client-kinesis-video';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { CfnOutcome, responseBody, sendResponse } from './cfn-response';

/** The properties the construct passes to the custom resource. */
export interface LinkProperties {
  readonly ChannelArn: string;
  readonly StreamArn: string;
}

/** Timing of the handler. Exported for the tests; the Lambda function uses `DEFAULT_TIMING`. */
export interface Timing {
  /** First backoff ceiling; it doubles after each failed attempt (full jitter: the wait is uniform in [0, ceiling]). */
  readonly baseDelayMs: number;
  /** The largest backoff ceiling. */
  readonly maxDelayMs: number;
  /** Longest a single KVS call may take (the control plane answers in well under a second). */
  readonly requestTimeoutMs: number;
  /** Kept free before the function's timeout to send the answer (with its own retries). */
  readonly answerMarginMs: number;
}

/**
 * Base 250 ms, ceiling 4 s: with 100 links queued on a 10 TPS quota, the waiting callers spread
 * their retries over a few seconds, so the quota stays busy without a long tail (see the bench).
 * 5 s per call and a 10 s margin: a call that never answers costs 5 s, and CloudFormation gets a
 * FAILED well before the function's 5-minute timeout.
 */
export const DEFAULT_TIMING: Timing = {
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  requestTimeoutMs: 5_000,
  answerMarginMs: 10_000,
};

export interface HandlerOptions {
  readonly client?: KinesisVideoClient;
  readonly timing?: Timing;
  /** Epoch ms after which no KVS call starts and no wait extends. @default 4 min 50 s from now */
  readonly deadline?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface LinkResult {
  readonly physicalResourceId: string;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let defaultClient: KinesisVideoClient | undefined;

function newClient(timing: Timing): KinesisVideoClient {
  return new KinesisVideoClient({
    maxAttempts: 1, // see the module comment: this module is the only retry layer
    requestHandler: { connectionTimeout: Math.min(2_000, timing.requestTimeoutMs), requestTimeout: timing.requestTimeoutMs },
  });
}

/** An error that retrying cannot cure: reported at once. */
class PermanentError extends Error {}

/**
 * Applies one CloudFormation event to the link. Throws an error with a message meant for the
 * person reading the stack events. Idempotent: Lambda may deliver the same event again.
 */
export async function onEvent(event: CloudFormationCustomResourceEvent, options: HandlerOptions = {}): Promise<LinkResult> {
  const timing = options.timing ?? DEFAULT_TIMING;
  const now = options.now ?? Date.now;
  const kvs = new Kvs(
    options.client ?? (defaultClient ??= newClient(timing)),
    timing,
    options.deadline ?? now() + 300_000 - timing.answerMarginMs,
    now,
    options.sleep ?? sleepFor,
    options.random ?? Math.random,
  );
  if (event.RequestType === 'Delete' && typeof event.ResourceProperties.ChannelArn !== 'string') {
    // A Create that failed on its properties linked nothing; its Delete has nothing to undo.
    return { physicalResourceId: event.PhysicalResourceId };
  }
  const props = linkProperties(event.ResourceProperties);

  switch (event.RequestType) {
    case 'Create':
      await kvs.link(props);
      return { physicalResourceId: props.ChannelArn };

    case 'Update': {
      const old = linkProperties(event.OldResourceProperties);
      if (old.ChannelArn !== props.ChannelArn || old.StreamArn !== props.StreamArn) {
        // The mapping is one-to-one: a stream still mapped to the old channel refuses a new one,
        // and a channel keeps its old stream until told otherwise. Release first, then link.
        const released = await kvs.unlinkIfLinked(old, { channelMayBeGone: false });
        try {
          await kvs.link(props, released ? old.ChannelArn : undefined);
        } catch (e) {
          // Do not leave the camera recording nowhere until the rollback (which may be disabled):
          // put the old pair back while there is time. The rollback's Update re-links it anyway.
          throw new Error(`${(e as Error).message}${released ? await kvs.restore(old) : ''}`);
        }
      }
      // A new channel ARN gives a new physical id, and CloudFormation then sends a Delete for the
      // old one, which unlinks the old channel only if it is still linked to the old stream.
      return { physicalResourceId: props.ChannelArn };
    }

    case 'Delete':
      // The link is removed before the channel and stream (it references both). The Delete of a
      // replaced link's old physical id (after an Update or a rollback) finds the old channel no
      // longer linked to its stream and leaves the new link alone.
      await kvs.unlinkIfLinked(props, { channelMayBeGone: true });
      return { physicalResourceId: event.PhysicalResourceId };
  }
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
      // A failed Create still needs a physical id; CloudFormation sends a Delete for it later.
      physicalResourceId: event.RequestType === 'Create' ? stringOr(event.ResourceProperties.ChannelArn, event.RequestId) : undefined,
    };
  }
  const body = responseBody(event, outcome);
  console.log(`answering ${outcome.status}`);
  await sendResponse(event.ResponseURL, body, { deadline: functionEnds - 1_000 });
}

/** One deadline-bounded conversation with the KVS control plane. */
class Kvs {
  constructor(
    private readonly client: KinesisVideoClient,
    private readonly timing: Timing,
    private readonly deadline: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly random: () => number,
  ) {}

  /**
   * Links the pair; succeeds at once if it is already linked (a redelivered event).
   * @param justReleased a channel this invocation has just unlinked from the stream: a mapping to it
   * that the stream still reports is on its way out, not a conflict
   */
  public async link(props: LinkProperties, justReleased?: string): Promise<void> {
    const what = `could not link signaling channel ${props.ChannelArn} to video stream ${props.StreamArn}`;
    let lastLook = -Infinity;
    let streamReadable = true;
    await this.retrying(what, async () => {
      try {
        await this.call(new UpdateMediaStorageConfigurationCommand({
          ChannelARN: props.ChannelArn,
          MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: props.StreamArn },
        }));
        return true;
      } catch (e) {
        // In use: a resource not ACTIVE yet (retry), or a mapping. The channel's own mapping is one
        // read away (tag-scoped like the link itself): look at most once a second, well inside the
        // per-channel Describe quota of 5 TPS, because the answer changes when a concurrent delivery
        // of the same event, or an earlier call that timed out but went through, links the pair.
        if (errorName(e) !== 'ResourceInUseException' || this.now() - lastLook < 1_000) {
          throw e;
        }
        lastLook = this.now();
        const current = await this.describeOnce(props.ChannelArn);
        if (current?.Status === 'ENABLED' && current.StreamARN === props.StreamArn) {
          console.log('already linked (a repeated event, or an earlier call that timed out but went through)');
          return true;
        }
        if (current?.Status === 'ENABLED') {
          throw new PermanentError(`${what}: the channel is already linked to video stream ${current.StreamARN} ` +
            '(the link is one-to-one); unlink it first');
        }
        // The channel is free (or its read failed), so the stream is not ACTIVE yet or is mapped to
        // another channel; the stream's own mapping tells which (a read tag-scoped like the channel's:
        // denied on an imported stream or one of another stack, which then keep being retried until
        // the deadline). A mapping to the channel this Update just released is on its way out.
        if (!streamReadable) {
          throw e;
        }
        const mapped = await this.mappedChannelOnce(props.StreamArn);
        if (mapped === 'denied') {
          streamReadable = false; // the role's permissions do not change within an invocation
          throw e;
        }
        if (mapped === props.ChannelArn) {
          console.log('already linked (the stream reports this channel as its mapped resource)');
          return true;
        }
        if (mapped !== undefined && mapped !== justReleased) {
          throw new PermanentError(`${what}: the video stream is already linked to signaling channel ${mapped} ` +
            '(a stream records one channel: the link is one-to-one). Unlink that channel first (remove its ' +
            'MediaStorageLink, or disable its media storage configuration), or choose another stream.');
        }
        throw e;
      }
    }, (name, error, attempts, waitedMs) => explainLinkFailure(what, name, error, attempts, waitedMs));
  }

  /**
   * Unlinks the channel if it is linked to this stream. A channel linked to another stream
   * is someone else's link now (a replacement's new pair), and a channel that is gone has nothing
   * to unlink.
   * @returns whether a link was released
   */
  public async unlinkIfLinked(props: LinkProperties, options: { channelMayBeGone: boolean }): Promise<boolean> {
    const what = `could not unlink signaling channel ${props.ChannelArn} from its video stream`;
    const gone = (name: string) => name === 'ResourceNotFoundException' ||
      // The role may act only on channels that carry this stack's tag; once a channel is deleted
      // its tags are gone too, so IAM denies instead of the service answering "not found".
      (options.channelMayBeGone && name === 'AccessDeniedException');
    let current: { Status?: string; StreamARN?: string } | undefined;
    try {
      current = await this.retrying(what, async () => {
        return this.describe(props.ChannelArn);
      }, (name, error) => `${what}: ${name}: ${error.message}`);
    } catch (e) {
      const name = errorName((e as { cause?: unknown }).cause);
      if (gone(name)) {
        console.log(`channel ${props.ChannelArn} is already gone (${name}); nothing to unlink`);
        return false;
      }
      if (name !== 'AccessDeniedException') {
        throw e;
      }
      current = undefined; // no permission to read (a role from an older version): unlink blindly
    }
    if (current && current.Status !== 'ENABLED') {
      console.log(`channel ${props.ChannelArn} is not linked; nothing to unlink`);
      return false;
    }
    if (current && current.StreamARN !== props.StreamArn) {
      console.log(`channel ${props.ChannelArn} is linked to ${current.StreamARN}, not ${props.StreamArn}; left alone`);
      return false;
    }
    try {
      await this.retrying(what, async () => {
        await this.call(new UpdateMediaStorageConfigurationCommand({
          ChannelARN: props.ChannelArn,
          MediaStorageConfiguration: { Status: 'DISABLED' },
        }));
        return true;
      }, (name, error, attempts, waitedMs) => `${what}: ${name} after ${attempts} attempt(s) over ${Math.round(waitedMs / 1000)} s: ${error.message}`);
    } catch (e) {
      const name = errorName((e as { cause?: unknown }).cause);
      if (gone(name)) {
        console.log(`channel ${props.ChannelArn} is already gone (${name}); nothing to unlink`);
        return false;
      }
      throw e;
    }
    return true;
  }

  /** Best effort after a failed Update: re-link the old pair. Returns a sentence for the Reason. */
  public async restore(old: LinkProperties): Promise<string> {
    try {
      await this.link(old);
      return `. The previous link (${old.ChannelArn} to ${old.StreamArn}) was restored.`;
    } catch (e) {
      return `. The previous link could not be restored either (the rollback will retry): ${(e as Error).message}`;
    }
  }

  /** The channel's link as the service sees it (Status DISABLED when there is none). */
  private async describe(channelArn: string): Promise<{ Status?: string; StreamARN?: string }> {
    const command = new DescribeMediaStorageConfigurationCommand({ ChannelARN: channelArn });
    const answer = await this.call<DescribeMediaStorageConfigurationCommandOutput>(command);
    return answer.MediaStorageConfiguration ?? {};
  }

  /**
   * The channel the stream is mapped to, once: `undefined` when it is mapped to nothing (or the
   * read failed for a reason worth retrying), `'denied'` when the role may not read it.
   * The list holds at most one item (API reference: "Maximum number of 1 item"); the values of its
   * `Type` are not documented, so the item is recognized by its ARN alone.
   */
  private async mappedChannelOnce(streamArn: string): Promise<string | 'denied' | undefined> {
    try {
      const command = new DescribeMappedResourceConfigurationCommand({ StreamARN: streamArn });
      const answer = await this.call<DescribeMappedResourceConfigurationCommandOutput>(command);
      return answer.MappedResourceConfigurationList?.find(item => item.ARN?.includes(':channel/'))?.ARN;
    } catch (e) {
      const name = errorName(e);
      console.log(`could not read the stream's mapped resource (${name}); retrying the link`);
      return name === 'AccessDeniedException' ? 'denied' : undefined;
    }
  }

  private async describeOnce(channelArn: string): Promise<{ Status?: string; StreamARN?: string } | undefined> {
    try {
      return await this.describe(channelArn);
    } catch (e) {
      console.log(`could not read the channel's media storage configuration (${errorName(e)}); retrying the link`);
      return undefined;
    }
  }

  /**
   * Runs `attempt` until it returns, retrying what is worth retrying with capped exponential
   * backoff and full jitter, never past the deadline. Throws an Error whose `cause` is the last
   * error and whose message is `explain(...)`.
   */
  private async retrying<T>(
    what: string,
    attempt: () => Promise<T>,
    explain: (name: string, error: Error, attempts: number, waitedMs: number) => string,
  ): Promise<T> {
    const started = this.now();
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        const error = e as Error;
        const name = errorName(e);
        const waitedMs = this.now() - started;
        if (e instanceof PermanentError) {
          throw e;
        }
        if (!isRetryable(error)) {
          throw withCause(explain(name, error, n, waitedMs), e);
        }
        const ceiling = Math.min(this.timing.maxDelayMs, this.timing.baseDelayMs * 2 ** (n - 1));
        const delay = Math.round(this.random() * ceiling);
        if (this.now() + delay >= this.deadline) {
          throw withCause(`${explain(name, error, n, waitedMs)} (gave up: the function must answer CloudFormation before its timeout)`, e);
        }
        console.log(`${what.replace(/^could not /, '')}: attempt ${n}: ${name}; retrying in ${delay} ms`);
        await this.sleep(delay);
      }
    }
  }

  /** One SDK call, aborted after the request timeout or at the deadline, whichever comes first. */
  private async call<O>(
    command: UpdateMediaStorageConfigurationCommand | DescribeMediaStorageConfigurationCommand | DescribeMappedResourceConfigurationCommand,
  ): Promise<O> {
    const left = this.deadline - this.now();
    if (left <= 0) {
      throw Object.assign(new Error('no time left before the function must answer'), { name: 'DeadlineExceeded' });
    }
    const controller = new AbortController();
    const timeoutMs = Math.min(this.timing.requestTimeoutMs, left);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The abort signal cancels the request in the SDK's HTTP handler; the race makes the bound hold
    // even for a handler that ignores the signal.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(Object.assign(new Error(`no answer from Kinesis Video within ${timeoutMs} ms`), { name: 'TimeoutError' }));
      }, timeoutMs);
    });
    try {
      const send = this.client.send as (c: unknown, o: unknown) => Promise<O>;
      return await Promise.race([send.call(this.client, command, { abortSignal: controller.signal }), timedOut]);
    } catch (e) {
      if (controller.signal.aborted) {
        throw Object.assign(new Error(`no answer from Kinesis Video within ${timeoutMs} ms`), { name: 'TimeoutError' });
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Throttling (ClientLimitExceededException), resources not ACTIVE yet (ResourceInUseException),
 * server errors, and failures without an HTTP answer (network errors, our own timeouts).
 * DeadlineExceeded is not retried: there is no time left.
 */
function isRetryable(error: Error & { $metadata?: { httpStatusCode?: number }; $fault?: string }): boolean {
  const name = error.name;
  if (name === 'DeadlineExceeded') {
    return false;
  }
  if (name === 'ClientLimitExceededException' || name === 'ResourceInUseException' || name === 'TimeoutError') {
    return true;
  }
  const status = error.$metadata?.httpStatusCode;
  if (status !== undefined) {
    return status >= 500 || status === 429;
  }
  // No HTTP status: the request never got an answer (ECONNRESET, socket hang up, ...), unless it
  // is a client-side error of ours (a bad property), which never reaches this point.
  return true;
}

function explainLinkFailure(what: string, name: string, error: Error, attempts: number, waitedMs: number): string {
  switch (name) {
    case 'NoDataRetentionException':
      return `${what}: the video stream keeps no data. WebRTC ingestion records into the stream, ` +
        'so its retention must be at least 1 hour (DataRetentionInHours > 0).';
    case 'ResourceInUseException':
      return `${what}: still in use after ${attempts} attempts over ${Math.round(waitedMs / 1000)} s. ` +
        'Either the channel or the stream is not ACTIVE, or the stream is already linked to another ' +
        `channel (the link is one-to-one). Service message: ${error.message}`;
    case 'ClientLimitExceededException':
      return `${what}: throttled by Kinesis Video (ClientLimitExceededException) after ${attempts} attempts over ` +
        `${Math.round(waitedMs / 1000)} s; UpdateMediaStorageConfiguration allows 10 calls per second per account. ` +
        `Service message: ${error.message}`;
    case 'ResourceNotFoundException':
      return `${what}: the channel or the stream does not exist. Service message: ${error.message}`;
    case 'AccessDeniedException':
      return `${what}: access denied. The link provider may only change channels that this stack created ` +
        `(tagged with this stack's id). Service message: ${error.message}`;
    default:
      return `${what}: ${name} after ${attempts} attempt(s) over ${Math.round(waitedMs / 1000)} s: ${error.message}`;
  }
}

function withCause(message: string, cause: unknown): Error {
  return Object.assign(new Error(message), { cause });
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
