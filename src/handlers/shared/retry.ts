/**
 * The one retry core of the library's Lambda handlers (the media-storage link and the camera
 * onboarding worker): capped exponential backoff with full jitter, bounded by a deadline.
 *
 * Kinesis Video throttles with `ClientLimitExceededException`, HTTP 400, which the AWS SDK v3
 * does not retry; the clients are therefore built with `maxAttempts: 1` and this module is the
 * only retry layer (see docs/ for the SDK's own classification).
 */

/** Timing of the retries. */
export interface RetryTiming {
  /** First backoff ceiling; it doubles after each failed attempt (full jitter: the wait is uniform in [0, ceiling]). */
  readonly baseDelayMs: number;
  /** The largest backoff ceiling. */
  readonly maxDelayMs: number;
  /** Longest a single call may take. */
  readonly requestTimeoutMs: number;
}

/** Time and chance, injectable by tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** An error that retrying cannot cure: reported at once. */
export class PermanentError extends Error {}

const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** Calls and retries that never start, nor wait, past one deadline. */
export class DeadlineBoundCaller {
  private readonly timing: RetryTiming;
  private readonly deadline: number;
  private readonly clock: Clock;

  constructor(options: { timing: RetryTiming; deadline: number; clock?: Partial<Clock> }) {
    this.timing = options.timing;
    this.deadline = options.deadline;
    this.clock = { ...SYSTEM_CLOCK, ...options.clock };
  }

  /**
   * Runs `attempt` until it returns, retrying what is worth retrying with capped exponential
   * backoff and full jitter, never past the deadline. Throws an Error whose `cause` is the last
   * error and whose message is `explain(...)`; a `PermanentError` is thrown as it is.
   */
  public async retrying<T>(
    what: string,
    attempt: () => Promise<T>,
    explain: (name: string, error: Error, attempts: number, waitedMs: number) => string = defaultExplain(what),
  ): Promise<T> {
    const started = this.clock.now();
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        const error = e as Error;
        const name = errorName(e);
        const waitedMs = this.clock.now() - started;
        if (e instanceof PermanentError) {
          throw e;
        }
        if (!isRetryable(error)) {
          throw withCause(explain(name, error, n, waitedMs), e);
        }
        const ceiling = Math.min(this.timing.maxDelayMs, this.timing.baseDelayMs * 2 ** (n - 1));
        const delay = Math.round(this.clock.random() * ceiling);
        if (this.clock.now() + delay >= this.deadline) {
          throw withCause(`${explain(name, error, n, waitedMs)} (gave up: no time left before the deadline)`, e);
        }
        console.log(`${what.replace(/^could not /, '')}: attempt ${n}: ${name}; retrying in ${delay} ms`);
        await this.clock.sleep(delay);
      }
    }
  }

  /** One SDK call, aborted after the request timeout or at the deadline, whichever comes first. */
  public async call<O>(client: { send(command: any, options?: any): Promise<any> }, command: unknown): Promise<O> {
    const left = this.deadline - this.clock.now();
    if (left <= 0) {
      throw Object.assign(new Error('no time left before the deadline'), { name: 'DeadlineExceeded' });
    }
    const controller = new AbortController();
    const timeoutMs = Math.min(this.timing.requestTimeoutMs, left);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The abort signal cancels the request in the SDK's HTTP handler; the race makes the bound hold
    // even for a handler that ignores the signal.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }));
      }, timeoutMs);
    });
    try {
      return await Promise.race([client.send(command, { abortSignal: controller.signal }) as Promise<O>, timedOut]);
    } catch (e) {
      if (controller.signal.aborted) {
        throw Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' });
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
export function isRetryable(error: unknown): boolean {
  const e = error as Error & { $metadata?: { httpStatusCode?: number } };
  const name = e?.name;
  if (name === 'DeadlineExceeded') {
    return false;
  }
  if (name === 'ClientLimitExceededException' || name === 'ResourceInUseException' || name === 'TimeoutError') {
    return true;
  }
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) {
    return status >= 500 || status === 429;
  }
  // No HTTP status: the request never got an answer (ECONNRESET, socket hang up, ...).
  return true;
}

/** The error's name (an SDK error's is its shape, e.g. `ResourceNotFoundException`). */
export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

function defaultExplain(what: string) {
  return (name: string, error: Error, attempts: number, waitedMs: number) =>
    `${what}: ${name} after ${attempts} attempt(s) over ${Math.round(waitedMs / 1000)} s: ${error.message}`;
}

function withCause(message: string, cause: unknown): Error {
  return Object.assign(new Error(message), { cause });
}
