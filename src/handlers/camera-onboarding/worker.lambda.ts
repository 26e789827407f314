/**
 * The camera onboarding worker: makes and retires the run-time cameras of one fleet.
 *
 * Invoked by
 * - the queue's event source mapping (SQS): each message names a camera, as an AWS IoT registry
 *   event (`{ thingName, operation }`, sent by the onboarding's topic rule) or a message of the
 *   user's backend (`{ name }`, or `{ name, provisioning: true }` from a pre-provisioning hook);
 * - the schedule (EventBridge): reconciliation, which enqueues every name whose cameras differ
 *   from the source of truth.
 * Nothing else: its resource policy admits only the schedule's rule, and the library grants no
 * one `lambda:InvokeFunction` on it. Listing is another function (./list.lambda), and so is the
 * custom resource that turns registry events on (./registry-events.lambda): a CloudFormation-shaped
 * or `list` payload is refused here, so no payload makes the worker call a URL it names.
 *
 * A message is a reason to look, never an instruction: the worker reads the AWS IoT registry (the
 * source of truth) and converges the name to it, so duplicated, reordered and stale events are
 * harmless: a thing deleted before its creation was processed ends with no camera.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeThingCommand, DescribeThingCommandOutput, IoTClient, ListThingsCommand, ListThingsCommandOutput } from '@aws-sdk/client-iot';
import { KinesisVideoClient, ListSignalingChannelsCommand, ListSignalingChannelsCommandOutput } from '@aws-sdk/client-kinesis-video';
import { SendMessageBatchCommand, SendMessageBatchCommandOutput, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { accessGroupOf, AccessGroups, accessGroupTags } from './access-group';
import { Cameras, RefusedError } from './cameras';
import { Telemetry } from './log';
import { CameraRecord, StateTable } from './state';
import { TIMING } from './timing';
import { CameraOnboardingSettings, fromEnvironment } from '../../private/camera-onboarding-settings';
import { cannotBeCured, DeadlineBoundCaller, errorName } from '../shared/retry';

export { TIMING };
/** Kept free before the function's timeout: an unfinished camera goes back to the queue. */
const MARGIN_MS = 10_000;
/** KVS channel and stream names. */
const KVS_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;

type Outcome = 'onboarded' | 'retired' | 'unchanged' | 'over-budget' | 'refused' | 'failed' | 'retry';

/** The SDK clients: one retry layer (the shared core), so the SDK makes one attempt per call. */
function clients() {
  const options = { maxAttempts: 1, requestHandler: { connectionTimeout: 2_000, requestTimeout: TIMING.requestTimeoutMs } };
  return {
    kvs: new KinesisVideoClient(options),
    iot: new IoTClient(options),
    ddb: new DynamoDBClient(options),
    sqs: new SQSClient(options),
  };
}

class Worker {
  private readonly caller: DeadlineBoundCaller;
  private readonly state: StateTable;
  private readonly cameras: Cameras;
  private readonly accessGroups: AccessGroups;
  private readonly telemetry: Telemetry;

  constructor(private readonly cfg: CameraOnboardingSettings, private readonly c: ReturnType<typeof clients>, deadline: number) {
    this.caller = new DeadlineBoundCaller({ timing: TIMING, deadline });
    this.state = new StateTable(c.ddb, cfg.tableName, this.caller);
    this.cameras = new Cameras(c.kvs, this.caller, cfg);
    this.accessGroups = new AccessGroups(c.kvs, this.caller, cfg);
    this.telemetry = new Telemetry(cfg.metricsNamespace, cfg.onboardingId);
  }

