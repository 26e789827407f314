import { EventEmitter } from 'events';
import type { OutgoingHttpHeaders } from 'http';
import https from 'https';
import { PassThrough } from 'stream';
import {
  AccessDeniedException,
  KinesisVideoClient,
  NoDataRetentionException,
  ResourceInUseException,
  ResourceNotFoundException,
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
import {
  DEFAULT_RETRY_POLICY,
  handler,
  onEvent,
  respond,
} from '../src/link-handler/media-storage-link.lambda';

const CHANNEL = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1700000000000';
const STREAM = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door/1700000000001';
const NEW_CHANNEL = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door-2/1700000000002';
const NEW_STREAM = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door-2/1700000000003';

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:MediaStorageLink';
const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/Cam/abc%7CLink%7Creq-1?X-Amz-Signature=sig';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Cam/11111111-2222-3333-4444-555555555555';
const REQUEST_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const LOGICAL_ID = 'CamMediaStorageLink1234ABCD';
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
  ResourceType: 'Custom::MediaStorageLink',
};

function resourceProperties(props: Props) {
  return { ServiceToken: SERVICE_TOKEN, ...props };
}

function createEvent(props: Props = { ChannelArn: CHANNEL, StreamArn: STREAM }): CloudFormationCustomResourceCreateEvent {
  return { ...common, RequestType: 'Create', ResourceProperties: resourceProperties(props) };
}

function updateEvent(
  props: Props,
  oldProps: Props,
  physicalResourceId: string = CHANNEL,
): CloudFormationCustomResourceUpdateEvent {
  return {
    ...common,
    RequestType: 'Update',
    PhysicalResourceId: physicalResourceId,
    ResourceProperties: resourceProperties(props),
    OldResourceProperties: resourceProperties(oldProps),
  };
}

function deleteEvent(
  props: Props = { ChannelArn: CHANNEL, StreamArn: STREAM },
  physicalResourceId: string = CHANNEL,
): CloudFormationCustomResourceDeleteEvent {
  return {
    ...common,
    RequestType: 'Delete',
    PhysicalResourceId: physicalResourceId,
    ResourceProperties: resourceProperties(props),
  };
}

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

const inUse = (message = 'The resource is in use') => new ResourceInUseException({ message, $metadata: {} });
const notFound = (message = 'The channel does not exist') => new ResourceNotFoundException({ message, $metadata: {} });
const accessDenied = (message = 'User is not authorized to perform kinesisvideo:UpdateMediaStorageConfiguration') =>
  new AccessDeniedException({ message, $metadata: {} });
const noRetention = (message = 'The stream has no data retention') => new NoDataRetentionException({ message, $metadata: {} });

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const kvs = mockClient(KinesisVideoClient);

/** The inputs of every UpdateMediaStorageConfiguration call, in order. */
function calls(): UpdateMediaStorageConfigurationCommandInput[] {
  return kvs.commandCalls(UpdateMediaStorageConfigurationCommand).map((call) => call.args[0].input);
}

const enabled = (channel: string, stream: string): UpdateMediaStorageConfigurationCommandInput => ({
  ChannelARN: channel,
  MediaStorageConfiguration: { Status: 'ENABLED', StreamARN: stream },
});

const disabled = (channel: string): UpdateMediaStorageConfigurationCommandInput => ({
  ChannelARN: channel,
  MediaStorageConfiguration: { Status: 'DISABLED' },
});

/** A sleep that never waits and remembers what it was asked for. */
function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}

function options() {
  const { delays, sleep } = recordingSleep();
  return { delays, opts: { client: new KinesisVideoClient({ region: 'us-east-1' }), sleep } };
}

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
  jest.spyOn(console, 'log').mockImplementation(() => {});
  jest.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// onEvent
// ---------------------------------------------------------------------------------------------

