import type { RetryTiming } from '../shared/retry';

/** Base 250 ms, ceiling 4 s, 5 s per call: the link handler's timing, for the same quotas. */
export const TIMING: RetryTiming = { baseDelayMs: 250, maxDelayMs: 4_000, requestTimeoutMs: 5_000 };
