/**
 * The camera onboarding simulation: the SHIPPED worker bundle
 * (assets/handlers/camera-onboarding/worker.lambda/index.js) run as Lambda runs it (a fresh module
 * instance per invocation, ./lambda-runner), driven as the onboarding's AWS resources drive it:
 *
 * - the topic rule: each registry event of the fleet's things becomes a queue message;
 * - the event source mapping: up to `maxConcurrency` invocations at once, batches of 10,
 *   partial batch failures made visible again later, dead-lettered after 10 receives;
 * - the schedule: `{ "action": "reconcile" }`.
 *
 * The real SDK clients reach loopback stand-ins through AWS_ENDPOINT_URL_* (fake credentials):
 * Kinesis Video (./kvs-control-plane-stand-in, quotas, CREATING and DELETING, the worker role's
 * IAM decisions), the IoT registry, DynamoDB and SQS (./onboarding-stand-ins).
 *
 * It runs in a child process (`runOnboardingSimulation`), so that the bundle's environment and
 * its log lines stay out of the test runner; the log lines are parsed for the metrics (embedded
 * metric format). Timing is real (quota windows, backoff); CREATING lasts 1 s and DELETING 2 s.
 *
 * The world: a fleet 'shop-' with 3 cameras of its stack, 2 cameras of another fleet whose names
 * also start with 'shop-' ('shop-annex-'), and a camera outside any fleet. Phases:
 * 1. 150 things registered in 5 bursts, their events duplicated (one in three) and shuffled, plus
 *    a thing deleted before its creation was processed (DELETED delivered first), plus things
 *    named after a stack camera and another fleet's camera: 100 linked (budget 100), 50 over budget;
 * 2. 50 things deleted: 50 cameras retired (recordings kept);
 * 3. reconciliation: the 50 over budget complete; a second reconciliation finds nothing to do;
 * 4. name reuse: 5 things deleted and registered again while their channels are DELETING;
 * 5. a camera refused by the service (the account's channel quota): FAILED with the reason, then
 *    completed by a reconciliation once the quota allows it;
 * 6. a camera announced by the backend (`provisioning: true`) before its thing exists: made at
 *    once, retired by a reconciliation after the grace (shortened to 15 s) without a thing.
 */
import * as path from 'path';
import { argument, reportFromChild, runInChild } from './child';
import { KvsControlPlaneStandIn } from './kvs-control-plane-stand-in';
import { LambdaRunner } from './lambda-runner';
import { DynamoDbStandIn, IotRegistryStandIn, RegistryEvent, SqsStandIn } from './onboarding-stand-ins';
import { CAMERA_ONBOARDING_ENV, toEnvironment } from '../../src/private/camera-onboarding-settings';
import { ACCESS_GROUP_TAG_KEY, FLEET_TAG_KEY, ONBOARDING_TAG_KEY } from '../../src/private/tags-and-quotas';

export const SHIPPED_WORKER_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'handlers', 'camera-onboarding', 'worker.lambda', 'index.js');

export const PREFIX = 'shop-';
export const FLEET_TAG = [FLEET_TAG_KEY, 'Shop/c8fleet'] as const;
export const ONBOARDING_TAG = [ONBOARDING_TAG_KEY, 'Shop/c8onboarding'] as const;
export { ACCESS_GROUP_TAG_KEY };
export const THINGS = 150;
export const BUDGET = 100;
export const RETIRED = 50;
export const REUSED = 5;
export const MAX_CONCURRENCY = 5;
const FUNCTION_TIMEOUT_MS = 120_000;
const RETRY_DELAY_MS = 1_000;

export const cameraName = (i: number) => `${PREFIX}cam-${String(i).padStart(3, '0')}`;
/** Resources the onboarding does not own. */
export const STACK_CAMERAS = ['shop-stack-1', 'shop-stack-2', 'shop-stack-3'];
export const OTHER_FLEET_CAMERAS = ['shop-annex-1', 'shop-annex-2'];
export const OUTSIDE_CAMERAS = ['plain-1'];
export const GHOST = 'shop-ghost';
export const REFUSED_BY_SERVICE = 'shop-over-quota';
export const ANNOUNCED = 'shop-announced';