describe('onEvent', () => {
  describe('Create', () => {
    test('links the channel to the stream once; physical id is the channel ARN', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { delays, opts } = options();

      const result = await onEvent(createEvent(), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([]);
    });

    test('retries ResourceInUseException with exponential backoff, then succeeds', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand)
        .rejectsOnce(inUse())
        .rejectsOnce(inUse())
        .resolves({});
      const { delays, opts } = options();

      const result = await onEvent(createEvent(), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([enabled(CHANNEL, STREAM), enabled(CHANNEL, STREAM), enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([2000, 4000]);
    });

    test('gives up after DEFAULT_RETRY_POLICY.attempts calls when always in use', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('Channel is not in ACTIVE state'));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(DEFAULT_RETRY_POLICY).toEqual({ attempts: 10, baseDelayMs: 2000, maxDelayMs: 30000 });
      expect(calls()).toHaveLength(DEFAULT_RETRY_POLICY.attempts);
      expect(calls()).toEqual(Array(DEFAULT_RETRY_POLICY.attempts).fill(enabled(CHANNEL, STREAM)));
      expect(delays).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000]);
      expect(error.message).toContain(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}`);
      expect(error.message).toContain('still in use after 10 attempts');
      expect(error.message).toContain('over 180 s');
      expect(error.message).toContain('ACTIVE');
      expect(error.message).toContain('one-to-one');
      expect(error.message).toContain('Channel is not in ACTIVE state');
    });

    test('honours a custom retry policy', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse());
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), {
        ...opts,
        retryPolicy: { attempts: 3, baseDelayMs: 100, maxDelayMs: 150 },
      }));

      expect(calls()).toEqual([enabled(CHANNEL, STREAM), enabled(CHANNEL, STREAM), enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([100, 150]);
      expect(error.message).toContain('still in use after 3 attempts');
    });

    test('NoDataRetentionException explains the retention requirement and is not retried', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(noRetention());
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([]);
      expect(error.message).toContain(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}`);
      expect(error.message).toContain('retention');
      expect(error.message).toContain('at least 1 hour');
    });

    test('AccessDeniedException fails (no tolerance on create) and mentions the stack tag', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(accessDenied());
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([]);
      expect(error.message).toContain('access denied');
      expect(error.message).toMatch(/tagged with this stack's id/);
      expect(error.message).toContain('this stack');
    });

    test('ResourceNotFoundException on create says the channel or stream does not exist', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(notFound('Stream not found'));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toEqual([enabled(CHANNEL, STREAM)]);
      expect(delays).toEqual([]);
      expect(error.message).toContain('does not exist');
      expect(error.message).toContain('Stream not found');
    });

    test('an unexpected error is reported with its name and message', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(new Error('socket hang up'));
      const { opts } = options();

      const error = await errorOf(onEvent(createEvent(), opts));

      expect(calls()).toHaveLength(1);
      expect(error.message).toBe(`could not link signaling channel ${CHANNEL} to video stream ${STREAM}: Error: socket hang up`);
    });
  });

  describe('Update', () => {
    test('stream replaced: unlinks the channel, then links it to the new stream', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { opts } = options();

      const result = await onEvent(updateEvent(
        { ChannelArn: CHANNEL, StreamArn: NEW_STREAM },
        { ChannelArn: CHANNEL, StreamArn: STREAM },
      ), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([disabled(CHANNEL), enabled(CHANNEL, NEW_STREAM)]);
    });

    test('channel replaced: unlinks the OLD channel first, then links the new channel', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { opts } = options();

      const result = await onEvent(updateEvent(
        { ChannelArn: NEW_CHANNEL, StreamArn: STREAM },
        { ChannelArn: CHANNEL, StreamArn: STREAM },
      ), opts);

      expect(result).toEqual({ physicalResourceId: NEW_CHANNEL });
      const made = calls();
      expect(made).toHaveLength(2);
      expect(made[0]).toEqual(disabled(CHANNEL));
      expect(made[1]).toEqual(enabled(NEW_CHANNEL, STREAM));
    });

    test('no change to ChannelArn/StreamArn: no call at all', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { opts } = options();

      const result = await onEvent(updateEvent(
        { ChannelArn: CHANNEL, StreamArn: STREAM, Unrelated: 'new' },
        { ChannelArn: CHANNEL, StreamArn: STREAM, Unrelated: 'old' },
      ), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([]);
    });

    test('old channel already gone (ResourceNotFoundException): still links the new one', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand)
        .rejectsOnce(notFound())
        .resolves({});
      const { opts } = options();

      const result = await onEvent(updateEvent(
        { ChannelArn: NEW_CHANNEL, StreamArn: STREAM },
        { ChannelArn: CHANNEL, StreamArn: STREAM },
      ), opts);

      expect(result).toEqual({ physicalResourceId: NEW_CHANNEL });
      expect(calls()).toEqual([disabled(CHANNEL), enabled(NEW_CHANNEL, STREAM)]);
    });

    test('unlinking the old channel fails with AccessDeniedException: fails naming the old channel, no link attempted', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(accessDenied('not authorized'));
      const { opts } = options();

      const error = await errorOf(onEvent(updateEvent(
        { ChannelArn: NEW_CHANNEL, StreamArn: STREAM },
        { ChannelArn: CHANNEL, StreamArn: STREAM },
      ), opts));

      expect(calls()).toEqual([disabled(CHANNEL)]);
      expect(error.message).toBe(
        `could not unlink signaling channel ${CHANNEL} from its video stream: AccessDeniedException: not authorized`,
      );
      expect(error.message).not.toContain(NEW_CHANNEL);
    });

    test('unlinking the old channel fails with ResourceInUseException: fails naming the old channel', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('busy'));
      const { delays, opts } = options();

      const error = await errorOf(onEvent(updateEvent(
        { ChannelArn: CHANNEL, StreamArn: NEW_STREAM },
        { ChannelArn: CHANNEL, StreamArn: STREAM },
      ), opts));

      expect(calls()).toEqual([disabled(CHANNEL)]);
      expect(delays).toEqual([]);
      expect(error.message).toContain(`could not unlink signaling channel ${CHANNEL}`);
      expect(error.message).toContain('ResourceInUseException: busy');
    });

    test('linking the new stream is retried after a successful unlink', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand)
        .resolvesOnce({})
        .rejectsOnce(inUse())
        .resolves({});
      const { delays, opts } = options();

      await onEvent(updateEvent(
        { ChannelArn: CHANNEL, StreamArn: NEW_STREAM },
        { ChannelArn: CHANNEL, StreamArn: STREAM },
      ), opts);

      expect(calls()).toEqual([disabled(CHANNEL), enabled(CHANNEL, NEW_STREAM), enabled(CHANNEL, NEW_STREAM)]);
      expect(delays).toEqual([2000]);
    });

    test('missing old properties: clear error, no call', async () => {
      const { opts } = options();

      const error = await errorOf(onEvent(updateEvent({ ChannelArn: CHANNEL, StreamArn: STREAM }, {}), opts));

      expect(calls()).toEqual([]);
      expect(error.message).toContain('the custom resource needs the string properties ChannelArn and StreamArn');
    });
  });

  describe('Delete', () => {
    test('unlinks the channel once; physical id is returned unchanged', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).resolves({});
      const { opts } = options();

      const result = await onEvent(deleteEvent({ ChannelArn: CHANNEL, StreamArn: STREAM }, 'some-physical-id'), opts);

      expect(result).toEqual({ physicalResourceId: 'some-physical-id' });
      expect(calls()).toEqual([disabled(CHANNEL)]);
    });

    test.each([
      ['ResourceNotFoundException', notFound],
      ['AccessDeniedException', accessDenied],
    ])('channel already gone (%s): succeeds', async (_name, error) => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(error());
      const { delays, opts } = options();

      const result = await onEvent(deleteEvent(), opts);

      expect(result).toEqual({ physicalResourceId: CHANNEL });
      expect(calls()).toEqual([disabled(CHANNEL)]);
      expect(delays).toEqual([]);
    });

    test('any other error fails, naming the channel', async () => {
      kvs.on(UpdateMediaStorageConfigurationCommand).rejects(inUse('busy'));
      const { opts } = options();

      const error = await errorOf(onEvent(deleteEvent(), opts));

      expect(calls()).toEqual([disabled(CHANNEL)]);
      expect(error.message).toBe(
        `could not unlink signaling channel ${CHANNEL} from its video stream: ResourceInUseException: busy`,
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
      expect(result.physicalResourceId).toBe('physical-id-from-cfn');
    });
  });
});

