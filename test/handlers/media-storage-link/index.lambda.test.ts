/**
 * The link handler (src/handlers/media-storage-link/index.lambda.ts): `onEvent` on each request
 * type, the link's logic of kvs-link.ts (ownership, conflicts, retries) reached through it, and
 * `handler`'s answer to CloudFormation. The Kinesis Video client is mocked (aws-sdk-client-mock),
 * the clock is fake, and the response PUT goes to a stand-in of `https.request`.
 */
import type { OutgoingHttpHeaders } from 'http';
import {
  AccessDeniedException,
  ClientLimitExceededException,
  DescribeMappedResourceConfigurationCommand,
  DescribeMediaStorageConfigurationCommand,
  InvalidArgumentException,
  KinesisVideoClient,
  NoDataRetentionException,
  ResourceInUseException,
  ResourceNotFoundException,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateMediaStorageConfigurationCommand,
  UpdateMediaStorageConfigurationCommandInput,
} from '@aws-sdk/client-kinesis-video';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
  Context,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_TIMING, FAILED_CREATE_PREFIX, handler, onEvent } from '../../../src/handlers/media-storage-link/index.lambda';
import { LINK_OWNER_TAG_KEY, ownerRecord } from '../../../src/handlers/media-storage-link/kvs-link';
import { CHANNEL, fakeHttps, LOGICAL_ID, NEW_CHANNEL, REQUEST_ID, RESPONSE_URL, STACK_ID } from '../../util/cfn-request';

const STREAM = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door/1700000000001';
const NEW_STREAM = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door-2/1700000000003';

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:MediaStorageLink';
const LOG_STREAM = '2024/01/01/[$LATEST]0123456789abcdef';

// ---------------------------------------------------------------------------------------------
// Event factories
// ---------------------------------------------------------------------------------------------

type Props = Record<string, unknown>;

const common = {
  ServiceToken: SERVICE_TOKEN,
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  RequestId: REQUEST_ID,
  LogicalResourceId: LOGICAL_ID,
  ResourceType: 'Custom::KinesisVideoMediaStorageLink',
};

function resourceProperties(props: Props) {
  return { ServiceToken: SERVICE_TOKEN, ...props };
}

function createEvent(props: Props = { ChannelArn: CHANNEL, StreamArn: STREAM }): CloudFormationCustomResourceCreateEvent {
  return { ...common, RequestType: 'Create', ResourceProperties: resourceProperties(props) };
}

/** The fields an Update and a Delete share: the resource exists, under `physicalResourceId`. */
function onExisting(props: Props, physicalResourceId: string) {
  return { ...common, PhysicalResourceId: physicalResourceId, ResourceProperties: resourceProperties(props) };
}

function updateEvent(props: Props, oldProps: Props, physicalResourceId: string = CHANNEL): CloudFormationCustomResourceUpdateEvent {
  return { ...onExisting(props, physicalResourceId), RequestType: 'Update', OldResourceProperties: resourceProperties(oldProps) };
}

function deleteEvent(
  props: Props = { ChannelArn: CHANNEL, StreamArn: STREAM },
  physicalResourceId: string = CHANNEL,
): CloudFormationCustomResourceDeleteEvent {
  return { ...onExisting(props, physicalResourceId), RequestType: 'Delete' };
}

/** The Update that replaces the channel, or the stream, of the pair CHANNEL to STREAM. */
const replaceChannel = () => updateEvent({ ChannelArn: NEW_CHANNEL, StreamArn: STREAM }, { ChannelArn: CHANNEL, StreamArn: STREAM });
const replaceStream = () => updateEvent({ ChannelArn: CHANNEL, StreamArn: NEW_STREAM }, { ChannelArn: CHANNEL, StreamArn: STREAM });

function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'MediaStorageLink',
    functionVersion: '$LATEST',
    invokedFunctionArn: SERVICE_TOKEN,
    memoryLimitInMB: '128',
    awsRequestId: 'lambda-request-id',
    logGroupName: '/aws/lambda/MediaStorageLink',
    logStreamName: LOG_STREAM,
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// SDK errors
// ---------------------------------------------------------------------------------------------

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });
const inUse = (message = 'The resource is in use') => new ResourceInUseException({ message, ...meta(400) });
const notFound = (message = 'The channel does not exist') => new ResourceNotFoundException({ message, ...meta(404) });
const accessDenied = (message = 'User is not authorized to perform kinesisvideo:UpdateMediaStorageConfiguration') =>
  new AccessDeniedException({ message, ...meta(401) });