/** A snapshot of the world after a phase. */
export interface PhaseFigures {
  readonly phase: string;
  readonly wallMs: number;
  /** Run-time cameras (channel with the onboarding tag) ACTIVE and linked to their stream. */
  readonly linked: number;
  /** Live channels and streams with the onboarding tag. */
  readonly channels: number;
  readonly streams: number;
  /** Records by status. */
  readonly records: Record<string, number>;
  /** The budget's slots in use. */
  readonly slots: number;
  /** Metrics emitted (embedded metric format) during the phase. */
  readonly metrics: Record<string, number>;
  readonly invocations: number;
  readonly messages: number;
  readonly throttled: number;
  readonly deadLetters: number;
  /** Peak accepted calls per second of the link, account-wide. */
  readonly peakLinksPerSecond: number;
}

export interface OnboardingSimulationResult {
  readonly phases: PhaseFigures[];
  readonly problems: string[];
  /** Reason of the dead-letter record of each name refused. */
  readonly refused: Record<string, string>;
  readonly overBudgetReason?: string;
  /** Mutating calls on resources the onboarding does not own (must be none). */
  readonly foreignMutations: string[];
  /** Creates on a name taken by a resource of others, answered ResourceInUseException (how collisions are found). */
  readonly collisionProbes: string[];
  /** AccessDenied answers to mutating calls (the worker never tries what its role forbids). */
  readonly deniedMutations: number;
  /** What the reconciliations enqueued. */
  readonly reconciliations: { enqueued: number; pending: number; overBudget: number }[];
  /** The five reused names: whether each kept its stream (same ARN) across retirement and reuse. */
  readonly reusedStreamsKept: number;
  /** Creates of a reused name answered ResourceInUseException while the old channel was DELETING. */
  readonly reuseCreatesWhileDeleting: number;
  readonly ghostHasCamera: boolean;
  /** The camera refused by the service (the account's channel quota): its record, then its status after a reconciliation. */
  readonly serviceRefusal: { status?: string; reason?: string; afterReconciliation?: string };
  /** The camera announced by the backend: its status at once, within the grace, and after it. */
  readonly announced: { atOnce?: string; withinGrace?: string; afterGrace?: string };
  readonly logLines: number;
  readonly structuredLogLines: number;
}

