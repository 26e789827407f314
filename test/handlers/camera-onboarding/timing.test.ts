/**
 * The onboarding's retry timing (src/handlers/camera-onboarding/timing.ts): the link handler's, since
 * both call Kinesis Video against the same account quotas, and a call never outlasts the worker's margin.
 */
import { TIMING } from '../../../src/handlers/camera-onboarding/timing';
import { DEFAULT_TIMING } from '../../../src/handlers/media-storage-link/index.lambda';

test('base delay, ceiling and request timeout are the link handler\'s', () => {
  expect(TIMING).toEqual({
    baseDelayMs: DEFAULT_TIMING.baseDelayMs,
    maxDelayMs: DEFAULT_TIMING.maxDelayMs,
    requestTimeoutMs: DEFAULT_TIMING.requestTimeoutMs,
  });
});

test('one call and one wait fit in the 10 s the worker keeps free before its timeout', () => {
  expect(TIMING.requestTimeoutMs + TIMING.maxDelayMs).toBeLessThan(10_000);
  expect(TIMING.baseDelayMs).toBeLessThan(TIMING.maxDelayMs);
});