const noRetention = (message = 'The stream has no data retention') => new NoDataRetentionException({ message, ...meta(400) });
const throttled = (message = 'Rate exceeded') => new ClientLimitExceededException({ message, ...meta(400) });
const invalid = (message = 'bad input') => new InvalidArgumentException({ message, ...meta(400) });
const serverError = () => Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', ...meta(500) });
const networkError = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const kvs = mockClient(KinesisVideoClient);

/** The inputs of every UpdateMediaStorageConfiguration call, in order. */
function calls(): UpdateMediaStorageConfigurationCommandInput[] {
  return kvs.commandCalls(UpdateMediaStorageConfigurationCommand).map((call) => call.args[0].input);
}

/** The channel ARNs of every DescribeMediaStorageConfiguration call, in order. */
function describes(): (string | undefined)[] {
  return kvs.commandCalls(DescribeMediaStorageConfigurationCommand).map((call) => call.args[0].input.ChannelARN);
}

/** The stream ARNs of every DescribeMappedResourceConfiguration call, in order. */
function mappedReads(): (string | undefined)[] {
  return kvs.commandCalls(DescribeMappedResourceConfigurationCommand).map((call) => call.args[0].input.StreamARN);
}

const enabled = (channel: string, stream: string): UpdateMediaStorageConfigurationCommandInput => ({
  ChannelARN: channel,
  MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: stream },
});

const disabled = (channel: string): UpdateMediaStorageConfigurationCommandInput => ({
  ChannelARN: channel,
  MediaStorageConfiguration: { Status: 'DISABLED' },
});

const linkedTo = (stream: string) => ({ MediaStorageConfiguration: { Status: 'ENABLED' as const, StreamARN: stream } });
const unlinked = { MediaStorageConfiguration: { Status: 'DISABLED' as const } };
/** The stream's mapped resource as the service reports it (the values of `Type` are undocumented). */
const mappedTo = (channel: string) => ({ MappedResourceConfigurationList: [{ Type: 'SIGNALING_CHANNEL', ARN: channel }] });
const mappedToNothing = { MappedResourceConfigurationList: [] };

/**
 * A fake clock: sleeping advances it and nothing waits. `random` is the jitter (1 = the whole
 * backoff ceiling); the deadline is 290 s away, as in a 5-minute function less the answer margin.
 */
function options(random = 1, deadlineMs = 290_000) {
  let now = 1_000_000;
  const delays: number[] = [];
  return {
    delays,
    elapsed: () => now - 1_000_000,
    opts: {
      client: new KinesisVideoClient({ region: 'us-east-1' }),
      clock: {
        now: () => now,
        sleep: async (ms: number) => {
          delays.push(ms);
          now += ms;
        },
        random: () => random,
      },
      deadline: now + deadlineMs,
    },
  };
}

/** The full-jitter ceilings of DEFAULT_TIMING: 250 ms doubling, at most 4 s. */
const ceilings = (n: number) => Array.from({ length: n }, (_, i) => Math.min(4_000, 250 * 2 ** i));

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