/** A seeded generator, so that every run shuffles and duplicates the same way. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

export class World {
  public readonly problems: string[] = [];
  public readonly logs: string[] = [];
  public invocations = 0;
  private inFlight = 0;
  private running = false;
  private readonly random = seeded(17);
  private readonly runner: LambdaRunner;
  private metricsSince = 0;
  private callsSince = 0;

  constructor(
    public readonly kvs: KvsControlPlaneStandIn,
    public readonly iot: IotRegistryStandIn,
    public readonly ddb: DynamoDbStandIn,
    public readonly sqs: SqsStandIn,
    bundle: string,
  ) {
    this.runner = new LambdaRunner(bundle);
  }

  public async invoke(event: unknown): Promise<any> {
    this.invocations++;
    const instance = this.runner.load() as unknown as { handler: (e: unknown, c: unknown) => Promise<any> };
    const started = Date.now();
    const context = {
      functionName: 'Worker',
      awsRequestId: `invocation-${this.invocations}`,
      logStreamName: 'simulation',
      getRemainingTimeInMillis: () => Math.max(0, started + FUNCTION_TIMEOUT_MS - Date.now()),
    };
    return instance.handler(event, context);
  }

  /** The event source mapping: polls while running. */
  public startPolling(): void {
    this.running = true;
    for (let i = 0; i < MAX_CONCURRENCY; i++) {
      void this.poller();
    }
  }

  public stopPolling(): void {
    this.running = false;
  }

  private async poller(): Promise<void> {
    while (this.running) {
      const batch = this.sqs.receive(10, FUNCTION_TIMEOUT_MS * 6);
      if (batch.length === 0) {
        await sleep(50);
        continue;
      }
      this.inFlight++;
      try {
        const event = { Records: batch.map((m) => ({ messageId: m.id, body: m.body, eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: String(m.receiveCount) } })) };
        const response = await this.invoke(event);
        const failed = new Set((response?.batchItemFailures ?? []).map((f: { itemIdentifier: string }) => f.itemIdentifier));
        for (const m of batch) {
          if (failed.has(m.id)) {
            this.sqs.retryLater(m.id, RETRY_DELAY_MS);
          } else {
            this.sqs.delete(m.id);
          }
        }
      } catch (e) {
        this.problems.push(`an invocation threw: ${(e as Error).message}`);
        for (const m of batch) {
          this.sqs.retryLater(m.id, RETRY_DELAY_MS);
        }
      } finally {
        this.inFlight--;
      }
    }
  }

  /** Until the queue is empty and no invocation runs. */
  public async idle(limitMs = 240_000): Promise<void> {
    const until = Date.now() + limitMs;
    while (Date.now() < until) {
      if (this.sqs.messages.length === 0 && this.inFlight === 0) {
        await sleep(200);
        if (this.sqs.messages.length === 0 && this.inFlight === 0) {
          return;
        }
      }
      await sleep(100);
    }
    this.problems.push(`the queue did not drain within ${limitMs} ms (${this.sqs.messages.length} messages left)`);
  }

  /** The topic rule: each event a message; one in three delivered twice; shuffled. */
  public deliver(events: RegistryEvent[], options: { duplicates?: boolean; shuffle?: boolean } = {}): void {
    const messages = events.flatMap((e) => options.duplicates !== false && this.random() < 1 / 3 ? [e, e] : [e]);
    if (options.shuffle !== false) {
      for (let i = messages.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [messages[i], messages[j]] = [messages[j], messages[i]];
      }
    }
    for (const m of messages) {
      this.sqs.send(JSON.stringify(m));
    }
  }

  public figures(phase: string, startedAt: number): PhaseFigures {
    const own = (tags: Record<string, string>) => tags[ONBOARDING_TAG[0]] === ONBOARDING_TAG[1];
    const channels = this.kvs.live('channel').filter((r) => own(r.tags));
    const streams = this.kvs.live('stream').filter((r) => own(r.tags));
    const links = this.kvs.links.links();
    const linked = channels.filter((c) => {
      const stream = streams.find((s) => s.name === c.name);
      return stream && links[c.arn] === stream.arn && this.kvs.find('channel', c.name)?.status === 'ACTIVE';
    }).length;
    const records: Record<string, number> = {};
    let slots = 0;
    for (const item of this.ddb.items.values()) {
      if (item.name.S?.startsWith('#')) {
        slots = item.holders?.SS?.length ?? 0;
        continue;
      }
      const status = item.status?.S ?? '?';
      records[status] = (records[status] ?? 0) + 1;
    }
    const metrics: Record<string, number> = {};
    for (const line of this.logs.slice(this.metricsSince)) {
      const parsed = parse(line);
      for (const m of parsed?._aws?.CloudWatchMetrics?.[0]?.Metrics ?? []) {
        metrics[m.Name] = (metrics[m.Name] ?? 0) + Number(parsed[m.Name]);
      }
    }
    this.metricsSince = this.logs.length;
    const calls = [...this.kvs.calls.slice(this.callsSince), ...this.kvs.links.calls];
    const throttled = this.kvs.calls.slice(this.callsSince).filter((c) => c.outcome === 'ClientLimitExceededException').length;
    this.callsSince = this.kvs.calls.length;
    void calls;
    return {
      phase,
      wallMs: Date.now() - startedAt,
      linked,
      channels: channels.length,
      streams: streams.length,
      records,
      slots,
      metrics,
      invocations: this.invocations,
      messages: this.sqs.sent,
      throttled,
      deadLetters: this.sqs.deadLetters.length,
      peakLinksPerSecond: this.kvs.links.peakPerSecond('Update'),
    };
  }
}