// ---------------------------------------------------------------------------------------------
// handler + respond (HTTPS PUT to the ResponseURL)
// ---------------------------------------------------------------------------------------------

interface CapturedRequest {
  readonly url: unknown;
  readonly options: https.RequestOptions;
  body: string;
}

/**
 * Replaces `https.request` with a fake that captures the request and answers 200 with an empty
 * body. Never touches the network.
 */
function fakeHttps(opts: { failWith?: Error; statusCode?: number } = {}) {
  const requests: CapturedRequest[] = [];
  const spy = jest.spyOn(https, 'request').mockImplementation(((
    url: unknown,
    requestOptions: https.RequestOptions,
    callback: (response: PassThrough) => void,
  ) => {
    const captured: CapturedRequest = { url, options: requestOptions, body: '' };
    requests.push(captured);
    const request = new EventEmitter() as EventEmitter & { end: (body?: string) => void };
    request.end = (body?: string) => {
      captured.body += body ?? '';
      setImmediate(() => {
        if (opts.failWith) {
          request.emit('error', opts.failWith);
          return;
        }
        const response = new PassThrough() as PassThrough & { statusCode?: number };
        response.statusCode = opts.statusCode ?? 200;
        callback(response);
        response.end();
      });
    };
    return request;
  }) as unknown as typeof https.request);
  return { requests, spy };
}