  /** Converges one name to the registry; never throws. 'retry': the message goes back to the queue. */
  public async converge(name: string, hint: { provisioning?: boolean } = {}): Promise<Outcome> {
    const log = this.telemetry;
    if (!name.startsWith(this.cfg.namePrefix)) {
      log.log({ camera: name, step: 'ignore', message: `not a camera of this fleet: the name does not start with '${this.cfg.namePrefix}'` });
      return 'unchanged';
    }
    try {
      if (!KVS_NAME.test(name)) {
        const reason = `the thing name ${name} is not a valid Kinesis Video channel and stream name ([a-zA-Z0-9_.-], 1 to 256 characters)`;
        return await this.deadLetter(name, 'REFUSED', reason, 'Failed');
      }
      let record = await this.state.get(name);
      const now = Date.now();
      if (hint.provisioning) {
        // The backend announces a device before its thing exists: make the camera now, keep it a while.
        await this.state.set(name, { expectThingUntil: now + this.cfg.provisioningGraceSeconds * 1000, ...(record ? {} : { status: 'PENDING' as const }) }, now);
        record = await this.state.get(name);
      }
      const thing = await this.thingExists(name);
      const wanted = thing !== undefined || (record?.expectThingUntil ?? 0) > now;
      return wanted ? await this.onboard(name, record, thing?.attributes) : await this.retire(name, record);
    } catch (e) {
      const message = (e as Error).message;
      if (cannotBeCured(e)) {
        return this.deadLetter(name, e instanceof RefusedError ? 'REFUSED' : 'FAILED', message, 'Failed');
      }
      log.log({ level: 'warn', camera: name, step: 'retry', message, error: errorName((e as { cause?: unknown }).cause ?? e) });
      return 'retry';
    }
  }

  private async onboard(name: string, record: CameraRecord | undefined, attributes?: Record<string, string>): Promise<Outcome> {
    // REFUSED and FAILED are tried again (reconciliation enqueues them): their cause may be gone.
    if (record?.status === 'REFUSED') {
      // Still taken: refused again without holding a slot even for a moment.
      const clash = await this.cameras.clash(name);
      if (clash) {
        return this.deadLetter(name, 'REFUSED', clash, 'Failed');
      }
    }
    if (!record || record.status === 'RETIRED') {
      // Recorded before anything is made, so that reconciliation always knows what the worker may have made.
      await this.state.set(name, { status: 'PENDING', reason: undefined }, Date.now());
    }
    if (!await this.state.takeSlot(name, this.cfg.storageBudget)) {
      if (record?.status === 'REFUSED' || record?.status === 'FAILED') {
        // Tried again while the budget is used up: its own reason still stands; a later reconciliation retries.
        this.telemetry.log({ camera: name, step: 'onboard', message: `still ${record.status}: no storage budget slot to try it again` });
        return 'unchanged';
      }
      return this.deadLetter(name, 'OVER_BUDGET',
        `the storage budget of ${this.cfg.storageBudget} storage-enabled channels is used up; a later reconciliation completes it once a camera retires`,
        'OverBudget');
    }
    const { group, problem } = accessGroupOf(attributes, this.cfg);
    let made: { channelArn: string; streamArn: string };
    const created = new Set<'channel' | 'stream'>();
    try {
      made = await this.cameras.onboard(name, accessGroupTags(group, this.cfg), created);
    } catch (e) {
      if (cannotBeCured(e)) {
        // Ends FAILED or REFUSED (by the caller): nothing of it may stay usable, nor hold a slot.
        await this.cameras.undo(name, created);
        await this.state.releaseSlot(name);
      }
      throw e;
    }
    await this.followAccessGroup(name, made, group, problem);
    // Counted once per camera: of concurrent deliveries of one name, one changes the status.
    if (await this.state.set(name, { status: 'ONBOARDED', reason: undefined, ...made, accessGroup: group }, Date.now())) {
      this.telemetry.metric('Onboarded', 1, { camera: name, step: 'onboard', ...made });
      return 'onboarded';
    }
    return 'unchanged';
  }

  /** A camera found (made earlier, or kept stream) gets the thing's current group: tag, re-tag or untag. */
  private async followAccessGroup(name: string, made: { channelArn: string; streamArn: string }, group: string, problem?: string): Promise<void> {
    if (problem) {
      this.telemetry.log({ level: 'warn', camera: name, step: 'access-group', message: problem });
    }
    const changed = await this.accessGroups.apply(made, group);
    if (changed > 0) {
      this.telemetry.log({ camera: name, step: 'access-group', message: group ? `access group set to '${group}'` : 'access group removed', changed });
      // Two deliveries of one name may read the registry on either side of a change and tag in the
      // other order: a tagger that read a group no longer current goes back to the queue and tags again.
      const now = await this.thingExists(name);
      if (now && accessGroupOf(now.attributes, this.cfg).group !== group) {
        throw new Error(`the access group of thing ${name} changed while it was applied; applying the current one`);
      }
    }
  }