export function parse(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the stand-ins and sets the worker's environment (process.env) to reach them, as the
 * construct sets it (the SQS client sends to the queue URL's host: the queue's URL is the stand-in's).
 */
export async function setWorkerEnvironment(
  standIns: { kvs: KvsControlPlaneStandIn; iot: IotRegistryStandIn; ddb: DynamoDbStandIn; sqs: SqsStandIn },
  fleet: { prefix: string; fleetTag: readonly [string, string]; onboardingTag: readonly [string, string]; budget: number },
): Promise<void> {
  const sqsUrl = await standIns.sqs.start();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDSIMULATION',
    AWS_SECRET_ACCESS_KEY: 'simulation',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_KINESIS_VIDEO: await standIns.kvs.start(),
    AWS_ENDPOINT_URL_IOT: await standIns.iot.start(),
    AWS_ENDPOINT_URL_DYNAMODB: await standIns.ddb.start(),
    AWS_ENDPOINT_URL_SQS: sqsUrl,
    ...toEnvironment({
      namePrefix: fleet.prefix,
      fleetTagKey: fleet.fleetTag[0],
      fleetId: fleet.fleetTag[1],
      onboardingTagKey: fleet.onboardingTag[0],
      onboardingId: fleet.onboardingTag[1],
      messageTtlSeconds: 60,
      retentionHours: 24,
      mediaType: 'video/h264,audio/aac',
      deleteStream: false,
      storageBudget: fleet.budget,
      tableName: 'State',
      queueUrl: `${sqsUrl}/123456789012/onboarding`,
      metricsNamespace: 'CdkKinesisVideoWebrtc/CameraOnboarding',
      provisioningGraceSeconds: 3600,
      accessGroupTagKey: ACCESS_GROUP_TAG_KEY,
      accessGroupAttribute: 'accessGroup',
    }),
  });
}

/** Stand-ins started, the worker's environment set, its log lines captured. */
export async function setUp(bundle: string, budget = BUDGET): Promise<World> {
  const policy = { prefix: PREFIX, fleetTag: FLEET_TAG, onboardingTag: ONBOARDING_TAG, accessGroupTagKey: ACCESS_GROUP_TAG_KEY };
  const kvs = new KvsControlPlaneStandIn(policy, 1_000, 2_000);
  const iot = new IotRegistryStandIn();
  const ddb = new DynamoDbStandIn();
  const sqs = new SqsStandIn();
  await setWorkerEnvironment({ kvs, iot, ddb, sqs }, { prefix: PREFIX, fleetTag: FLEET_TAG, onboardingTag: ONBOARDING_TAG, budget });
  const world = new World(kvs, iot, ddb, sqs, bundle);
  const capture = (...args: unknown[]) => world.logs.push(args.map(String).join(' '));
  console.log = capture;
  console.error = capture;
  console.warn = capture;
  return world;
}

