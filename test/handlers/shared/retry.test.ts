import { cannotBeCured, DeadlineBoundCaller, errorName, isRetryable, PermanentError, RetryTiming, withCause } from '../../../src/handlers/shared/retry';

const TIMING: RetryTiming = { baseDelayMs: 250, maxDelayMs: 4_000, requestTimeoutMs: 5_000, throttleFloorMs: 2_000 };
const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ClientLimitExceededException', $metadata: { httpStatusCode: 400 } });
const inUse = () => Object.assign(new Error('busy'), { name: 'ResourceInUseException', $metadata: { httpStatusCode: 400 } });

/** A caller on a fake clock whose jitter is always the whole ceiling: the waits are the ceilings. */
function fakeCaller(timing: RetryTiming, deadlineMs = 290_000) {
  let now = 0;
  const waits: number[] = [];
  const caller = new DeadlineBoundCaller({
    timing,
    deadline: deadlineMs,
    clock: { now: () => now, sleep: async (ms) => { waits.push(ms); now += ms; }, random: () => 1 },
  });
  return { caller, waits, advance: (ms: number) => now += ms };
}

/** An attempt that fails with `errors` in turn, then succeeds. */
function failing(...errors: Error[]) {
  let i = 0;
  return async () => {
    if (i < errors.length) {
      throw errors[i++];
    }
    return 'done';
  };
}

beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => {}));
afterEach(() => jest.restoreAllMocks());

describe('DeadlineBoundCaller', () => {
  test('alone (no contenders): throttles back off exponentially from the base, capped', async () => {
    const { caller, waits } = fakeCaller(TIMING);
    await caller.retrying('x', failing(...Array.from({ length: 7 }, throttled)));
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  test.each([
    ['100 contenders at 10 calls per second: a throttled call is spread over what is left of the first 10 s', 1_000, 9_000],
    ['near the end of the spread window, the wait is at least the floor', 9_500, 2_000],
  ])('%s', async (_, elapsed, wait) => {
    const { caller, waits, advance } = fakeCaller({ ...TIMING, contenders: 100, callsPerSecond: 10 });
    advance(elapsed);
    await caller.retrying('x', failing(throttled()));
    expect(waits).toEqual([wait]);
  });

  test('spreadShare 0.8: the window is 8 s of the 10 s; the exponential phase still goes up to 20 s', async () => {
    const { caller, waits, advance } = fakeCaller({ ...TIMING, contenders: 100, callsPerSecond: 10, spreadShare: 0.8 });
    advance(1_000);
    await caller.retrying('x', failing(throttled()));
    expect(waits).toEqual([7_000]);
    advance(7_000);
    await caller.retrying('x', failing(...Array.from({ length: 8 }, throttled)));
    expect(waits.slice(1)).toEqual([2_000, 2_000, 2_000, 2_000, 4_000, 8_000, 16_000, 20_000]);
  });

  test('after the spread window: exponential again from the base (floored), up to twice the window', async () => {
    const { caller, waits, advance } = fakeCaller({ ...TIMING, contenders: 100, callsPerSecond: 10 });
    advance(10_000);
    await caller.retrying('x', failing(...Array.from({ length: 8 }, throttled)));
    expect(waits).toEqual([2_000, 2_000, 2_000, 2_000, 4_000, 8_000, 16_000, 20_000]);
  });

  test('errors other than throttles keep the plain schedule, whatever the contenders', async () => {
    const { caller, waits } = fakeCaller({ ...TIMING, contenders: 100, callsPerSecond: 10 });
    await caller.retrying('x', failing(inUse(), inUse(), inUse()));
    expect(waits).toEqual([250, 500, 1_000]);
  });

  test('a PermanentError is thrown as it is, at once', async () => {
    const { caller, waits } = fakeCaller(TIMING);
    const permanent = new PermanentError('no');
    await expect(caller.retrying('x', failing(permanent))).rejects.toBe(permanent);
    expect(waits).toEqual([]);
  });

  test('never waits past the deadline: the error says it gave up, with the last error as cause', async () => {
    const { caller, waits } = fakeCaller(TIMING, 1_000);
    const error = await caller.retrying('could not x', failing(...Array.from({ length: 10 }, throttled))).catch((e) => e);
    expect(waits).toEqual([250, 500]);
    expect(error.message).toMatch(/^could not x: ClientLimitExceededException after 3 attempt\(s\) over 1 s: Rate exceeded \(gave up/);
    expect(errorName(error.cause)).toBe('ClientLimitExceededException');
  });
});

describe('isRetryable', () => {
  test.each([
    ['ClientLimitExceededException (HTTP 400, which the SDK does not retry)', throttled(), true],
    ['ResourceInUseException', inUse(), true],
    ['a 5xx', Object.assign(new Error('x'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }), true],
    ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['another 4xx', Object.assign(new Error('x'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 401 } }), false],
    ['DeadlineExceeded', Object.assign(new Error('x'), { name: 'DeadlineExceeded' }), false],
    // the SDK's own throttling names (HTTP 400), which it would retry but for maxAttempts: 1
    ['IoT/DynamoDB ThrottlingException', Object.assign(new Error('x'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }), true],
    ['ProvisionedThroughputExceededException', Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }), true],
    ['RequestLimitExceeded', Object.assign(new Error('x'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 400 } }), true],
    ['SQS RequestThrottled', Object.assign(new Error('x'), { name: 'RequestThrottled', $metadata: { httpStatusCode: 400 } }), true],
    ['a 429 of any name', Object.assign(new Error('x'), { name: 'Whatever', $metadata: { httpStatusCode: 429 } }), true],
    ['a validation error', Object.assign(new Error('x'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }), false],
  ])('%s: %s', (_, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('cannotBeCured', () => {
  const failure = (name: string) => withCause('could not', Object.assign(new Error('x'), { name, $metadata: { httpStatusCode: 400 } }));
  test.each([
    ['a PermanentError', new PermanentError('no'), true],
    ['a validation error (Kinesis Video)', failure('InvalidArgumentException'), true],
    ['a validation error (DynamoDB)', failure('ValidationException'), true],
    ['throttling past the deadline', failure('ThrottlingException'), false],
    ['a race (VersionMismatchException)', failure('VersionMismatchException'), false],
    ['a denial (IAM may still propagate)', failure('AccessDeniedException'), false],
    ['an error not from the retry layer', new Error('x'), false],
  ])('%s: %s', (_, error, expected) => {
    expect(cannotBeCured(error)).toBe(expected);
  });
});