  private async retire(name: string, record: CameraRecord | undefined): Promise<Outcome> {
    if (!record || record.status === 'RETIRED') {
      // Never made by this onboarding (a delete before its create was processed), or already retired.
      this.telemetry.log({ camera: name, step: 'retire', message: 'nothing to retire' });
      return 'unchanged';
    }
    const { streamKept } = await this.cameras.retire(name);
    await this.state.releaseSlot(name);
    if (await this.state.set(name, { status: 'RETIRED', reason: streamKept ? 'recordings kept in the video stream' : undefined, expectThingUntil: undefined }, Date.now())) {
      this.telemetry.metric('Retired', 1, { camera: name, step: 'retire', streamKept });
      return 'retired';
    }
    return 'unchanged';
  }

  private async deadLetter(name: string, status: 'OVER_BUDGET' | 'FAILED' | 'REFUSED', reason: string, metric: 'Failed' | 'OverBudget'): Promise<Outcome> {
    try {
      await this.state.set(name, { status, reason }, Date.now());
    } catch (e) {
      this.telemetry.log({ level: 'error', camera: name, step: 'dead-letter', message: `could not record: ${(e as Error).message}` });
      return 'retry';
    }
    // Every report counts (not only the first): the alarm stays in ALARM while cameras keep being turned away.
    this.telemetry.metric(metric, 1, { level: 'error', camera: name, step: 'dead-letter', status, reason });
    return status === 'OVER_BUDGET' ? 'over-budget' : status === 'REFUSED' ? 'refused' : 'failed';
  }

  /** The thing (its attributes: the access group), or undefined when it does not exist. */
  private async thingExists(name: string): Promise<{ attributes: Record<string, string> } | undefined> {
    return this.caller.retrying(`could not read thing ${name} in the AWS IoT registry`, async () => {
      try {
        const out = await this.caller.call<DescribeThingCommandOutput>(this.c.iot, new DescribeThingCommand({ thingName: name }));
        return { attributes: out.attributes ?? {} };
      } catch (e) {
        if (errorName(e) === 'ResourceNotFoundException') {
          return undefined;
        }
        throw e;
      }
    });
  }