beforeEach(() => {
  kvs.reset();
  // the owner record: none on the channel unless a test says otherwise; writing it succeeds
  kvs.on(ListTagsForResourceCommand).resolves({ Tags: {} });
  kvs.on(TagResourceCommand).resolves({});
  kvs.on(UntagResourceCommand).resolves({});
  jest.spyOn(console, 'log').mockImplementation(() => {});
  jest.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// onEvent
// ---------------------------------------------------------------------------------------------

describe('ownership, as Update sees it (the rules themselves: kvs-link.test.ts)', () => {
  const OTHER_LINK = ownerRecord(STACK_ID, 'CamMovedMediaStorageLink9999');
  const ownedBy = (record: string) => kvs.on(ListTagsForResourceCommand).resolves({ Tags: { [LINK_OWNER_TAG_KEY]: record, other: 'x' } });

  test('Update changing no link property keeps the physical id it was sent, and calls nothing', async () => {
    const props = { ChannelArn: CHANNEL, StreamArn: STREAM };
    await expect(onEvent(updateEvent(props, props, 'an-older-physical-id'), options().opts))
      .resolves.toEqual({ physicalResourceId: 'an-older-physical-id' });
    expect(kvs.calls()).toHaveLength(0);
  });

  test('Update of the stream keeps the physical id it was sent; of the channel answers the new channel', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
    await expect(onEvent(updateEvent({ ChannelArn: CHANNEL, StreamArn: NEW_STREAM }, { ChannelArn: CHANNEL, StreamArn: STREAM }, 'kept'),
      options().opts)).resolves.toEqual({ physicalResourceId: 'kept' });
    await expect(onEvent(updateEvent({ ChannelArn: NEW_CHANNEL, StreamArn: STREAM }, { ChannelArn: CHANNEL, StreamArn: STREAM }, 'kept'),
      options().opts)).resolves.toEqual({ physicalResourceId: NEW_CHANNEL });
  });

  test('Update over an old pair owned by another link leaves it alone, and links the new pair', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
    ownedBy(OTHER_LINK);
    await onEvent(updateEvent({ ChannelArn: NEW_CHANNEL, StreamArn: NEW_STREAM }, { ChannelArn: CHANNEL, StreamArn: STREAM }), options().opts);
    expect(calls()).toEqual([enabled(NEW_CHANNEL, NEW_STREAM)]);
  });
});

