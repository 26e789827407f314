/**
 * Fault scenarios of the camera onboarding: the SHIPPED worker bundle in the onboarding
 * simulation's world (./onboarding-simulation: the queue, its event source mapping, the topic
 * rule, the schedule, and loopback stand-ins for Kinesis Video, the IoT registry, DynamoDB and
 * SQS), each scenario in a fresh world, each reporting its end state (records, tags, links,
 * slots, queue, metrics):
 *
 * 1. forged invocations: a CloudFormation request naming a URL, a `list` request, records that
 *    are not SQS's: refused before any call, nothing made, nothing sent;
 * 2. a validation error mid-creation (CreateStream answers InvalidArgumentException after the
 *    channel was made): FAILED at once, no channel or stream left, slots free, nothing
 *    dead-lettered; completed by a reconciliation once the cause is gone;
 * 3. names whose stream belongs to another fleet: REFUSED with no channel left and no slot;
 *    one clash cleared: ONBOARDED by the next reconciliation; the other's thing deleted: RETIRED;
 * 4. throttling of IoT, DynamoDB and SQS on 20% of calls, 150 things (50 by events, 100 found by
 *    a reconciliation), budget 100: exactly 100 linked and 100 slots, 50 over budget; 50 deleted
 *    and a reconciliation: 100 linked again;
 * 5. budget 0 at 150 things: nothing made, no slot, 150 OVER_BUDGET.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { argument, reportFromChild, runInChild } from './child';
import { cameraName, FLEET_TAG, ONBOARDING_TAG, PhaseFigures, setUp, SHIPPED_WORKER_BUNDLE, sleep, World } from './onboarding-simulation';

export interface ScenarioResult {
  readonly figures: PhaseFigures;
  readonly problems: string[];
  /** Status of each record by name (only the names the scenario looks at). */
  readonly statuses: Record<string, string | undefined>;
  readonly reasons: Record<string, string | undefined>;
  /** Names of live channels and streams carrying the onboarding tag. */
  readonly ownChannels: string[];
  readonly ownStreams: string[];
  readonly extra: Record<string, unknown>;
}

export interface FaultsResult {
  readonly forged: ScenarioResult;
  readonly midCreation: ScenarioResult & { readonly afterReconciliation: ScenarioResult };
  readonly refused: ScenarioResult & { readonly afterClash: ScenarioResult };
  readonly throttled: ScenarioResult & { readonly afterRetirement: ScenarioResult };
  readonly budgetZero: ScenarioResult;
}

const own = (tags: Record<string, string>) => tags[ONBOARDING_TAG[0]] === ONBOARDING_TAG[1];

function snapshot(world: World, phase: string, started: number, names: string[], extra: Record<string, unknown> = {}): ScenarioResult {
  const statuses: Record<string, string | undefined> = {};
  const reasons: Record<string, string | undefined> = {};
  for (const name of names) {
    statuses[name] = world.ddb.items.get(name)?.status?.S;
    reasons[name] = world.ddb.items.get(name)?.reason?.S;
  }
  return {
    figures: world.figures(phase, started),
    problems: [...world.problems],
    statuses,
    reasons,
    ownChannels: world.kvs.live('channel').filter((r) => own(r.tags)).map((r) => r.name).sort(),
    ownStreams: world.kvs.live('stream').filter((r) => own(r.tags)).map((r) => r.name).sort(),
    extra,
  };
}

async function stop(world: World): Promise<void> {
  world.stopPolling();
  await sleep(100);
  await Promise.all([world.kvs.stop(), world.iot.stop(), world.ddb.stop(), world.sqs.stop()]);
}

