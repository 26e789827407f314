/**
 * The CloudFormation side of a custom resource: the answer on the pre-signed `ResponseURL`.
 * Kept apart from what the resource does, like aws-cdk's custom-resource-handlers
 * (`packages/@aws-cdk/custom-resource-handlers/lib/core/nodejs-entrypoint-handler`), and
 * bundled by esbuild into the handlers (the `index.lambda.ts` of each handler). It imports only Node.js built-ins.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
import * as https from 'https';

/** The fields of a CloudFormation custom resource request that the answer needs. */
export interface CfnRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  /** Absent on Create. */
  readonly PhysicalResourceId?: string;
}

/** What the handler decided. */
export interface CfnOutcome {
  readonly status: 'SUCCESS' | 'FAILED';
  /** The physical id to report; only a SUCCESS may change it (see `responseBody`). */
  readonly physicalResourceId?: string;
  readonly reason?: string;
}

/** CloudFormation refuses a larger response body ("Response object is too long"). */
export const MAX_RESPONSE_BYTES = 4_096;

/** CloudFormation's limit on a physical id. */
export const MAX_PHYSICAL_ID_BYTES = 1_024;

/**
 * The JSON answer, at most `MAX_RESPONSE_BYTES` in all: the Reason is cut (with an ellipsis) to
 * whatever the other fields leave, measured after JSON escaping and in UTF-8 bytes.
 *
 * Physical id rules:
 * - SUCCESS: the id the handler returned (CloudFormation sends a Delete for the old id when it
 *   changes on an Update);
 * - FAILED Update or Delete: the id CloudFormation sent, unchanged: a failure must not replace
 *   the resource;
 * - FAILED Create: the handler's id if it gave one, else the RequestId (it must be non-empty;
 *   CloudFormation later sends a Delete for it, which the handler must tolerate).
 * An id that is empty or over 1 KB falls back the same way.
 */
export function responseBody(request: CfnRequest, outcome: CfnOutcome): string {
  const usable = (id: string | undefined): id is string =>
    typeof id === 'string' && id.length > 0 && Buffer.byteLength(id) <= MAX_PHYSICAL_ID_BYTES;
  const sent = request.RequestType === 'Create' ? undefined : request.PhysicalResourceId;
  let physicalResourceId: string;
  if (outcome.status === 'SUCCESS' || request.RequestType === 'Create') {
    physicalResourceId = usable(outcome.physicalResourceId) ? outcome.physicalResourceId : usable(sent) ? sent : request.RequestId;
  } else {
    physicalResourceId = usable(sent) ? sent : request.RequestId;
  }
  const body: Record<string, string> = {
    Status: outcome.status,
    PhysicalResourceId: physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  };
  if (outcome.reason === undefined) {
    return JSON.stringify(body);
  }
  const full = JSON.stringify({ ...body, Reason: outcome.reason });
  if (Buffer.byteLength(full) <= MAX_RESPONSE_BYTES) {
    return full;
  }
  // The longest prefix of the Reason that fits: binary search on its length in characters.
  const chars = Array.from(outcome.reason); // code points: a cut never splits a surrogate pair
  const withPrefix = (n: number) => JSON.stringify({ ...body, Reason: chars.slice(0, n).join('') + ' [...]' });
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(withPrefix(mid)) <= MAX_RESPONSE_BYTES) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return withPrefix(low);
}

/** How `sendResponse` waits and retries. */
export interface SendOptions {
  /** Epoch ms after which no further attempt starts (the function's own timeout, less a little). */
  readonly deadline: number;
  /** Timeout of one attempt. @default 10 s */
  readonly attemptTimeoutMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Log lines; console.log by default. */
  readonly log?: (line: string) => void;
}

/** The first wait between attempts; it doubles up to `RESPONSE_RETRY_MAX_DELAY_MS` (full jitter). */
export const RESPONSE_RETRY_BASE_DELAY_MS = 500;
export const RESPONSE_RETRY_MAX_DELAY_MS = 5_000;

/** An HTTP answer that retrying cannot change (4xx: an expired or malformed pre-signed URL). */
export class PermanentResponseError extends Error {
  public readonly name = 'PermanentResponseError';
}

/**
 * PUTs the answer to the pre-signed S3 URL (no content type: it is signed without one).
 * Network errors, timeouts and 5xx (S3's 500/503 SlowDown) are retried with capped exponential
 * backoff and full jitter until `deadline`; a 4xx is final. Without an answer CloudFormation waits
 * the custom resource's whole ServiceTimeout, so a few retries are cheap insurance.
 */
export async function sendResponse(responseUrl: string, body: string, options: SendOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const log = options.log ?? ((line: string) => console.log(line));
  for (let attempt = 1; ; attempt++) {
    const left = options.deadline - now();
    try {
      await putOnce(responseUrl, body, Math.max(1, Math.min(options.attemptTimeoutMs ?? 10_000, left)));
      return;
    } catch (e) {
      const error = e as Error;
      const delay = random() * Math.min(RESPONSE_RETRY_MAX_DELAY_MS, RESPONSE_RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
      if (error instanceof PermanentResponseError || now() + delay >= options.deadline) {
        throw new Error(`could not answer CloudFormation after ${attempt} attempt(s): ${error.message}`);
      }
      log(`answer attempt ${attempt} failed (${error.message}); retrying in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }
}

function putOnce(responseUrl: string, body: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.request(responseUrl, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    }, (response) => {
      response.resume();
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve();
        } else if (status >= 500) {
          reject(new Error(`CloudFormation's response URL answered HTTP ${status}`));
        } else {
          reject(new PermanentResponseError(`CloudFormation's response URL answered HTTP ${status}`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from CloudFormation's response URL within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
