/**
 * The registry-events function (src/handlers/camera-onboarding/registry-events.lambda.ts): it answers
 * CloudFormation custom resource requests only, with the onboarding's timing; any other payload is refused.
 */
import * as registryEvents from '../../../src/handlers/camera-onboarding/registry-events';
import { handler } from '../../../src/handlers/camera-onboarding/registry-events.lambda';
import { TIMING } from '../../../src/handlers/camera-onboarding/timing';

const context = { getRemainingTimeInMillis: () => 60_000, logStreamName: 'stream' } as any;
let resource: jest.SpyInstance;

beforeEach(() => {
  resource = jest.spyOn(registryEvents, 'onRegistryEventsResource').mockResolvedValue();
});
afterEach(() => jest.restoreAllMocks());

test('a CloudFormation request goes to the custom resource, with the onboarding\'s timing', async () => {
  const request = { RequestType: 'Create', ResponseURL: 'https://example.invalid/r', StackId: 's', RequestId: 'r', LogicalResourceId: 'On' };
  await handler(request, context);
  expect(resource).toHaveBeenCalledWith(request, context, TIMING);
});

test.each([
  ['a worker payload', { action: 'reconcile' }],
  ['a queue batch', { Records: [] }],
  ['a request without its response URL', { RequestType: 'Create' }],
  ['nothing', undefined],
])('%s is refused, and no URL it names is called', async (_, event) => {
  await expect(handler(event, context)).rejects.toThrow('this function answers CloudFormation custom resource requests only');
  expect(resource).not.toHaveBeenCalled();
});