/** The simulation, in this process (the child's side). */
async function runHere(bundle: string): Promise<OnboardingSimulationResult> {
  const world = await setUp(bundle);
  const { kvs, iot, ddb, sqs } = world;

  // Resources the onboarding does not own, with their links.
  const foreign: Record<string, { channel: string; stream: string }> = {};
  for (const name of STACK_CAMERAS) {
    foreign[name] = kvs.addCamera(name, { [FLEET_TAG[0]]: FLEET_TAG[1], 'cdk-kinesis-video-webrtc:stack-id': 'Shop' }, { linked: true });
  }
  for (const name of OTHER_FLEET_CAMERAS) {
    foreign[name] = kvs.addCamera(name, { [FLEET_TAG[0]]: 'Shop/annex' }, { linked: true });
  }
  for (const name of OUTSIDE_CAMERAS) {
    foreign[name] = kvs.addCamera(name, {}, { linked: true });
  }
  const phases: PhaseFigures[] = [];
  world.startPolling();

  // Phase 1: 150 things in 5 bursts, with a thing deleted before its creation was processed, and
  // things named after cameras the onboarding does not own.
  let started = Date.now();
  world.deliver([iot.register('shop-stack-1'), iot.register('shop-annex-1')]);
  const ghostCreated = iot.register(GHOST);
  const ghostDeleted = iot.deregister(GHOST);
  world.deliver([ghostDeleted, ghostCreated], { shuffle: false });
  for (let burst = 0; burst < 5; burst++) {
    const events = Array.from({ length: THINGS / 5 }, (_, i) => iot.register(cameraName(burst * (THINGS / 5) + i)));
    world.deliver(events);
    await sleep(300);
  }
  await world.idle();
  phases.push(world.figures('register 150 things', started));

  // Phase 2: retire 50 of the onboarded cameras.
  started = Date.now();
  const onboarded = [...ddb.items.values()].filter((i) => i.status?.S === 'ONBOARDED').map((i) => i.name.S!).sort();
  const retiring = onboarded.slice(0, RETIRED);
  world.deliver(retiring.map((name) => iot.deregister(name)));
  await world.idle();
  await sleep(2_100); // DELETING is over
  phases.push(world.figures(`delete ${RETIRED} things`, started));

  // Phase 3: the scheduled reconciliation completes the cameras over budget; a second finds nothing.
  started = Date.now();
  const reconciliations = [await world.invoke({ action: 'reconcile' })];
  await world.idle();
  phases.push(world.figures('reconciliation', started));
  reconciliations.push(await world.invoke({ action: 'reconcile' }));
  await world.idle();

  // Phase 4: name reuse. Five cameras retired, and their things registered again while DELETING.
  started = Date.now();
  const reused = [...ddb.items.values()].filter((i) => i.status?.S === 'ONBOARDED').map((i) => i.name.S!).sort().slice(0, REUSED);
  const streamsBefore = Object.fromEntries(reused.map((name) => [name, kvs.find('stream', name)?.arn]));
  world.deliver(reused.map((name) => iot.deregister(name)), { duplicates: false });
  await world.idle();
  world.deliver(reused.map((name) => iot.register(name)), { duplicates: false });
  await world.idle();
  phases.push(world.figures(`reuse ${REUSED} names`, started));
  const reuseCreatesWhileDeleting = kvs.calls.filter((c) => c.operation === 'CreateSignalingChannel' && reused.includes(c.target)
    && c.outcome === 'ResourceInUseException' && c.at >= started).length;
  const reusedStreamsKept = reused.filter((name) => kvs.find('stream', name)?.arn === streamsBefore[name]).length;

  // Phase 5: refused by the service (the account's channel quota): a FAILED record with the reason,
  // completed by a reconciliation once the quota allows it.
  started = Date.now();
  process.env[CAMERA_ONBOARDING_ENV.storageBudget] = String(BUDGET + 2);
  kvs.channelLimit = kvs.live('channel').length;
  world.deliver([iot.register(REFUSED_BY_SERVICE)], { duplicates: false });
  await world.idle();
  const serviceRefusal = { status: ddb.items.get(REFUSED_BY_SERVICE)?.status?.S, reason: ddb.items.get(REFUSED_BY_SERVICE)?.reason?.S };
  kvs.channelLimit = Infinity;
  reconciliations.push(await world.invoke({ action: 'reconcile' }));
  await world.idle();
  const afterQuota = ddb.items.get(REFUSED_BY_SERVICE)?.status?.S;
  phases.push(world.figures('refused by the service, then completed', started));

  // Phase 6: a camera announced by a pre-provisioning hook before its thing exists is made at once,
  // and retired by a reconciliation once the grace is over without a thing.
  started = Date.now();
  // Long enough for the camera to be made and reconciled once within it, even on a loaded machine.
  const graceSeconds = 15;
  process.env[CAMERA_ONBOARDING_ENV.provisioningGraceSeconds] = String(graceSeconds);
  sqs.send(JSON.stringify({ name: ANNOUNCED, provisioning: true }));
  await world.idle();
  const announced = ddb.items.get(ANNOUNCED)?.status?.S;
  reconciliations.push(await world.invoke({ action: 'reconcile' }));
  await world.idle();
  const announcedWithinGrace = Date.now() - started < graceSeconds * 1000 ? ddb.items.get(ANNOUNCED)?.status?.S : 'grace over before the check';
  await sleep(Math.max(0, started + graceSeconds * 1000 + 100 - Date.now()));
  reconciliations.push(await world.invoke({ action: 'reconcile' }));
  await world.idle();
  const announcedAfterGrace = ddb.items.get(ANNOUNCED)?.status?.S;
  phases.push(world.figures('announced by the backend', started));

  world.stopPolling();
  await sleep(100);

  // Nothing outside the onboarding touched.
  const foreignNames = new Set([...STACK_CAMERAS, ...OTHER_FLEET_CAMERAS, ...OUTSIDE_CAMERAS]);
  const foreignArns = new Set(Object.values(foreign).flatMap((f) => [f.channel, f.stream]));
  const onForeign = kvs.mutatingCalls().filter((c) => foreignNames.has(c.target) || foreignArns.has(c.target));
  // A create on a taken name changes nothing (ResourceInUseException): it is how a collision is found.
  const foreignMutations = onForeign.filter((c) => c.outcome === 'OK').map((c) => `${c.operation} ${c.target}`);
  const collisionProbes = onForeign.filter((c) => c.outcome !== 'OK').map((c) => `${c.operation} ${c.target}: ${c.outcome}`);
  const deniedMutations = kvs.mutatingCalls().filter((c) => c.outcome === 'AccessDeniedException').length;
  for (const [name, f] of Object.entries(foreign)) {
    if (kvs.links.linkOf(f.channel) !== f.stream || kvs.find('channel', name)?.arn !== f.channel || kvs.find('stream', name)?.arn !== f.stream) {
      world.problems.push(`${name}, not the onboarding's, changed`);
    }
  }
  const refused: Record<string, string> = {};
  let overBudgetReason: string | undefined;
  for (const item of ddb.items.values()) {
    if (item.status?.S === 'REFUSED') {
      refused[item.name.S!] = item.reason?.S ?? '';
    }
  }
  const overBudgetLine = world.logs.map(parse).find((l) => l?.status === 'OVER_BUDGET');
  overBudgetReason = overBudgetLine?.reason;

  await Promise.all([kvs.stop(), iot.stop(), ddb.stop(), sqs.stop()]);
  return {
    phases,
    problems: world.problems,
    refused,
    overBudgetReason,
    foreignMutations,
    collisionProbes,
    deniedMutations,
    reconciliations: reconciliations.map((r) => ({ enqueued: r.enqueued.length, pending: r.pending, overBudget: r.overBudget })),
    reusedStreamsKept,
    reuseCreatesWhileDeleting,
    serviceRefusal: { ...serviceRefusal, afterReconciliation: afterQuota },
    announced: { atOnce: announced, withinGrace: announcedWithinGrace, afterGrace: announcedAfterGrace },
    ghostHasCamera: kvs.find('channel', GHOST) !== undefined || kvs.find('stream', GHOST) !== undefined,
    logLines: world.logs.length,
    structuredLogLines: world.logs.filter((l) => parse(l)?.onboarding || parse(l)?.Onboarding).length,
  };
}

