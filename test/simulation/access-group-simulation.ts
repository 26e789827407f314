/**
 * The access-group simulation: the SHIPPED worker bundle, driven like ./onboarding-simulation
 * (same world, stand-ins and event source mapping), with things that carry an access group in
 * the thing attribute `accessGroup`:
 *
 * 1. 150 things registered in bursts (events duplicated and shuffled): their groups spread over
 *    three households, and one thing without the attribute (the fleet has no default: no group);
 * 2. one thing's group changes and another's attribute is removed, with their registry events
 *    (`UPDATED`) delivered;
 * 3. the same again with the events LOST: one scheduled reconciliation, and nothing else, re-tags them.
 *
 * The result is the tags of every channel and stream at the end (the run-time cameras', the
 * stack's and another fleet's, which the test gives to IAM simulation of ViewerIdentity's policy),
 * what each camera's group should be, and the calls that changed tags.
 */
import * as path from 'path';
import { argument, reportFromChild, runInChild } from './child';
import { ACCESS_GROUP_TAG_KEY, cameraName, FLEET_TAG, setUp, SHIPPED_WORKER_BUNDLE, World } from './onboarding-simulation';

export const GROUPS = ['smith', 'jones', 'garcia'] as const;
export const ACCESS_GROUP_THINGS = 150;
/** Without the attribute (and no fleet default): in no group. */
export const WITHOUT = cameraName(0);
/** Moved from one household to another; attribute removed; both with their events delivered. */
export const MOVED = cameraName(1);
export const REMOVED = cameraName(2);
/** The same, with the events lost: only the reconciliation can see them. */
export const MOVED_SILENTLY = cameraName(4);
export const REMOVED_SILENTLY = cameraName(5);
/** Cameras of the stack (made by CloudFormation, with their group) and of another fleet with the prefix. */
export const STACK_GROUP_CAMERAS = { 'shop-stack-smith': 'smith', 'shop-stack-jones': 'jones', 'shop-stack-garcia': 'garcia' } as const;
export const OTHER_FLEET_GROUP_CAMERA = 'shop-annex-smith';

/** A thing's initial group. */
export const initialGroup = (i: number): string | undefined => i === 0 ? undefined : GROUPS[i % GROUPS.length];
/** The group a camera must end in. */
export function finalGroup(name: string): string | undefined {
  const i = Number(name.slice(-3));
  if (name === MOVED || name === MOVED_SILENTLY) {
    return GROUPS[(i + 1) % GROUPS.length];
  }
  if (name === REMOVED || name === REMOVED_SILENTLY) {
    return undefined;
  }
  return initialGroup(i);
}

export interface TaggedResource {
  readonly kind: 'channel' | 'stream';
  readonly name: string;
  readonly arn: string;
  readonly tags: Record<string, string>;
}

export interface AccessGroupSimulationResult {
  readonly problems: string[];
  /** Every live channel and stream at the end, with its tags. */
  readonly resources: TaggedResource[];
  /** The run-time cameras' access group (channel tag) after each phase. */
  readonly groupsAfter: Record<'register' | 'events' | 'reconciliation', Record<string, string | null>>;
  /** What the reconciliation enqueued (the names whose group drifted). */
  readonly reconciliationEnqueued: string[];
  /** Successful tag changes on resources the onboarding does not own (must be none). */
  readonly foreignTagChanges: string[];
  /** Tag calls refused by the role stand-in (the worker never tries what its role forbids). */
  readonly deniedTagCalls: number;
  /**
   * Successful Tag/Untag calls by the worker, per phase: each distinct `<operation> <camera>`, and
   * how many calls in all (a duplicated event may repeat one: the tag is idempotent).
   */
  readonly tagCalls: Record<string, { distinct: string[]; count: number }>;
  readonly deadLetters: number;
}

const TAG_OPERATIONS = new Set(['TagResource', 'UntagResource', 'TagStream', 'UntagStream']);

function groupsOf(world: World, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, world.kvs.find('channel', name)?.tags[ACCESS_GROUP_TAG_KEY] ?? null]));
}