describe('respond', () => {
  test('PUTs the body to the URL with an empty content type and the byte length', async () => {
    const { requests } = fakeHttps();
    const body = JSON.stringify({ Reason: 'é' });

    await respond(RESPONSE_URL, body);

    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(RESPONSE_URL);
    expect(requests[0].options.method).toBe('PUT');
    expect(requests[0].options.headers).toEqual({ 'content-type': '', 'content-length': Buffer.byteLength(body) });
    expect(requests[0].body).toBe(body);
  });

  test('rejects when the request fails', async () => {
    fakeHttps({ failWith: new Error('ECONNRESET') });

    await expect(respond(RESPONSE_URL, '{}')).rejects.toThrow('ECONNRESET');
  });

  test('rejects when the response URL refuses the answer (e.g. an expired pre-signed URL)', async () => {
    fakeHttps({ statusCode: 403 });

    await expect(respond(RESPONSE_URL, '{}')).rejects.toThrow('HTTP 403');
  });

  test('gives up on a response URL that does not answer', async () => {
    const { requests } = fakeHttps();

    await respond(RESPONSE_URL, '{}');

    expect(requests[0].options.timeout).toBe(30_000);
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
    const { requests } = fakeHttps();
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

  test('successful Delete: SUCCESS with the physical id echoed', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(accessDenied());

    const body = await run(deleteEvent(undefined, 'physical-id-from-cfn'));

    expect(body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'physical-id-from-cfn',
      StackId: STACK_ID,
      RequestId: REQUEST_ID,
      LogicalResourceId: LOGICAL_ID,
    });
  });

  test('failed Create: FAILED with the reason, the log stream, and the channel ARN as physical id', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(noRetention());

    const body = await run(createEvent());

    expect(body).toEqual({
      Status: 'FAILED',
      PhysicalResourceId: CHANNEL,
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

  test('Reason is capped at 4000 characters', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(new Error('x'.repeat(10_000)));

    const body = await run(createEvent());

    expect(body.Status).toBe('FAILED');
    expect((body.Reason as string).length).toBe(4000);
  });

  test('failed Delete: FAILED with the physical id echoed', async () => {
    kvs.on(UpdateMediaStorageConfigurationCommand).rejects(
      new ResourceInUseException({ message: 'busy', $metadata: {} }));

    const body = await run(deleteEvent({ ChannelArn: CHANNEL, StreamArn: STREAM }, 'physical-id-from-cfn'));

    expect(body.Status).toBe('FAILED');
    expect(body.PhysicalResourceId).toBe('physical-id-from-cfn');
    expect(body.Reason).toContain(`could not unlink signaling channel ${CHANNEL}`);
  });

  test('failed Create with missing properties still answers FAILED, with the request id as physical id', async () => {
    const body = await run(createEvent({ StreamArn: STREAM }));

    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toContain('ChannelArn and StreamArn');
    expect(body.PhysicalResourceId).toBe(REQUEST_ID);
  });
});