/** The bench: the quota floor of 100 cameras, and the measured times. */
export interface OnboardingBenchResult {
  readonly cameras: number;
  /** Seconds the quotas impose at least: the link's 10 calls per second (creates allow 50). */
  readonly onboardFloorS: number;
  readonly retireFloorS: number;
  /** From the first registry event to the last camera linked (or retired). */
  readonly onboardS: number;
  readonly retireS: number;
  readonly onboarded: number;
  readonly retired: number;
  readonly problems: string[];
}

/** 100 things registered at once, then deleted at once: wall time against the quota floor. */
async function benchHere(bundle: string, cameras = 100): Promise<OnboardingBenchResult> {
  const world = await setUp(bundle, cameras);
  const { kvs, iot, ddb, sqs } = world;
  world.startPolling();
  const names = Array.from({ length: cameras }, (_, i) => cameraName(i));
  let started = Date.now();
  world.deliver(names.map((name) => iot.register(name)), { duplicates: false, shuffle: false });
  await world.idle();
  const onboardS = (Date.now() - started) / 1000;
  const onboarded = world.figures('onboard', started).linked;
  started = Date.now();
  world.deliver(names.map((name) => iot.deregister(name)), { duplicates: false, shuffle: false });
  await world.idle();
  const retireS = (Date.now() - started) / 1000;
  const retired = [...ddb.items.values()].filter((i) => i.status?.S === 'RETIRED').length;
  world.stopPolling();
  await sleep(100);
  await Promise.all([kvs.stop(), iot.stop(), ddb.stop(), sqs.stop()]);
  // Each onboarding links once (10 per second); each retirement unlinks once (10 per second).
  const floor = cameras / 10;
  return { cameras, onboardFloorS: floor, retireFloorS: floor, onboardS, retireS, onboarded, retired, problems: world.problems };
}

/** Runs the bench in a child process. */
export async function runOnboardingBench(bundle = SHIPPED_WORKER_BUNDLE): Promise<OnboardingBenchResult> {
  return JSON.parse(await runInChild(__filename, ['--bundle', bundle, '--bench']));
}

/** Runs the simulation in a child process and returns its result. */
export async function runOnboardingSimulation(bundle = SHIPPED_WORKER_BUNDLE): Promise<OnboardingSimulationResult> {
  return JSON.parse(await runInChild(__filename, ['--bundle', bundle]));
}

if (require.main === module) {
  const out = process.stdout.write.bind(process.stdout);
  const bundle = path.resolve(argument('bundle') ?? SHIPPED_WORKER_BUNDLE);
  reportFromChild(process.argv.includes('--bench') ? benchHere(bundle) : runHere(bundle), out);
}