/** 1. Forged payloads, sent straight to the worker (as a principal with lambda:InvokeFunction would). */
async function forged(bundle: string): Promise<ScenarioResult> {
  const world = await setUp(bundle, 100);
  const started = Date.now();
  // Where a forged CloudFormation request asks for the answer: any request here is a failure.
  let requests = 0;
  const listener = http.createServer((_req, res) => {
    requests++;
    res.end();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/answer`;
  world.iot.register('shop-forged');
  const payloads = [
    { RequestType: 'Create', ResponseURL: url, StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/x/1', RequestId: '1', LogicalResourceId: 'X', ResourceProperties: {} },
    { RequestType: 'Delete', ResponseURL: url.replace('http:', 'https:'), StackId: 's', RequestId: '2', LogicalResourceId: 'X', PhysicalResourceId: 'p' },
    { action: 'list' },
    { action: 'reconcile', ResponseURL: url },
    { Records: [{ messageId: 'forged', body: JSON.stringify({ name: 'shop-forged', provisioning: true }), eventSource: 'aws:s3' }] },
  ];
  const answers: string[] = [];
  for (const payload of payloads) {
    try {
      await world.invoke(payload);
      answers.push('accepted');
    } catch (e) {
      answers.push((e as Error).message);
    }
  }
  await sleep(500);
  listener.close();
  const result = snapshot(world, 'forged', started, ['shop-forged'], {
    answers,
    requestsToTheNamedUrl: requests,
    kvsCalls: world.kvs.calls.length,
    records: world.ddb.items.size,
    messagesSent: world.sqs.sent,
  });
  await stop(world);
  return result;
}

/** 2. CreateStream refused (InvalidArgumentException) after the channel was made. */
async function midCreation(bundle: string): Promise<FaultsResult['midCreation']> {
  const world = await setUp(bundle, 100);
  const names = Array.from({ length: 10 }, (_, i) => cameraName(i));
  world.kvs.injected.set('CreateStream', 'InvalidArgumentException');
  world.startPolling();
  let started = Date.now();
  world.deliver(names.map((n) => world.iot.register(n)), { duplicates: false });
  await world.idle();
  const createdChannels = world.kvs.calls.filter((c) => c.operation === 'CreateSignalingChannel' && c.outcome === 'OK').length;
  const first = snapshot(world, 'a validation error mid-creation', started, names, { createdChannels });
  world.kvs.injected.clear();
  await sleep(2_100); // the deleted channels' names are free again
  started = Date.now();
  const reconciliation = await world.invoke({ action: 'reconcile' });
  await world.idle();
  const after = snapshot(world, 'reconciliation after the cause is gone', started, names, { enqueued: reconciliation.enqueued.length });
  await stop(world);
  return { ...first, afterReconciliation: after };
}

/** 3. Stream names owned by another fleet: REFUSED; one clash cleared, one thing deleted. */
async function refused(bundle: string): Promise<FaultsResult['refused']> {
  const world = await setUp(bundle, 100);
  const [cleared, deleted] = ['shop-clash-1', 'shop-clash-2'];
  for (const name of [cleared, deleted]) {
    world.kvs.addStream(name, { [FLEET_TAG[0]]: 'Shop/annex' });
  }
  world.startPolling();
  let started = Date.now();
  world.deliver([world.iot.register(cleared), world.iot.register(deleted)]);
  await world.idle();
  const first = snapshot(world, 'refused', started, [cleared, deleted]);
  world.kvs.forget('stream', cleared);
  await sleep(2_100);
  started = Date.now();
  world.deliver([world.iot.deregister(deleted)]);
  await world.idle();
  const reconciliation = await world.invoke({ action: 'reconcile' });
  await world.idle();
  const after = snapshot(world, 'clash cleared, thing deleted', started, [cleared, deleted], {
    enqueued: reconciliation.enqueued,
    annexStreamOf2: world.kvs.find('stream', deleted)?.tags[FLEET_TAG[0]],
  });
  await stop(world);
  return { ...first, afterClash: after };
}

/** 4. IoT, DynamoDB and SQS throttle 20% of calls; 150 things, budget 100. */
async function throttled(bundle: string): Promise<FaultsResult['throttled']> {
  const world = await setUp(bundle, 100);
  for (const standIn of [world.iot, world.ddb, world.sqs]) {
    standIn.throttleRate = 0.2;
  }
  const names = Array.from({ length: 150 }, (_, i) => cameraName(i));
  world.startPolling();
  let started = Date.now();
  // A third through the topic rule; the rest found by the reconciliation (ListThings, SendMessageBatch).
  const events = names.map((n) => world.iot.register(n));
  world.deliver(events.slice(0, 50));
  await world.idle();
  const reconciliations = [await world.invoke({ action: 'reconcile' })];
  await world.idle();
  const first = snapshot(world, 'throttled: 150 things, budget 100', started, [], {
    throttled: { iot: world.iot.throttled, dynamodb: world.ddb.throttled, sqs: world.sqs.throttled },
    reconciliations: reconciliations.map((r) => r.enqueued.length),
  });
  started = Date.now();
  const onboarded = [...world.ddb.items.values()].filter((i) => i.status?.S === 'ONBOARDED').map((i) => i.name.S!).sort().slice(0, 50);
  world.deliver(onboarded.map((n) => world.iot.deregister(n)));
  await world.idle();
  await sleep(2_100);
  reconciliations.push(await world.invoke({ action: 'reconcile' }));
  await world.idle();
  const after = snapshot(world, 'throttled: 50 deleted, reconciled', started, [], {
    throttled: { iot: world.iot.throttled, dynamodb: world.ddb.throttled, sqs: world.sqs.throttled },
    reconciliations: reconciliations.map((r) => r.enqueued.length),
  });
  await stop(world);
  return { ...first, afterRetirement: after };
}

/** 5. Budget 0 at 150 things. */
async function budgetZero(bundle: string): Promise<ScenarioResult> {
  const world = await setUp(bundle, 0);
  const names = Array.from({ length: 150 }, (_, i) => cameraName(i));
  world.startPolling();
  const started = Date.now();
  world.deliver(names.map((n) => world.iot.register(n)));
  await world.idle();
  const result = snapshot(world, 'budget 0', started, [], {
    creates: world.kvs.calls.filter((c) => c.operation.startsWith('Create')).length,
  });
  await stop(world);
  return result;
}

async function runHere(bundle: string): Promise<FaultsResult> {
  const log = console.log;
  const result = {
    forged: await forged(bundle),
    midCreation: await midCreation(bundle),
    refused: await refused(bundle),
    throttled: await throttled(bundle),
    budgetZero: await budgetZero(bundle),
  };
  console.log = log;
  return result;
}

/** Runs the fault scenarios in a child process. */
export async function runOnboardingFaults(bundle = SHIPPED_WORKER_BUNDLE): Promise<FaultsResult> {
  return JSON.parse(await runInChild(__filename, ['--bundle', bundle]));
}

if (require.main === module) {
  const out = process.stdout.write.bind(process.stdout);
  reportFromChild(runHere(argument('bundle') ?? SHIPPED_WORKER_BUNDLE), out);
}

