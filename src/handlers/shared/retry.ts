/**
 * The one retry layer of the library's Lambda handlers: every AWS call goes through a
 * `DeadlineBoundCaller`, with clients built with `maxAttempts: 1`, because the SDK does not retry
 * Kinesis Video's throttling (`ClientLimitExceededException`, HTTP 400) and knows nothing of the
 * invocation's deadline. Why, and how the schedule was chosen: docs/design/link-handler.md.
 *
 * Bundled by esbuild only (outside jsii); imports nothing but the standard library.
 */

/** How a `DeadlineBoundCaller` waits. */
export interface RetryTiming {
  /** First backoff ceiling; it doubles after each failed attempt (full jitter: the wait is uniform in [0, ceiling]). */
  readonly baseDelayMs: number;
  /** The largest ceiling of that doubling. */
  readonly maxDelayMs: number;
  /** Longest a single call may take. */
  readonly requestTimeoutMs: number;
  /**
   * Callers that may start together against the same quota (e.g. the links of one stack). With
   * `callsPerSecond`, a throttled caller spreads its retries over the time that many calls need at
   * that rate, so that the callers together stay under the quota even if refused calls count
   * against it (docs/design/link-handler.md, "Retry schedule"). @default 1
   */
  readonly contenders?: number;
  /** The quota those callers share, calls per second. @default no spreading */
  readonly callsPerSecond?: number;
  /** The smallest ceiling after a throttle. @default baseDelayMs */
  readonly throttleFloorMs?: number;
  /**
   * The spread window as a share of the time the contenders' calls need at `callsPerSecond`.
   * Below 1 the callers offer a little more than the quota: free if refused calls do not count,
   * absorbed by the exponential phase if they do. @default 1
   */
  readonly spreadShare?: number;
}

/** Time and chance, injectable by tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** An error that retrying cannot cure: reported at once. */
export class PermanentError extends Error {}

/** The part of an AWS SDK v3 client the caller uses. */
export interface SdkClient {
  send(command: any, options?: any): Promise<any>;
}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** Calls and retries, never past a deadline. */
export class DeadlineBoundCaller {
  private readonly timing: RetryTiming;
  private readonly deadline: number;
  private readonly clock: Clock;
  /** When this caller was made (≈ when the invocation started): the spread window counts from it. */
  private readonly started: number;
  /** The throttle count when the spread window ended (the exponential phase restarts from it). */
  private afterSpread?: number;

  constructor(options: { timing: RetryTiming; deadline: number; clock?: Partial<Clock> }) {
    this.timing = options.timing;
    this.deadline = options.deadline;
    this.clock = { ...SYSTEM_CLOCK, ...options.clock };
    this.started = this.clock.now();
  }

  /** The clock's time (epoch ms). */
  public now(): number {
    return this.clock.now();
  }

  /** Epoch ms after which no call starts and no wait extends. */
  public get deadlineMs(): number {
    return this.deadline;
  }

  /**
   * Runs `attempt` until it returns, retrying what `isRetryable` allows, never past the deadline.
   * A `PermanentError` is thrown as it is; any other failure as an Error whose `cause` is the last
   * error and whose message is `explain(...)` (by default: what, the error's name and message).
   */
  public async retrying<T>(
    what: string,
    attempt: () => Promise<T>,
    explain: (name: string, error: Error, attempts: number, waitedMs: number) => string = defaultExplain(what),
  ): Promise<T> {
    const started = this.clock.now();
    let failures = 0;
    let throttles = 0;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        if (e instanceof PermanentError) {
          throw e;
        }
        const error = e as Error;
        const name = errorName(e);
        const waitedMs = this.clock.now() - started;
        if (!isRetryable(error)) {
          throw withCause(explain(name, error, n, waitedMs), e);
        }
        const ceiling = name === 'ClientLimitExceededException' ? this.throttleCeiling(++throttles) : this.ceiling(++failures);
        const delay = Math.round(this.clock.random() * ceiling);
        if (this.clock.now() + delay >= this.deadline) {
          throw withCause(`${explain(name, error, n, waitedMs)} (gave up: the function must answer before its timeout)`, e);
        }
        console.log(`${what.replace(/^could not /, '')}: attempt ${n}: ${name}; retrying in ${delay} ms`);
        await this.clock.sleep(delay);
      }
    }
  }

  /** One SDK call, aborted after the request timeout or at the deadline, whichever comes first. */
  public async call<O>(client: SdkClient, command: unknown): Promise<O> {
    const left = this.deadline - this.clock.now();
    if (left <= 0) {
      throw Object.assign(new Error('no time left before the function must answer'), { name: 'DeadlineExceeded' });
    }
    const controller = new AbortController();
    const timeoutMs = Math.min(this.timing.requestTimeoutMs, left);
    const timeoutError = () => Object.assign(new Error(`no answer from ${serviceOf(client)} within ${timeoutMs} ms`), { name: 'TimeoutError' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The race keeps the bound even for an HTTP handler that ignores the abort signal.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(timeoutError());
      }, timeoutMs);
    });
    try {
      return await Promise.race([client.send(command, { abortSignal: controller.signal }) as Promise<O>, timedOut]);
    } catch (e) {
      throw controller.signal.aborted ? timeoutError() : e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Capped exponential backoff (full jitter is applied by the caller). */
  private ceiling(failures: number): number {
    return Math.min(this.timing.maxDelayMs, this.timing.baseDelayMs * 2 ** (failures - 1));
  }

  /**
   * After a throttle: while the contenders' calls cannot all have gone through yet at the quota's
   * rate (times `spreadShare`), spread the retry over what is left of that time; after it, back off
   * exponentially again (up to twice the time all calls need), so that callers still waiting find the quota idle quickly if refused
   * calls do not count, and thin out if they do.
   */
  private throttleCeiling(throttles: number): number {
    const floor = this.timing.throttleFloorMs ?? this.timing.baseDelayMs;
    const { contenders = 1, callsPerSecond } = this.timing;
    if (!callsPerSecond || contenders <= 1) {
      return this.ceiling(throttles);
    }
    const allCallsMs = (contenders / callsPerSecond) * 1_000;
    const spreadMs = (this.timing.spreadShare ?? 1) * allCallsMs;
    const left = this.started + spreadMs - this.clock.now();
    if (left > 0) {
      return Math.max(floor, left);
    }
    this.afterSpread ??= throttles;
    const exponential = this.timing.baseDelayMs * 2 ** (throttles - this.afterSpread);
    return Math.min(Math.max(this.timing.maxDelayMs, 2 * allCallsMs), Math.max(floor, exponential));
  }
}

