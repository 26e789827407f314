/**
 * A custom-resource request of CloudFormation, and a stand-in for `https.request` that receives
 * the handler's answer (the PUT to the pre-signed ResponseURL): no request leaves the process.
 */
import { EventEmitter } from 'events';
import https from 'https';
import { PassThrough } from 'stream';

/** The request's fields, and the channels its physical ids name. */
export const CHANNEL = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1700000000000';
export const NEW_CHANNEL = 'arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door-2/1700000000002';
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/Cam/abc%7CLink%7Creq-1?X-Amz-Signature=sig';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Cam/11111111-2222-3333-4444-555555555555';
export const REQUEST_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const LOGICAL_ID = 'CamMediaStorageLink1234ABCD';

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