describe('onEvent', () => {
  describe('Create', () => {
    test('links the channel to the stream once; physical id is the channel ARN', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { delays, opts } = options();

      const result = await onEvent(createEvent(), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(describes()).toEqual([]);
      expect(delays).toEqual([]);
    });

    test('throttling (ClientLimitExceededException, HTTP 400, which the SDK does not retry) is retried with capped exponential backoff', async () => {
      const update = kvs.on(UpdateMediaStorageConfigurationCommand);
      for (let i = 0; i < 7; i++) {
        update.rejectsOnce(throttled());
      }
      update.resolves({});
      const { delays, opts } = options(1);

      await onEvent(createEvent(), opts);

      expect(calls()).toHaveLength(8);
      expect(delays).toEqual(ceilings(7)); // 250, 500, 1000, 2000, 4000, 4000, 4000
    });

    test('the backoff has full jitter: the wait is uniform between 0 and the ceiling', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
      const { delays, opts } = options(0.25);

      await onEvent(createEvent(), opts);

      expect(delays).toEqual(ceilings(3).map(c => Math.round(c * 0.25)));
    });

    test.each([
      ['a 5xx', serverError],
      ['a network error', networkError],
    ])('%s is retried', async (_label, error) => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejectsOnce(error()).resolves({});
      const { delays, opts } = options();

      await onEvent(createEvent(), opts);

      expect(calls()).toHaveLength(2);
      expect(delays).toEqual([250]);
    });

    test('a call that never answers is abandoned after the request timeout and retried', async () => {
      const send = jest.spyOn(KinesisVideoClient.prototype, 'send');
      send.mockImplementationOnce((() => new Promise(() => {})) as any);
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { opts } = options();
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
      try {
        const pending = onEvent(createEvent(), { ...opts, timing: { ...DEFAULT_TIMING, requestTimeoutMs: 50 } });
        await jest.advanceTimersByTimeAsync(60);
        await expect(pending).resolves.toEqual({ physicalResourceId: CHANNEL });
      } finally {
        jest.useRealTimers();
      }
      // the abandoned call, the link, the owner record
      expect(send.mock.calls.map(([command]) => command.constructor.name)).toEqual([
        'UpdateMediaStorageConfigurationCommand', 'UpdateMediaStorageConfigurationCommand', 'TagResourceCommand',
      ]);
      const [, sendOptions] = send.mock.calls[0] as unknown as [unknown, { abortSignal: AbortSignal }];
      expect(sendOptions.abortSignal.aborted).toBe(true);
    });

    test('ResourceInUseException (not ACTIVE yet) is retried until the deadline, then a clear failure', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('Channel is not in ACTIVE state'));
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      kvs.on(DescribeMappedResourceConfigurationCommand).resolves(mappedToNothing);
      const { delays, elapsed, opts } = options(1, 60_000);

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(elapsed()).toBeLessThanOrEqual(60_000);
      expect(elapsed()).toBeGreaterThan(55_000);
      expect(Math.max(...delays)).toBe(4_000);
      expect(error.message).toContain(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}`);
      expect(error.message).toMatch(/still in use after \d+ attempts over (5\d|60) s/);
      expect(error.message).toContain('ACTIVE');
      expect(error.message).toContain('one-to-one');
      expect(error.message).toContain('Channel is not in ACTIVE state');
      expect(error.message).toContain('before its timeout');
      // the channel's mapping is read at most once a second, and so is the stream's
      expect(describes().length).toBeGreaterThan(1);
      expect(describes().length).toBeLessThanOrEqual(61);
      expect(mappedReads()).toHaveLength(describes().length);
      expect(new Set(mappedReads())).toEqual(new Set([STREAM]));
    });

    test('already linked to the same stream (a redelivered event): success, one read, no further call', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('already configured'));
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
      const { delays, opts } = options();

      const result = await onEvent(createEvent(), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(describes()).toEqual([CHANNEL]);
      expect(delays).toEqual([]);
    });

    test('the channel linked to another stream is a permanent conflict: fails at once', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse());
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(NEW_STREAM));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toHaveLength(1);
      expect(delays).toEqual([]);
      expect(error.message).toBe(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}: ` +
        `the channel is already linked to video stream ${NEW_STREAM} (the link is one-to-one); unlink it first`);
    });

    test('the stream mapped to another channel is a permanent conflict: fails at once, naming both and what to do', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('The stream is already mapped'));
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      kvs.on(DescribeMappedResourceConfigurationCommand).resolves(mappedTo(NEW_CHANNEL));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(describes()).toEqual([CHANNEL]);
      expect(mappedReads()).toEqual([STREAM]);
      expect(delays).toEqual([]);
      expect(error.message).toBe(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}: ` +
        `the video stream is already linked to signaling channel ${NEW_CHANNEL} (a stream records one channel: ` +
        'the link is one-to-one). Unlink that channel first (remove its MediaStorageLink, or disable its media ' +
        'storage configuration), or choose another stream.');
    });

    test('the stream reports this very channel (the channel\'s read lagging behind): success, no further call', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse());
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      kvs.on(DescribeMappedResourceConfigurationCommand).resolves(mappedTo(CHANNEL));
      const { delays, opts } = options();

      await expect(onEvent(createEvent(), opts)).resolves.toEqual({ physicalResourceId: CHANNEL });

      expect(calls()).toHaveLength(1);
      expect(mappedReads()).toEqual([STREAM]);
      expect(delays).toEqual([]);
    });

    test('the stream mapped to nothing yet (not ACTIVE): the link is retried until it goes through', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejectsOnce(inUse('Stream is not in ACTIVE state')).rejectsOnce(inUse()).resolves({});
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      kvs.on(DescribeMappedResourceConfigurationCommand).resolves(mappedToNothing);
      const { opts } = options(1);

      await onEvent(createEvent(), opts);

      expect(calls()).toHaveLength(3);
      // 250 ms then 500 ms of backoff: the second in-use answer comes within the second, so no second read
      expect(mappedReads()).toEqual([STREAM]);
    });

    test('reading the stream\'s mapping is denied (imported stream, untagged): retried as before, the read not asked again', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('The stream is already mapped'));
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      kvs.on(DescribeMappedResourceConfigurationCommand).rejects(accessDenied('not authorized to perform kinesisvideo:DescribeMappedResourceConfiguration'));
      const { elapsed, opts } = options(1, 30_000);

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(elapsed()).toBeGreaterThan(25_000);
      expect(error.message).toMatch(/still in use after \d+ attempts/);
      expect(error.message).toContain('already linked to another channel');
      expect(describes().length).toBeGreaterThan(5);
      expect(mappedReads()).toEqual([STREAM]);
    });

    test('a throttled read of the stream\'s mapping is no verdict: the link is retried', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejectsOnce(inUse()).resolves({});
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      kvs.on(DescribeMappedResourceConfigurationCommand).rejects(throttled());
      const { opts } = options();

      await onEvent(createEvent(), opts);

      expect(calls()).toHaveLength(2);
      expect(mappedReads()).toEqual([STREAM]);
    });

    test('a throttled read of the mapping is no verdict: the link is retried', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejectsOnce(inUse()).resolves({});
      kvs.on(DescribeMediaStorageConfigurationCommand).rejects(throttled());
      const { opts } = options();

      await onEvent(createEvent(), opts);

      expect(calls()).toHaveLength(2);
    });

    test.each<[string, () => Error, RegExp[]]>([
      ['NoDataRetentionException explains the retention requirement', noRetention,
        [new RegExp(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}`), /retention/, /at least 1 hour/]],
      ['AccessDeniedException (no tolerance on create) mentions the stack tag', accessDenied, [/access denied/, /tagged with this stack's id/]],
      ['ResourceNotFoundException on create says the channel or stream does not exist', () => notFound('Stream not found'),
        [/does not exist/, /Stream not found/]],
    ])('%s, and is not retried', async (_, error, explained) => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(error());
      const { delays, opts } = options();

      const message = (await errorOf(onEvent(createEvent(), opts))).message;

      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([]);
      for (const expected of explained) {
        expect(message).toMatch(expected);
      }
    });

    test('another 4xx is reported with its name and message, not retried', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(invalid('bad ARN'));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toHaveLength(1);
      expect(delays).toEqual([]);
      expect(error.message).toBe(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}: InvalidArgumentException after 1 attempt(s) over 0 s: bad ARN`);
    });

    test('never sleeps past the deadline', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(throttled());
      const { elapsed, opts } = options(1, 3_000);

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(elapsed()).toBeLessThanOrEqual(3_000);
      expect(error.message).toContain('throttled by Kinesis Video (ClientLimitExceededException)');
      expect(error.message).toContain('10 calls per second per account');
    });
  });

  describe('Update', () => {
    test.each([
      ['stream replaced: unlinks the channel from the old stream, then links it to the new one', replaceStream, CHANNEL, enabled(CHANNEL, NEW_STREAM)],
      ['channel replaced: unlinks the OLD channel first, then links the new channel', replaceChannel, NEW_CHANNEL, enabled(NEW_CHANNEL, STREAM)],
    ])('%s', async (_, event, physicalResourceId, link) => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));

      await expect(onEvent(event(), options().opts)).resolves.toEqual({ physicalResourceId });

      expect(describes()).toEqual([CHANNEL]);
      expect(calls()).toEqual([disabled(CHANNEL), link]);
    });

    test('channel replaced: the stream still reporting the channel just unlinked is no conflict; the link is retried', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).callsFake((input) => input.ChannelARN === CHANNEL ? linkedTo(STREAM) : unlinked);
      kvs.on(UpdateMediaStorageConfigurationCommand).resolvesOnce({}).rejectsOnce(inUse()).resolves({});
      kvs.on(DescribeMappedResourceConfigurationCommand).resolves(mappedTo(CHANNEL));
      const { opts } = options();

      const result = await onEvent(replaceChannel(), opts);

      expect(result).toEqual({ physicalResourceId: NEW_CHANNEL });
      expect(calls()).toEqual([disabled(CHANNEL), enabled(NEW_CHANNEL, STREAM), enabled(NEW_CHANNEL, STREAM)]);
      expect(mappedReads()).toEqual([STREAM]);
    });

    test('channel replaced, but the stream is linked to a third channel: a permanent conflict, and the old link restored', async () => {
      const third = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/elsewhere/1700000000009';
      kvs.on(DescribeMediaStorageConfigurationCommand).callsFake((input) => input.ChannelARN === CHANNEL ? linkedTo(STREAM) : unlinked);
      kvs.on(UpdateMediaStorageConfigurationCommand).resolvesOnce({}).rejectsOnce(inUse()).resolves({});
      kvs.on(DescribeMappedResourceConfigurationCommand).resolves(mappedTo(third));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(replaceChannel(), opts));

      expect(delays).toEqual([]);
      expect(error.message).toContain(`the video stream is already linked to signaling channel ${third}`);
      expect(calls()[0]).toEqual(disabled(CHANNEL));
      expect(calls()[1]).toEqual(enabled(NEW_CHANNEL, STREAM));
    });

    test('no change to ChannelArn/StreamArn: no call at all', async () => {
      const { opts } = options();

      const result = await onEvent(updateEvent(
        { ChannelArn: CHANNEL, StreamArn: STREAM, Unrelated: 'new' },
        { ChannelArn: CHANNEL, StreamArn: STREAM, Unrelated: 'old' },
      ), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([]);
      expect(describes()).toEqual([]);
    });

    test('old channel no longer linked (a redelivered Update): no unlink, links the new pair', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(unlinked);
      const { opts } = options();

      await onEvent(replaceChannel(), opts);

      expect(calls()).toEqual([enabled(NEW_CHANNEL, STREAM)]);
    });

    test('old channel already gone (ResourceNotFoundException): still links the new one', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      kvs.on(DescribeMediaStorageConfigurationCommand).rejects(notFound());
      const { opts } = options();

      const result = await onEvent(replaceChannel(), opts);

      expect(result).toEqual({ physicalResourceId: NEW_CHANNEL });
      expect(calls()).toEqual([enabled(NEW_CHANNEL, STREAM)]);
    });

    test('reading the old channel is denied: fails naming the old channel, nothing unlinked blindly, no link attempted', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).rejects(accessDenied('not authorized'));
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(accessDenied('not authorized'));
      const { opts } = options();

      const error = await errorOf(onEvent(replaceChannel(), opts));

      expect(calls()).toEqual([]);
      expect(error.message).toBe(
        `could not unlink signaling channel ${CHANNEL} from video stream ${STREAM}: AccessDeniedException after 1 attempt(s) over 0 s: not authorized`,
      );
      expect(error.message).not.toContain(NEW_CHANNEL);
    });

    test('unlinking the old channel retries ResourceInUseException and throttling (a rollback meets the same quota)', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).rejectsOnce(throttled()).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand)
        .rejectsOnce(inUse('busy'))
        .rejectsOnce(throttled())
        .resolves({});
      const { delays, opts } = options();

      await onEvent(replaceStream(), opts);

      expect(calls()).toEqual([disabled(CHANNEL), disabled(CHANNEL), disabled(CHANNEL), enabled(CHANNEL, NEW_STREAM)]);
      // throttles and other failures back off separately: each starts at the base delay
      expect(delays).toEqual([250, 250, 250]);
    });

    test('the new link fails after the old one was released: the old link is restored, and the reason says so', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand)
        .resolvesOnce({})
        .rejectsOnce(noRetention())
        .resolves({});
      const { opts } = options();

      const error = await errorOf(onEvent(replaceStream(), opts));

      expect(calls()).toEqual([disabled(CHANNEL), enabled(CHANNEL, NEW_STREAM), enabled(CHANNEL, STREAM)]);
      expect(error.message).toContain('at least 1 hour');
      expect(error.message).toContain(`The previous link (${CHANNEL} to ${STREAM}) was restored.`);
    });

    test('the restore fails too: the reason says the rollback will retry', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand).resolvesOnce({}).rejects(accessDenied('nope'));
      const { opts } = options();

      const error = await errorOf(onEvent(replaceChannel(), opts));

      expect(calls()).toEqual([disabled(CHANNEL), enabled(NEW_CHANNEL, STREAM), enabled(CHANNEL, STREAM)]);
      expect(error.message).toContain('The previous link could not be restored either (the rollback will retry)');
    });

    test('missing old properties: clear error, no call', async () => {
      const { opts } = options();

      const error = await errorOf(onEvent(updateEvent({ ChannelArn: CHANNEL, StreamArn: STREAM }, {}), opts));

      expect(calls()).toEqual([]);
      expect(error.message).toContain('the custom resource needs the string properties ChannelArn and StreamArn');
    });
  });

  describe('Delete', () => {
    test('unlinks the channel once when it is linked to this stream; physical id is returned unchanged', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { opts } = options();

      const result = await onEvent(deleteEvent({ ChannelArn: CHANNEL, StreamArn: STREAM }, 'some-physical-id'), opts);

      expect(result).toEqual({ physicalResourceId: 'some-physical-id' });
      expect(calls()).toEqual([disabled(CHANNEL)]);
    });

    test.each([
      ['not linked', unlinked],
      ['linked to another stream (the Delete of a replaced link\'s old physical id)', linkedTo(NEW_STREAM)],
    ])('channel %s: nothing to undo, no unlink', async (_label, answer) => {
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(answer);
      const { opts } = options();

      await onEvent(deleteEvent(), opts);

      expect(calls()).toEqual([]);
    });

    test.each([
      ['ResourceNotFoundException', notFound],
      ['AccessDeniedException', accessDenied],
    ])('channel already gone (%s on the read): succeeds', async (_name, error) => {
      kvs.on(DescribeMediaStorageConfigurationCommand).rejects(error());
      const { delays, opts } = options();

      const result = await onEvent(deleteEvent(), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([]);
      expect(delays).toEqual([]);
    });

    test('channel deleted between the read and the unlink: succeeds', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(accessDenied());
      const { opts } = options();

      await onEvent(deleteEvent(), opts);

      expect(calls()).toEqual([disabled(CHANNEL)]);
    });

    test('throttled and in-use unlinks are retried (100 Deletes share 10 TPS)', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).rejectsOnce(throttled()).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand).rejectsOnce(throttled()).rejectsOnce(inUse()).resolves({});
      const { opts } = options();

      await onEvent(deleteEvent(), opts);

      expect(describes()).toEqual([CHANNEL, CHANNEL]);
      expect(calls()).toEqual([disabled(CHANNEL), disabled(CHANNEL), disabled(CHANNEL)]);
    });

    test('a permanent error fails, naming the channel', async () => {
      kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(invalid('busy'));
      const { opts } = options();

      const error = await errorOf(onEvent(deleteEvent(), opts));

      expect(calls()).toEqual([disabled(CHANNEL)]);
      expect(error.message).toBe(
        `could not unlink signaling channel ${CHANNEL} from its video stream: InvalidArgumentException after 1 attempt(s) over 0 s: busy`,
      );
    });
  });

  describe('missing properties', () => {
    test.each<[string, Props]>([
      ['no properties', {}],
      ['no StreamArn', { ChannelArn: CHANNEL }],
      ['no ChannelArn', { StreamArn: STREAM }],
      ['non-string ChannelArn', { ChannelArn: 42, StreamArn: STREAM }],
    ])('Create with %s: clear error, no call', async (_label, props) => {
      const { opts } = options();

      const error = await errorOf(onEvent(createEvent(props), opts));

      expect(calls()).toEqual([]);
      expect(error.message).toContain('the custom resource needs the string properties ChannelArn and StreamArn');
      expect(error.message).toContain(JSON.stringify(resourceProperties(props)));
    });

    test('Delete without properties (a Create that failed on them): nothing to undo, no call', async () => {
      const { opts } = options();

      const result = await onEvent(deleteEvent({}, 'physical-id-from-cfn'), opts);

      expect(calls()).toEqual([]);
      expect(describes()).toEqual([]);
      expect(result.physicalResourceId).toBe('physical-id-from-cfn');
    });
  });
});

describe('handler', () => {
  const originalRegion = process.env.AWS_REGION;
  beforeAll(() => {
    process.env.AWS_REGION = 'us-east-1';
  });
  afterAll(() => {
    if (originalRegion === undefined) {
      delete process.env.AWS_REGION;
    } else {
      process.env.AWS_REGION = originalRegion;
    }
  });

  async function run(event: CloudFormationCustomResourceEvent) {
    const { requests } = fakeHttps(200);
    await handler(event, lambdaContext());
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request.url).toBe(RESPONSE_URL);
    expect(request.options.method).toBe('PUT');
    expect(request.options.headers).toEqual(expect.objectContaining({ 'content-type': '' }));
    expect((request.options.headers as OutgoingHttpHeaders)['content-length']).toBe(Buffer.byteLength(request.body));
    return JSON.parse(request.body) as Record<string, unknown>;
  }

  test('successful Create: SUCCESS with the channel ARN as physical id', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});

    const body = await run(createEvent());

    expect(body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: CHANNEL,
      StackId: STACK_ID,
      RequestId: REQUEST_ID,
      LogicalResourceId: LOGICAL_ID,
    });
    expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
  });

  test('the SDK client retries nothing itself (maxAttempts 1) and has request timeouts', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});

    await run(createEvent());

    const client = kvs.send.thisValues[0] as KinesisVideoClient;
    await expect(client.config.maxAttempts()).resolves.toBe(1);
    const handlerConfig = await (client.config.requestHandler as unknown as { configProvider: Promise<Record<string, number>> }).configProvider;
    expect(handlerConfig).toEqual(expect.objectContaining({ requestTimeout: 5_000, connectionTimeout: 2_000 }));
  });

  test('successful Delete: SUCCESS with the physical id echoed', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).rejects(accessDenied());

    const body = await run(deleteEvent(undefined, 'physical-id-from-cfn'));

    expect(body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'physical-id-from-cfn',
      StackId: STACK_ID,
      RequestId: REQUEST_ID,
      LogicalResourceId: LOGICAL_ID,
    });
  });

  test('failed Create: FAILED with the reason, the log stream, and a physical id that names no channel', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(noRetention());

    const body = await run(createEvent());

    expect(body).toEqual({
      Status: 'FAILED',
      PhysicalResourceId: `${FAILED_CREATE_PREFIX}${REQUEST_ID}`,
      StackId: STACK_ID,
      RequestId: REQUEST_ID,
      LogicalResourceId: LOGICAL_ID,
      Reason: expect.any(String),
    });
    expect(body.Reason).toContain('at least 1 hour');
    expect(body.Reason).toContain(`could not link signaling channel ${CHANNEL}`);
    expect(body.Reason).toContain(LOG_STREAM);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('at least 1 hour'));
  });

  test('failed Update: FAILED with the previous physical id', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(accessDenied('nope'));

    const body = await run(updateEvent(
      { ChannelArn: NEW_CHANNEL, StreamArn: STREAM },
      { ChannelArn: CHANNEL, StreamArn: STREAM },
      CHANNEL,
    ));

    expect(body.Status).toBe('FAILED');
    expect(body.PhysicalResourceId).toBe(CHANNEL);
    expect(body.Reason).toContain(`could not unlink signaling channel ${CHANNEL}`);
    expect(body.Reason).toContain(LOG_STREAM);
  });

  test('a huge error message: the whole body stays within 4,096 bytes', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(invalid('é'.repeat(10_000)));

    const { requests } = fakeHttps(200);
    await handler(createEvent(), lambdaContext());

    expect(Buffer.byteLength(requests[0].body)).toBeLessThanOrEqual(4_096);
    expect(JSON.parse(requests[0].body).Status).toBe('FAILED');
  });

  test('failed Delete: FAILED with the physical id echoed', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(invalid('busy'));

    const body = await run(deleteEvent({ ChannelArn: CHANNEL, StreamArn: STREAM }, 'physical-id-from-cfn'));

    expect(body.Status).toBe('FAILED');
    expect(body.PhysicalResourceId).toBe('physical-id-from-cfn');
    expect(body.Reason).toContain(`could not unlink signaling channel ${CHANNEL}`);
  });

  test('failed Create with missing properties still answers FAILED, with the failed-create id', async () => {
    const body = await run(createEvent({ StreamArn: STREAM }));

    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toContain('ChannelArn and StreamArn');
    expect(body.PhysicalResourceId).toBe(`${FAILED_CREATE_PREFIX}${REQUEST_ID}`);
  });

  test('the Delete of a failed Create\'s id calls nothing, even with the pair linked', async () => {
    kvs.on(DescribeMediaStorageConfigurationCommand).resolves(linkedTo(STREAM));

    const body = await run(deleteEvent(undefined, `${FAILED_CREATE_PREFIX}${REQUEST_ID}`));

    expect(body.Status).toBe('SUCCESS');
    expect(kvs.calls()).toHaveLength(0);
  });
});