  /** Compares the registry, the records and the channels, and enqueues every name that differs. */
  public async reconcile(): Promise<{ enqueued: string[]; pending: number; overBudget: number; stuck: number }> {
    const prefix = this.cfg.namePrefix;
    const things = new Set<string>();
    const attributes = new Map<string, Record<string, string>>();
    let nextToken: string | undefined;
    do {
      const page = await this.caller.retrying('could not list the things of the AWS IoT registry', () =>
        this.caller.call<ListThingsCommandOutput>(this.c.iot, new ListThingsCommand({ maxResults: 250, nextToken })));
      for (const thing of page.things ?? []) {
        if (thing.thingName?.startsWith(prefix)) {
          things.add(thing.thingName);
          attributes.set(thing.thingName, thing.attributes ?? {});
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);

    const channels = new Set<string>();
    nextToken = undefined;
    do {
      const page = await this.caller.retrying('could not list the signaling channels', () =>
        this.caller.call<ListSignalingChannelsCommandOutput>(this.c.kvs, new ListSignalingChannelsCommand({
          MaxResults: 10_000,
          NextToken: nextToken,
          ChannelNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: prefix },
        })));
      for (const channel of page.ChannelInfoList ?? []) {
        if (channel.ChannelStatus !== 'DELETING' && channel.ChannelName) {
          channels.add(channel.ChannelName);
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);

    const records = new Map((await this.state.all()).map((r) => [r.name, r]));
    const now = Date.now();
    const enqueued: string[] = [];
    let pending = 0;
    let overBudget = 0;
    let stuck = 0;
    for (const name of new Set([...things, ...records.keys()])) {
      const record = records.get(name);
      const wanted = things.has(name) || (record?.expectThingUntil ?? 0) > now;
      const status = record?.status;
      stuck += status === 'PENDING' && now - record!.updatedAt > this.cfg.provisioningGraceSeconds * 1000 ? 1 : 0;
      const made = status === 'ONBOARDED' && channels.has(name);
      // The group recorded is the one applied: a thing whose attribute changed (event lost) is re-tagged.
      const converged = wanted
        ? made && record?.accessGroup === accessGroupOf(attributes.get(name), this.cfg).group
        : status === undefined || status === 'RETIRED';
      if (wanted && !made) {
        pending++;
        overBudget += status === 'OVER_BUDGET' ? 1 : 0;
      }
      if (!converged) {
        enqueued.push(name);
      }
    }
    for (let i = 0; i < enqueued.length; i += 10) {
      const batch = enqueued.slice(i, i + 10);
      await this.caller.retrying('could not enqueue the cameras to converge', async () => {
        const out = await this.caller.call<SendMessageBatchCommandOutput>(this.c.sqs, new SendMessageBatchCommand({
          QueueUrl: this.cfg.queueUrl,
          Entries: batch.map((name, j) => ({ Id: String(j), MessageBody: JSON.stringify({ name, source: 'reconciliation' }) })),
        }));
        if (out.Failed?.length) {
          batch.splice(0, batch.length, ...out.Failed.map((f) => batch[Number(f.Id)]));
          throw Object.assign(new Error(`${out.Failed.length} message(s) not sent`), { name: 'TimeoutError' });
        }
      });
    }
    this.telemetry.metric('Pending', pending, { step: 'reconcile', enqueued: enqueued.length, overBudget, things: things.size, records: records.size });
    // PENDING longer than the grace: the worker keeps failing on it (see its log lines) or lost it.
    this.telemetry.metric('StuckPending', stuck, { step: 'reconcile' });
    return { enqueued, pending, overBudget, stuck };
  }
}

/** The camera a message names: a registry event's thing, or a backend's `name`. */
function nameOf(body: string): { name?: string; provisioning?: boolean } {
  try {
    const message = JSON.parse(body);
    const name = typeof message.thingName === 'string' ? message.thingName : typeof message.name === 'string' ? message.name : undefined;
    return { name, provisioning: message.provisioning === true };
  } catch {
    return {};
  }
}

let sharedClients: ReturnType<typeof clients> | undefined;

export async function handler(event: SQSEvent | { action?: string; source?: string }, context: Context): Promise<unknown> {
  const refusal = refuse(event);
  if (refusal) {
    console.error(JSON.stringify({ level: 'error', step: 'refuse', message: refusal }));
    throw new Error(refusal);
  }
  const cfg = fromEnvironment(process.env);
  const c = sharedClients ??= clients();
  const worker = new Worker(cfg, c, Date.now() + context.getRemainingTimeInMillis() - MARGIN_MS);
  if ('Records' in event && Array.isArray(event.Records)) {
    const outcomes = await Promise.all(event.Records.map(async (record) => {
      const { name, provisioning } = nameOf(record.body);
      if (!name) {
        console.log(JSON.stringify({ level: 'warn', step: 'ignore', message: 'a message that names no camera', body: record.body.slice(0, 500) }));
        return { id: record.messageId, outcome: 'unchanged' as Outcome };
      }
      return { id: record.messageId, outcome: await worker.converge(name, { provisioning }) };
    }));
    const response: SQSBatchResponse = { batchItemFailures: outcomes.filter((o) => o.outcome === 'retry').map((o) => ({ itemIdentifier: o.id })) };
    return response;
  }
  return worker.reconcile();
}

/**
 * Why the worker will not act on `event`, or undefined: only its queue's batches and the
 * schedule's `{ "action": "reconcile" }` are accepted (the resource policy is the boundary; this
 * keeps a payload meant for another function from being read as one of those).
 */
export function refuse(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) {
    return 'the worker accepts only its queue\'s messages and the schedule\'s reconciliation';
  }
  if ('Records' in event) {
    const records = (event as { Records: unknown }).Records;
    return Array.isArray(records) && records.every((r) => r?.eventSource === 'aws:sqs' && typeof r.body === 'string' && typeof r.messageId === 'string')
      ? undefined : 'the worker accepts only SQS records of its queue';
  }
  const keys = Object.keys(event);
  return keys.length === 1 && (event as { action?: unknown }).action === 'reconcile'
    ? undefined
    : `the worker accepts only its queue's messages and the schedule's reconciliation, not ${keys.slice(0, 5).join(', ') || 'an empty object'} ` +
      '(listing is the onboarding\'s list function)';
}
