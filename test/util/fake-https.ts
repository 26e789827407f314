/**
 * A stand-in for `https.request`, for the tests of the CloudFormation response (the PUT to the
 * pre-signed ResponseURL): no request leaves the process.
 */
import { EventEmitter } from 'events';
import https from 'https';
import { PassThrough } from 'stream';

export interface CapturedRequest {
  readonly url: unknown;
  readonly options: https.RequestOptions;
  body: string;
}

/**
 * Replaces `https.request` with a fake that captures each request and answers with the next
 * outcome (an HTTP status, or an error); the last outcome repeats. Never touches the network.
 */
export function fakeHttps(...outcomes: (number | Error)[]) {
  const requests: CapturedRequest[] = [];
  const spy = jest.spyOn(https, 'request').mockImplementation(((
    url: unknown,
    requestOptions: https.RequestOptions,
    callback: (response: PassThrough) => void,
  ) => {
    const captured: CapturedRequest = { url, options: requestOptions, body: '' };
    const outcome = outcomes.length === 0 ? 200 : outcomes[Math.min(requests.length, outcomes.length - 1)];
    requests.push(captured);
    const request = new EventEmitter() as EventEmitter & { end: (body?: string) => void; destroy: (e: Error) => void };
    request.destroy = (e: Error) => request.emit('error', e);
    request.end = (body?: string) => {
      captured.body += body ?? '';
      setImmediate(() => {
        if (outcome instanceof Error) {
          request.emit('error', outcome);
          return;
        }
        const response = new PassThrough() as PassThrough & { statusCode?: number };
        response.statusCode = outcome;
        callback(response);
        response.end();
      });
    };
    return request;
  }) as unknown as typeof https.request);
  return { requests, spy };
}
