/**
 * The CloudFormation response of the custom-resource handlers (src/handlers/shared/cfn-response.ts):
 * the body, cut to CloudFormation's size limit, and the PUT to the pre-signed ResponseURL.
 */
import { MAX_RESPONSE_BYTES, responseBody, sendResponse } from '../../../src/handlers/shared/cfn-response';
import { CHANNEL, fakeHttps, LOGICAL_ID, NEW_CHANNEL, REQUEST_ID, RESPONSE_URL, STACK_ID } from '../../util/cfn-request';

afterEach(() => {
  jest.restoreAllMocks();
});

const REQUEST = {
  RequestType: 'Create' as const,
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  RequestId: REQUEST_ID,
  LogicalResourceId: LOGICAL_ID,
};

describe('responseBody', () => {
  test('a long Reason is cut so that the whole body is at most 4,096 bytes, after JSON escaping and in UTF-8', () => {
    for (const unit of ['x', 'é', '"', '\n', '😀', '\u0001']) {
      const body = responseBody(REQUEST, { status: 'FAILED', physicalResourceId: CHANNEL, reason: unit.repeat(5_000) });
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
      expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_RESPONSE_BYTES - 16);
      const parsed = JSON.parse(body);
      expect(parsed.Reason.endsWith(' [...]')).toBe(true);
      expect(parsed.Reason.startsWith(unit.repeat(10))).toBe(true);
      expect(parsed.Reason).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no broken surrogate pair
      expect(parsed).toEqual(expect.objectContaining({ Status: 'FAILED', PhysicalResourceId: CHANNEL, StackId: STACK_ID }));
    }
  });

  test('a Reason that fits is kept whole', () => {
    const body = JSON.parse(responseBody(REQUEST, { status: 'FAILED', physicalResourceId: CHANNEL, reason: 'short' }));
    expect(body.Reason).toBe('short');
  });

  test.each([
    ['Create SUCCESS', 'Create', 'SUCCESS', NEW_CHANNEL, NEW_CHANNEL],
    ['Create FAILED with an id', 'Create', 'FAILED', NEW_CHANNEL, NEW_CHANNEL],
    ['Create FAILED without an id', 'Create', 'FAILED', undefined, REQUEST_ID],
    ['Create FAILED with an id over 1 KB', 'Create', 'FAILED', 'x'.repeat(1_025), REQUEST_ID],
    ['Update SUCCESS with a new id', 'Update', 'SUCCESS', NEW_CHANNEL, NEW_CHANNEL],
    ['Update FAILED keeps the id it was sent', 'Update', 'FAILED', NEW_CHANNEL, CHANNEL],
    ['Delete FAILED keeps the id it was sent', 'Delete', 'FAILED', undefined, CHANNEL],
    ['Delete SUCCESS with an empty id', 'Delete', 'SUCCESS', '', CHANNEL],
  ] as const)('physical id: %s', (_label, type, status, returned, expected) => {
    const request = { ...REQUEST, RequestType: type, PhysicalResourceId: type === 'Create' ? undefined : CHANNEL };
    const body = JSON.parse(responseBody(request, { status, physicalResourceId: returned }));
    expect(body.PhysicalResourceId).toBe(expected);
  });
});

describe('sendResponse', () => {
  const noWait = { deadline: Date.now() + 60_000, sleep: async () => {}, random: () => 1, log: () => {} };

  test('PUTs the body to the URL with an empty content type and the byte length', async () => {
    const { requests } = fakeHttps(200);
    const body = JSON.stringify({ Reason: 'é' });

    await sendResponse(RESPONSE_URL, body, noWait);

    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(RESPONSE_URL);
    expect(requests[0].options.method).toBe('PUT');
    expect(requests[0].options.headers).toEqual({ 'content-type': '', 'content-length': Buffer.byteLength(body) });
    expect(requests[0].options.timeout).toBe(10_000);
    expect(requests[0].body).toBe(body);
  });

  test('network errors and 5xx are retried with backoff', async () => {
    const { requests } = fakeHttps(new Error('ECONNRESET'), 503, 500, 200);
    const delays: number[] = [];

    await sendResponse(RESPONSE_URL, '{}', { ...noWait, sleep: async (ms) => { delays.push(ms); } });

    expect(requests).toHaveLength(4);
    expect(delays).toEqual([500, 1_000, 2_000]);
  });

  test('a 4xx (an expired pre-signed URL) is final', async () => {
    const { requests } = fakeHttps(403);

    await expect(sendResponse(RESPONSE_URL, '{}', noWait)).rejects.toThrow('after 1 attempt(s): CloudFormation\'s response URL answered HTTP 403');
    expect(requests).toHaveLength(1);
  });

  test('gives up at the deadline', async () => {
    let now = 0;
    const { requests } = fakeHttps(new Error('ECONNRESET'));

    await expect(sendResponse(RESPONSE_URL, '{}', {
      ...noWait, deadline: 10_000, now: () => now, sleep: async (ms) => { now += ms; },
    })).rejects.toThrow(/could not answer CloudFormation after \d+ attempt\(s\): ECONNRESET/);
    expect(now).toBeLessThanOrEqual(10_000);
    expect(requests.length).toBeGreaterThan(2);
  });
});
