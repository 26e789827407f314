/**
 * The custom resource that turns AWS IoT registry events on (`UpdateEventConfigurations`, THING):
 * account-wide, with no CloudFormation resource. Create and Update turn them on; Delete leaves them
 * on, since other workloads of the account may rely on them.
 *
 * The CloudFormation protocol is the link handler's module (one protocol for the library).
 */
import { IoTClient, UpdateEventConfigurationsCommand } from '@aws-sdk/client-iot';
import type { Context } from 'aws-lambda';
import { CfnOutcome, CfnRequest, responseBody, sendResponse } from '../shared/cfn-response';
import { DeadlineBoundCaller, RetryTiming } from '../shared/retry';

const PHYSICAL_ID = 'aws-iot-thing-registry-events';
const MARGIN_MS = 10_000;

export function isCfnRequest(event: unknown): event is CfnRequest {
  return typeof event === 'object' && event !== null && 'RequestType' in event && 'ResponseURL' in event;
}

export async function onRegistryEventsResource(request: CfnRequest, context: Context, timing: RetryTiming, iot?: IoTClient): Promise<void> {
  const functionEnds = Date.now() + context.getRemainingTimeInMillis();
  const caller = new DeadlineBoundCaller({ timing, deadline: functionEnds - MARGIN_MS });
  const client = iot ?? new IoTClient({ maxAttempts: 1 });
  let outcome: CfnOutcome;
  try {
    if (request.RequestType !== 'Delete') {
      await caller.retrying('could not turn AWS IoT registry events on', () =>
        caller.call(client, new UpdateEventConfigurationsCommand({ eventConfigurations: { THING: { Enabled: true } } })));
      console.log(JSON.stringify({ level: 'info', step: 'registry-events', message: 'AWS IoT thing registry events are on' }));
    } else {
      console.log(JSON.stringify({ level: 'info', step: 'registry-events', message: 'left on: other workloads of the account may rely on them' }));
    }
    outcome = { status: 'SUCCESS', physicalResourceId: PHYSICAL_ID };
  } catch (e) {
    const reason = `${(e as Error).message} (see CloudWatch log stream ${context.logStreamName})`;
    console.error(reason);
    outcome = { status: 'FAILED', reason, physicalResourceId: PHYSICAL_ID };
  }
  await sendResponse(request.ResponseURL, responseBody(request, outcome), { deadline: functionEnds - 1_000 });
}
