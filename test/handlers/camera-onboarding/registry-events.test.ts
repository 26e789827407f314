/**
 * The custom resource that turns AWS IoT registry events on: Create and Update turn them on,
 * Delete never turns them off, and CloudFormation always gets its answer.
 */
import { IoTClient, UpdateEventConfigurationsCommand } from '@aws-sdk/client-iot';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { onRegistryEventsResource } from '../../../src/handlers/camera-onboarding/registry-events';
import * as cfnResponse from '../../../src/handlers/shared/cfn-response';

const iot = mockClient(IoTClient);
const timing = { baseDelayMs: 1, maxDelayMs: 2, requestTimeoutMs: 1_000 };
const context = { getRemainingTimeInMillis: () => 60_000, logStreamName: 'stream' } as unknown as Context;
const request = (RequestType: 'Create' | 'Update' | 'Delete') => ({
  RequestType,
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/Shop/1',
  RequestId: 'r1',
  LogicalResourceId: 'RegistryEventsOn',
  PhysicalResourceId: RequestType === 'Create' ? undefined : 'aws-iot-thing-registry-events',
} as cfnResponse.CfnRequest);

let answers: Array<Record<string, unknown>>;
beforeEach(() => {
  iot.reset();
  answers = [];
  jest.spyOn(cfnResponse, 'sendResponse').mockImplementation(async (_url, body) => {
    answers.push(JSON.parse(body));
  });
  jest.spyOn(console, 'log').mockImplementation(() => {});
  jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

test.each(['Create', 'Update'] as const)('%s turns thing registry events on and answers SUCCESS', async (type) => {
  iot.on(UpdateEventConfigurationsCommand).resolves({});
  await onRegistryEventsResource(request(type), context, timing, new IoTClient({}));
  expect(iot.commandCalls(UpdateEventConfigurationsCommand).map((c) => c.args[0].input)).toEqual([
    { eventConfigurations: { THING: { Enabled: true } } },
  ]);
  expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'aws-iot-thing-registry-events' })]);
});

test('Delete leaves them on (other workloads may rely on them) and answers SUCCESS', async () => {
  await onRegistryEventsResource(request('Delete'), context, timing, new IoTClient({}));
  expect(iot.calls()).toHaveLength(0);
  expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS' })]);
});

test('a denial is answered FAILED with the reason', async () => {
  iot.on(UpdateEventConfigurationsCommand).rejects(Object.assign(new Error('not authorized'), {
    name: 'UnauthorizedException', $metadata: { httpStatusCode: 401 },
  }));
  await onRegistryEventsResource(request('Create'), context, timing, new IoTClient({}));
  expect(answers).toEqual([expect.objectContaining({ Status: 'FAILED', Reason: expect.stringContaining('not authorized') })]);
});