async function runHere(bundle: string): Promise<AccessGroupSimulationResult> {
  const world = await setUp(bundle, ACCESS_GROUP_THINGS);
  const { kvs, iot, sqs } = world;
  for (const [name, group] of Object.entries(STACK_GROUP_CAMERAS)) {
    kvs.addCamera(name, { [FLEET_TAG[0]]: FLEET_TAG[1], 'cdk-kinesis-video-webrtc:stack-id': 'Shop', [ACCESS_GROUP_TAG_KEY]: group }, { linked: true });
  }
  kvs.addCamera(OTHER_FLEET_GROUP_CAMERA, { [FLEET_TAG[0]]: 'Shop/annex', [ACCESS_GROUP_TAG_KEY]: 'smith' }, { linked: true });
  const names = Array.from({ length: ACCESS_GROUP_THINGS }, (_, i) => cameraName(i));
  const tagCalls: AccessGroupSimulationResult['tagCalls'] = {};
  let since = 0;
  const countTagCalls = (phase: string) => {
    const calls = kvs.calls.slice(since).filter((c) => TAG_OPERATIONS.has(c.operation) && c.outcome === 'OK');
    // the target is an ARN: kind/name/creation-time
    const distinct = [...new Set(calls.map((c) => `${c.operation} ${c.target.split('/')[1]}`))].sort();
    tagCalls[phase] = { distinct, count: calls.length };
    since = kvs.calls.length;
  };
  world.startPolling();

  // Phase 1: register, with the attribute (a stack camera's and another fleet's name too: refused, untouched).
  world.deliver([iot.register('shop-stack-smith', { accessGroup: 'jones' }), iot.register(OTHER_FLEET_GROUP_CAMERA, { accessGroup: 'jones' })]);
  for (let burst = 0; burst < 5; burst++) {
    const size = ACCESS_GROUP_THINGS / 5;
    world.deliver(Array.from({ length: size }, (_, j) => {
      const i = burst * size + j;
      const group = initialGroup(i);
      return iot.register(names[i], group === undefined ? {} : { accessGroup: group });
    }));
  }
  await world.idle();
  countTagCalls('register');
  const afterRegister = groupsOf(world, names);

  // Phase 2: a household moves a doorbell (one registry update), another thing loses its group; events delivered.
  const next = (name: string) => GROUPS[(Number(name.slice(-3)) + 1) % GROUPS.length];
  world.deliver([iot.update(MOVED, { accessGroup: next(MOVED) }), iot.update(REMOVED, { accessGroup: '' })]);
  await world.idle();
  countTagCalls('events');
  const afterEvents = groupsOf(world, names);

  // Phase 3: the same with the events lost; the schedule's reconciliation alone.
  iot.update(MOVED_SILENTLY, { accessGroup: next(MOVED_SILENTLY) });
  iot.update(REMOVED_SILENTLY, { accessGroup: '' });
  const reconciliation = await world.invoke({ action: 'reconcile' });
  await world.idle();
  countTagCalls('reconciliation');
  const afterReconciliation = groupsOf(world, names);

  world.stopPolling();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const foreign = new Set([...Object.keys(STACK_GROUP_CAMERAS), OTHER_FLEET_GROUP_CAMERA]);
  const foreignArns = new Set([...foreign].flatMap((name) => [kvs.find('channel', name)?.arn, kvs.find('stream', name)?.arn]));
  const tagging = kvs.calls.filter((c) => TAG_OPERATIONS.has(c.operation));
  const resources = (['channel', 'stream'] as const).flatMap((kind) => kvs.live(kind).map((r) => ({ kind, name: r.name, arn: r.arn, tags: { ...r.tags } })));
  await Promise.all([kvs.stop(), iot.stop(), world.ddb.stop(), sqs.stop()]);
  return {
    problems: world.problems,
    resources,
    groupsAfter: { register: afterRegister, events: afterEvents, reconciliation: afterReconciliation },
    reconciliationEnqueued: [...reconciliation.enqueued].sort(),
    foreignTagChanges: tagging.filter((c) => c.outcome === 'OK' && (foreign.has(c.target) || foreignArns.has(c.target))).map((c) => `${c.operation} ${c.target}`),
    deniedTagCalls: tagging.filter((c) => c.outcome === 'AccessDeniedException').length,
    tagCalls,
    deadLetters: sqs.deadLetters.length,
  };
}

/** Runs the simulation in a child process and returns its result. */
export async function runAccessGroupSimulation(bundle = SHIPPED_WORKER_BUNDLE): Promise<AccessGroupSimulationResult> {
  return JSON.parse(await runInChild(__filename, ['--bundle', bundle]));
}

if (require.main === module) {
  reportFromChild(runHere(path.resolve(argument('bundle') ?? SHIPPED_WORKER_BUNDLE)), process.stdout.write.bind(process.stdout));
}