/**
 * The throttling names the AWS SDK's own retry strategy retries (`THROTTLING_ERROR_CODES` of
 * @smithy/service-error-classification; the clients are built with `maxAttempts: 1`, so this layer
 * must know them): IoT's and DynamoDB's `ThrottlingException`, DynamoDB's
 * `ProvisionedThroughputExceededException` and `RequestLimitExceeded`, SQS's `RequestThrottled`,
 * all HTTP 400. Plus Kinesis Video's `ClientLimitExceededException`, which the SDK does not know.
 */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ClientLimitExceededException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** The SDK's transient names (`TRANSIENT_ERROR_CODES`), besides our own `TimeoutError`. */
const TRANSIENT_ERROR_NAMES: ReadonlySet<string> = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Whether `error` is a throttle of any service the handlers call. */
export function isThrottling(error: unknown): boolean {
  const e = error as { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } } | undefined;
  return THROTTLING_ERROR_NAMES.has(errorName(error)) || e?.$retryable?.throttling === true || e?.$metadata?.httpStatusCode === 429;
}

/**
 * Throttling (`isThrottling`), resources not ACTIVE yet (ResourceInUseException), server errors,
 * and failures without an HTTP answer (network errors, our own timeouts).
 * DeadlineExceeded is not retried: there is no time left.
 */
export function isRetryable(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'DeadlineExceeded') {
    return false;
  }
  if (isThrottling(error) || name === 'ResourceInUseException' || TRANSIENT_ERROR_NAMES.has(name)) {
    return true;
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status !== undefined) {
    return status >= 500;
  }
  // No HTTP status: the request never got an answer (ECONNRESET, socket hang up, ...).
  return true;
}

/**
 * The services' answers to a request that is wrong in itself (a setting out of range, a bad key):
 * the same request fails the same way every time. Kinesis Video's `InvalidArgumentException`,
 * `InvalidDeviceException` and `TagsPerResourceExceededLimitException`, DynamoDB's and SQS's
 * `ValidationException`, AWS IoT's `InvalidRequestException`, SQS's `InvalidParameterValue`.
 * Other 4xx (a version mismatch, a resource gone, a denial while IAM propagates) are races a
 * later delivery resolves.
 */
export const VALIDATION_ERROR_NAMES: ReadonlySet<string> = new Set([
  'InvalidArgumentException',
  'InvalidDeviceException',
  'TagsPerResourceExceededLimitException',
  'ValidationException',
  'InvalidRequestException',
  'InvalidParameterValue',
]);

/**
 * Whether retrying cannot cure `e`, a failure of `retrying`: a `PermanentError`, or a last error
 * that is a validation error (`VALIDATION_ERROR_NAMES`). Anything else (throttling past the
 * deadline, a race) may be cured by a later delivery.
 */
export function cannotBeCured(e: unknown): boolean {
  if (e instanceof PermanentError) {
    return true;
  }
  const cause = (e as { cause?: unknown })?.cause;
  return cause !== undefined && VALIDATION_ERROR_NAMES.has(errorName(cause));
}

/** The error's name (an SDK error's name is its shape: `ClientLimitExceededException`, ...). */
export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

/** The name of the error that caused `e` (a `retrying` failure), or of `e` itself. */
export function causeName(e: unknown): string {
  return errorName((e as { cause?: unknown })?.cause ?? e);
}

export function withCause(message: string, cause: unknown): Error {
  return Object.assign(new Error(message), { cause });
}

function defaultExplain(what: string) {
  return (name: string, error: Error, attempts: number, waitedMs: number) =>
    `${what}: ${name} after ${attempts} attempt(s) over ${Math.round(waitedMs / 1000)} s: ${error.message}`;
}

function serviceOf(client: SdkClient): string {
  const serviceId = (client as { config?: { serviceId?: string } }).config?.serviceId;
  return serviceId ?? 'the service';
}
