/**
 * The deployment simulation: CloudFormation driving the media-storage-link custom resource of a
 * camera fleet, with no AWS and no network beyond loopback.
 *
 * - the SHIPPED bundle (assets/handlers/media-storage-link/index.lambda/index.js, or `bundle`) runs
 *   as Lambda runs it: one fresh module instance per invocation, all invoked together
 *   (./lambda-runner);
 * - the real SDK client talks to a stand-in for the KVS control plane that enforces the quotas
 *   (./kvs-stand-in), reached through AWS_ENDPOINT_URL_KINESIS_VIDEO with fake credentials;
 * - the answers go to an HTTPS stand-in for the pre-signed ResponseURL (./cfn-response-server).
 *
 * It runs in a child process (`runSimulation`), so that the handler's https trusts the test
 * certificate through NODE_EXTRA_CA_CERTS without touching the test runner's own trust, and so
 * that the handler's console output and environment stay out of the test runner.
 *
 * Each scenario checks the answers AND the final state of the links, and returns the problems it
 * found (an empty list is a pass), so that the same checks serve the test, the bench, and a run
 * against an older handler (`npx ts-node test/simulation/deployment-simulation.ts --bundle <file>`).
 *
 * Timing is real: quotas are sliding one-second windows and the handler's own backoff runs at full
 * length. Only two waits are shortened, by injection: resources stay CREATING for 3 s (a few
 * seconds, as observed), and the scenarios about calls that never answer give the function a
 * 30-second timeout through the Lambda context instead of 5 minutes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CfnResponseServer, makeTestCertificate } from './cfn-response-server';
import { argument, reportFromChild, runInChild } from './child';
import { DEFAULT_STACK, KvsStandIn } from './kvs-stand-in';
import { Invocation, LambdaRunner } from './lambda-runner';

export const SHIPPED_BUNDLE = path.join(__dirname, '..', '..', 'assets', 'handlers', 'media-storage-link', 'index.lambda', 'index.js');

/** The provider function's timeout (src/private/media-storage-link-provider.ts). */
export const FUNCTION_TIMEOUT_MS = 300_000;
/** The shortened function timeout of the scenarios that wait for a call that never answers. */
export const SHORT_FUNCTION_TIMEOUT_MS = 30_000;
export const CREATING_MS = 3_000;
/** The function timeout of the untagged-stream scenario: 5 s of retries before the answer margin. */
export const UNTAGGED_FUNCTION_TIMEOUT_MS = 15_000;
export const FLEET = 100;

const ACCOUNT = '123456789012';
const STACK_ID = DEFAULT_STACK;
/** A second stack of the same account and region. */
const OTHER_STACK_ID = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Lobby/99999999-8888-7777-6666-555555555555`;

/**
 * The environment variable that tells the function how many links its stack holds (set by the
 * provider at synthesis; here by the scenario). Today's handler ignores it.
 */
export const LINKS_IN_STACK_ENV = 'LINKS_IN_STACK';
const SERVICE_TOKEN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:MediaStorageLinkFunction`;

/**
 * Resource names start with the scenario's name, so that an invocation abandoned by one scenario
 * (a function that timed out keeps running here, where Lambda would have stopped it) cannot
 * touch the next scenario's resources.
 */
let scenarioPrefix = '';
export const channelArn = (name: string, generation = 1) =>
  `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:channel/${scenarioPrefix}${name}/${1700000000000 + generation}`;
export const streamArn = (name: string, generation = 1) =>
  `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:stream/${scenarioPrefix}${name}/${1700000000000 + generation}`;
const camera = (i: number) => `camera-${String(i).padStart(3, '0')}`;

/** What a scenario reports. */
export interface ScenarioResult {
  readonly name: string;
  /** Problems found; empty when the scenario passed. */
  readonly problems: string[];
  /** Requests answered SUCCESS / sent. */
  readonly succeeded: number;
  readonly requests: number;
  /** From the first invocation to the last answer (or the last invocation's end). */
  readonly wallMs: number;
  readonly kvsCalls: {
    update: number;
    describe: number;
    mapped: number;
    tag: number;
    untag: number;
    listTags: number;
    throttled: number;
    peakUpdatesPerSecond: number;
  };
  /** Whether refused calls counted against the quota windows (the strict reading). */
  readonly refusedCounted: boolean;
  readonly answers: { requestId: string; status?: string; physicalResourceId?: string; reason?: string; bytes: number; atMs: number }[];
}

interface Event {
  RequestType: 'Create' | 'Update' | 'Delete';
  RequestId: string;
  ResponseURL: string;
  StackId: string;
  LogicalResourceId: string;
  ResourceType: string;
  ServiceToken: string;
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  OldResourceProperties?: Record<string, unknown>;
}

interface Pair { readonly channel: string; readonly stream: string }

/** The simulated world of one scenario and the checks on it. */
class Sim {
  public readonly problems: string[] = [];
  private counter = 0;
  private readonly sent: { event: Event; expectStatus?: string; expectPhysicalId?: string }[] = [];
  private firstInvocation?: number;
  private lastEnd = 0;

  constructor(
    public readonly kvs: KvsStandIn,
    public readonly cfn: CfnResponseServer,
    private readonly lambda: LambdaRunner,
    private readonly responseUrl: string,
  ) {}

  public event(
    type: Event['RequestType'],
    props: Pair,
    options: { old?: Pair; physicalId?: string; requestId?: string; logicalId?: string; stackId?: string } = {},
  ): Event {
    const requestId = options.requestId ?? `request-${++this.counter}`;
    const properties = (p: Pair) => ({ ServiceToken: SERVICE_TOKEN, ChannelArn: p.channel, StreamArn: p.stream });
    return {
      RequestType: type,
      RequestId: requestId,
      ResponseURL: `${this.responseUrl}/${encodeURIComponent(requestId)}`,
      StackId: options.stackId ?? STACK_ID,
      LogicalResourceId: options.logicalId ?? `Link${requestId.replace(/[^A-Za-z0-9]/g, '')}`,
      ResourceType: 'Custom::KinesisVideoMediaStorageLink',
      ServiceToken: SERVICE_TOKEN,
      PhysicalResourceId: options.physicalId,
      ResourceProperties: properties(props),
      OldResourceProperties: options.old ? properties(options.old) : undefined,
    };
  }

  /**
   * Invokes the events together (or through `workers` concurrent executions, as a reserved
   * concurrency would), and checks that each is answered once with the expected status and id.
   */
  public async invoke(
    events: Event[],
    expect: { status: 'SUCCESS' | 'FAILED'; physicalId?: (event: Event) => string; timeoutMs?: number; workers?: number },
  ): Promise<Invocation[]> {
    const timeoutMs = expect.timeoutMs ?? FUNCTION_TIMEOUT_MS;
    this.firstInvocation ??= Date.now();
    for (const event of events) {
      this.sent.push({ event, expectStatus: expect.status, expectPhysicalId: expect.physicalId?.(event) });
    }
    const results: Invocation[] = new Array(events.length);
    let next = 0;
    const worker = async () => {
      while (next < events.length) {
        const i = next++;
        results[i] = await this.lambda.invoke(events[i], timeoutMs);
      }
    };
    await Promise.all(Array.from({ length: Math.min(expect.workers ?? events.length, events.length) }, worker));
    this.lastEnd = Date.now();
    results.forEach((r, i) => {
      if (r.timedOut) {
        this.problems.push(`${events[i].RequestType} ${events[i].RequestId}: the function timed out after ${timeoutMs} ms`);
      }
    });
    return results;
  }

  public expectLinks(expected: Record<string, string | undefined>, when: string): void {
    for (const [channel, stream] of Object.entries(expected)) {
      const actual = this.kvs.linkOf(channel);
      if (actual !== stream) {
        this.problems.push(`${when}: ${short(channel)} is linked to ${actual ? short(actual) : 'nothing'}, expected ${stream ? short(stream) : 'nothing'}`);
      }
    }
  }

  public result(name: string): ScenarioResult {
    const answers = this.cfn.answers;
    let succeeded = 0;
    const byRequest = new Map<string, typeof answers>();
    for (const a of answers) {
      byRequest.set(a.requestId, [...(byRequest.get(a.requestId) ?? []), a]);
    }
    const seen = new Set<string>();
    for (const { event, expectStatus, expectPhysicalId } of this.sent) {
      if (seen.has(event.RequestId)) {
        continue; // a redelivered event: one answer per delivery, checked below
      }
      seen.add(event.RequestId);
      const deliveries = this.sent.filter(s => s.event.RequestId === event.RequestId).length;
      const got = byRequest.get(event.RequestId) ?? [];
      const what = `${event.RequestType} ${event.RequestId}`;
      if (got.length === 0) {
        this.problems.push(`${what}: CloudFormation got no answer`);
        continue;
      }
      if (got.length !== deliveries) {
        this.problems.push(`${what}: ${got.length} answers to ${deliveries} deliveries`);
      }
      for (const a of got) {
        if (a.body.Status === 'SUCCESS') {
          succeeded++;
        }
        if (expectStatus && a.body.Status !== expectStatus) {
          this.problems.push(`${what}: answered ${a.body.Status}, expected ${expectStatus}${a.body.Reason ? ` (${a.body.Reason.slice(0, 300)})` : ''}`);
        }
        if (expectPhysicalId && a.body.PhysicalResourceId !== expectPhysicalId) {
          this.problems.push(`${what}: physical id ${a.body.PhysicalResourceId}, expected ${expectPhysicalId}`);
        }
        if (a.contentType !== undefined && a.contentType !== '') {
          this.problems.push(`${what}: content type '${a.contentType}' (the pre-signed URL is signed without one)`);
        }
        for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
          if (a.body[key] !== event[key]) {
            this.problems.push(`${what}: ${key} ${String(a.body[key])}, expected ${event[key]}`);
          }
        }
      }
    }
    const lastAnswer = answers.length ? Math.max(...answers.map(a => a.at)) : 0;
    const calls = this.kvs.calls;
    return {
      name,
      problems: this.problems,
      succeeded,
      requests: this.sent.length,
      wallMs: Math.max(this.lastEnd, this.cfn.started + lastAnswer) - (this.firstInvocation ?? this.lastEnd),
      kvsCalls: {
        update: calls.filter(c => c.operation === 'Update').length,
        describe: calls.filter(c => c.operation === 'Describe').length,
        mapped: calls.filter(c => c.operation === 'Mapped').length,
        tag: calls.filter(c => c.operation === 'Tag').length,
        untag: calls.filter(c => c.operation === 'Untag').length,
        listTags: calls.filter(c => c.operation === 'ListTags').length,
        throttled: calls.filter(c => c.outcome === 'ClientLimitExceededException').length,
        peakUpdatesPerSecond: this.kvs.peakPerSecond('Update'),
      },
      refusedCounted: this.kvs.countRefused,
      answers: answers.map(a => ({
        requestId: a.requestId,
        status: a.body.Status,
        physicalResourceId: a.body.PhysicalResourceId,
        reason: a.body.Reason,
        bytes: a.bytes,
        atMs: a.at,
      })),
    };
  }

  public answerOf(event: Event) {
    return this.cfn.answers.find(a => a.requestId === event.RequestId);
  }
}

function short(arn: string): string {
  return arn.replace(/^arn:aws:kinesisvideo:[^:]+:\d+:/, '');
}

type ScenarioFn = (sim: Sim, options: { workers?: number }) => Promise<void>;

/** The scenarios, in the order of the issue. */
export const SCENARIOS: Record<string, ScenarioFn> = {
  /** 100 links created together, half of the channels and streams still CREATING. */
  'create-100': (sim, { workers }) => createFleet(sim, workers),

  /** Lambda delivers the same Create twice, together, and once more after it succeeded. */
  'create-redelivered': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    sim.kvs.addChannel(pair.channel, { creating: true });
    sim.kvs.addStream(pair.stream, { creating: true });
    const create = sim.event('Create', pair);
    await sim.invoke([create, create], { status: 'SUCCESS', physicalId: channelOf });
    await sim.invoke([create], { status: 'SUCCESS', physicalId: channelOf });
    sim.expectLinks({ [pair.channel]: pair.stream }, 'after the deliveries');
  },

  /** The stream is replaced (a new stream, still CREATING); the channel stays. */
  'stream-replaced': async (sim) => {
    const channel = channelArn('door');
    const [s1, s2] = [streamArn('door', 1), streamArn('door', 2)];
    sim.kvs.addChannel(channel, { linkedTo: s1 });
    sim.kvs.addStream(s1);
    sim.kvs.addStream(s2, { creating: true });
    await sim.invoke([sim.event('Update', { channel, stream: s2 }, { old: { channel, stream: s1 }, physicalId: channel })],
      { status: 'SUCCESS', physicalId: () => channel });
    sim.expectLinks({ [channel]: s2 }, 'after the Update');
  },

  /** The rollback of a stream replacement: back to the old stream. */
  'stream-replaced-rollback': async (sim) => {
    const channel = channelArn('door');
    const [s1, s2] = [streamArn('door', 1), streamArn('door', 2)];
    sim.kvs.addChannel(channel, { linkedTo: s2 });
    sim.kvs.addStream(s1);
    sim.kvs.addStream(s2);
    await sim.invoke([sim.event('Update', { channel, stream: s1 }, { old: { channel, stream: s2 }, physicalId: channel })],
      { status: 'SUCCESS', physicalId: () => channel });
    sim.expectLinks({ [channel]: s1 }, 'after the rollback');
  },

  /** The channel is replaced (new physical id), then CloudFormation deletes the old physical id. */
  'channel-replaced': async (sim) => {
    const [c1, c2] = [channelArn('door', 1), channelArn('door', 2)];
    const stream = streamArn('door');
    sim.kvs.addChannel(c1, { linkedTo: stream });
    sim.kvs.addChannel(c2, { creating: true });
    sim.kvs.addStream(stream);
    await sim.invoke([sim.event('Update', { channel: c2, stream }, { old: { channel: c1, stream }, physicalId: c1 })],
      { status: 'SUCCESS', physicalId: () => c2 });
    sim.expectLinks({ [c2]: stream, [c1]: undefined }, 'after the Update');
    await sim.invoke([sim.event('Delete', { channel: c1, stream }, { physicalId: c1 })], { status: 'SUCCESS', physicalId: () => c1 });
    sim.expectLinks({ [c2]: stream, [c1]: undefined }, 'after the Delete of the old physical id');
  },

  /** The rollback of a channel replacement, then the Delete of the new (rolled back) physical id. */
  'channel-replaced-rollback': async (sim) => {
    const [c1, c2] = [channelArn('door', 1), channelArn('door', 2)];
    const stream = streamArn('door');
    sim.kvs.addChannel(c1);
    sim.kvs.addChannel(c2, { linkedTo: stream });
    sim.kvs.addStream(stream);
    await sim.invoke([sim.event('Update', { channel: c1, stream }, { old: { channel: c2, stream }, physicalId: c2 })],
      { status: 'SUCCESS', physicalId: () => c1 });
    sim.expectLinks({ [c1]: stream, [c2]: undefined }, 'after the rollback Update');
    await sim.invoke([sim.event('Delete', { channel: c2, stream }, { physicalId: c2 })], { status: 'SUCCESS', physicalId: () => c2 });
    sim.kvs.deleteChannel(c2);
    sim.expectLinks({ [c1]: stream }, 'after the rollback\'s Delete of the new physical id');
  },

  /** An Update to a stream that keeps no data fails; the rollback puts the old link back. */
  'update-fails-retention-0': async (sim) => {
    const channel = channelArn('door');
    const [s1, s2] = [streamArn('door', 1), streamArn('door', 2)];
    sim.kvs.addChannel(channel, { linkedTo: s1 });
    sim.kvs.addStream(s1);
    sim.kvs.addStream(s2, { retentionHours: 0 });
    const update = sim.event('Update', { channel, stream: s2 }, { old: { channel, stream: s1 }, physicalId: channel });
    await sim.invoke([update], { status: 'FAILED', physicalId: () => channel });
    if (!/retention/i.test(sim.answerOf(update)?.body.Reason ?? '')) {
      sim.problems.push('the failed Update does not give the retention as its reason');
    }
    sim.expectLinks({ [channel]: s1 }, 'after the failed Update (the camera must keep recording)');
    await sim.invoke([sim.event('Update', { channel, stream: s1 }, { old: { channel, stream: s2 }, physicalId: channel })],
      { status: 'SUCCESS', physicalId: () => channel });
    sim.expectLinks({ [channel]: s1 }, 'after the rollback');
  },

  /** 100 links deleted together (the stack's deletion, or a failed deployment's rollback). */
  'delete-100': (sim, { workers }) => deleteFleet(sim, workers),

  /**
   * 100 channels replaced together (each Update unlinks the old channel, then links the new one:
   * 200 calls on the 10 TPS quota), then the 100 Deletes of the old physical ids.
   */
  'channel-replaced-100': async (sim, { workers }) => {
    const pairs = fleet(sim, { linked: true });
    const replaced = pairs.map((p, i) => ({ channel: channelArn(camera(i), 2), stream: p.stream }));
    replaced.forEach(p => sim.kvs.addChannel(p.channel, { creating: true }));
    await sim.invoke(pairs.map((p, i) => sim.event('Update', replaced[i], { old: p, physicalId: p.channel })),
      { status: 'SUCCESS', physicalId: channelOf, workers });
    sim.expectLinks(Object.fromEntries(replaced.map(p => [p.channel, p.stream])), 'after the Updates');
    await sim.invoke(pairs.map(p => sim.event('Delete', p, { physicalId: p.channel })), { status: 'SUCCESS', physicalId: channelOf, workers });
    sim.expectLinks({
      ...Object.fromEntries(replaced.map(p => [p.channel, p.stream])),
      ...Object.fromEntries(pairs.map(p => [p.channel, undefined])),
    }, 'after the Deletes of the old physical ids');
  },

  /** Delete after the channel is gone (IAM denies: its tag went with it) or never existed. */
  'delete-channel-gone': async (sim) => {
    const gone = { channel: channelArn('gone'), stream: streamArn('gone') };
    const never = { channel: channelArn('never'), stream: streamArn('never') };
    sim.kvs.addChannel(gone.channel, { linkedTo: gone.stream });
    sim.kvs.addStream(gone.stream);
    sim.kvs.deleteChannel(gone.channel);
    await sim.invoke([gone, never].map(p => sim.event('Delete', p, { physicalId: p.channel })), { status: 'SUCCESS', physicalId: channelOf });
  },

  /** Create with a stream that keeps no data: FAILED in seconds, saying why. */
  'create-retention-0': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addStream(pair.stream, { retentionHours: 0 });
    const create = sim.event('Create', pair);
    const [run] = await sim.invoke([create], { status: 'FAILED' });
    if (run.durationMs > 5_000) {
      sim.problems.push(`the failure took ${run.durationMs} ms; it is permanent and should take seconds`);
    }
    if (!/retention/i.test(sim.answerOf(create)?.body.Reason ?? '')) {
      sim.problems.push('the reason does not mention the retention');
    }
    sim.expectLinks({ [pair.channel]: undefined }, 'after the failed Create');
  },

  /** One throttled call on an otherwise idle account. */
  'throttled-once': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addStream(pair.stream);
    sim.kvs.throttleNextCalls(1);
    await sim.invoke([sim.event('Create', pair)], { status: 'SUCCESS', physicalId: channelOf });
    sim.expectLinks({ [pair.channel]: pair.stream }, 'after the Create');
  },

  /** A KVS call that never answers: FAILED, before the function's timeout. */
  'kvs-never-answers': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addStream(pair.stream);
    sim.kvs.neverAnswer(pair.channel);
    const create = sim.event('Create', pair);
    await sim.invoke([create], { status: 'FAILED', timeoutMs: SHORT_FUNCTION_TIMEOUT_MS });
    const answer = sim.answerOf(create);
    if (answer && !/no answer/i.test(answer.body.Reason ?? '')) {
      sim.problems.push(`the reason does not say that Kinesis Video did not answer: ${answer.body.Reason}`);
    }
  },

  /** The channel is already linked to another stream: a permanent conflict, FAILED in seconds. */
  'channel-linked-elsewhere': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    const other = streamArn('other');
    sim.kvs.addChannel(pair.channel, { linkedTo: other });
    sim.kvs.addStream(pair.stream);
    sim.kvs.addStream(other);
    const create = sim.event('Create', pair);
    const [run] = await sim.invoke([create], { status: 'FAILED', timeoutMs: SHORT_FUNCTION_TIMEOUT_MS });
    if (!run.timedOut && run.durationMs > 5_000) {
      sim.problems.push(`the failure took ${run.durationMs} ms; the conflict is permanent and should take seconds`);
    }
    sim.expectLinks({ [pair.channel]: other }, 'after the failed Create (the other link must stay)');
  },

  /**
   * The stream is already linked to another channel (of another stack, say): a permanent conflict
   * that only the stream's mapping reveals (the channel itself is free). FAILED in seconds, with the
   * full function timeout: before the stream's mapping was read, this took the whole 4 min 50 s.
   */
  'stream-linked-elsewhere': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    const other = channelArn('other');
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addChannel(other, { linkedTo: pair.stream });
    sim.kvs.addStream(pair.stream);
    const create = sim.event('Create', pair);
    const [run] = await sim.invoke([create], { status: 'FAILED' });
    if (run.durationMs > 5_000) {
      sim.problems.push(`the failure took ${run.durationMs} ms; the conflict is permanent and should take seconds`);
    }
    const reason = sim.answerOf(create)?.body.Reason ?? '';
    if (!reason.includes(pair.stream) || !reason.includes(`already linked to signaling channel ${other}`) || !/choose another stream/.test(reason)) {
      sim.problems.push(`the reason does not name the stream, the channel it is linked to, and what to do: ${reason}`);
    }
    sim.expectLinks({ [pair.channel]: undefined, [other]: pair.stream }, 'after the failed Create (the other link must stay)');
  },

  /**
   * The same conflict on a stream without the stack's tag (imported, or of another stack): the role
   * may not read its mapping, so the link is retried as before, until the deadline, then FAILED
   * before the function's timeout. A 15-second function timeout keeps it short (5 s of retries).
   */
  'untagged-stream-linked-elsewhere': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    const other = channelArn('other');
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addChannel(other, { linkedTo: pair.stream });
    sim.kvs.addStream(pair.stream, { tagged: false });
    const create = sim.event('Create', pair);
    await sim.invoke([create], { status: 'FAILED', timeoutMs: UNTAGGED_FUNCTION_TIMEOUT_MS });
    const reason = sim.answerOf(create)?.body.Reason ?? '';
    if (!/still in use after \d+ attempts/.test(reason)) {
      sim.problems.push(`the reason is not the retried in-use one: ${reason}`);
    }
    const calls = sim.kvs.calls;
    const mapped = calls.filter(c => c.operation === 'Mapped');
    if (mapped.length !== 1 || mapped[0].outcome !== 'AccessDeniedException') {
      sim.problems.push(`expected one denied read of the stream's mapping, got ${JSON.stringify(mapped.map(c => c.outcome))}`);
    }
    if (calls.filter(c => c.operation === 'Update').length < 3) {
      sim.problems.push('the link was not retried after the denied read');
    }
    sim.expectLinks({ [pair.channel]: undefined, [other]: pair.stream }, 'after the failed Create (the other link must stay)');
  },

  /** The response URL answers 503 twice (S3 SlowDown) before it takes the answer. */
  'answer-retried': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addStream(pair.stream);
    sim.cfn.failNextAnswers(2);
    await sim.invoke([sim.event('Create', pair)], { status: 'SUCCESS', physicalId: channelOf });
  },

  /**
   * 10 cameras moved in the construct tree: each link gets a new logical id. CloudFormation creates
   * the new link (same channel, same stream), then deletes the old one: the camera must keep
   * recording. Then the new links are deleted: unlinked.
   */
  'moved-10': async (sim) => {
    const pairs = Array.from({ length: 10 }, (_, i) => {
      const pair = { channel: channelArn(camera(i)), stream: streamArn(camera(i)) };
      sim.kvs.addChannel(pair.channel);
      sim.kvs.addStream(pair.stream);
      return pair;
    });
    const linked = Object.fromEntries(pairs.map(p => [p.channel, p.stream]));
    await sim.invoke(pairs.map((p, i) => sim.event('Create', p, { logicalId: `Old${i}` })), { status: 'SUCCESS', physicalId: channelOf });
    await sim.invoke(pairs.map((p, i) => sim.event('Create', p, { logicalId: `New${i}` })), { status: 'SUCCESS', physicalId: channelOf });
    await sim.invoke(pairs.map((p, i) => sim.event('Delete', p, { logicalId: `Old${i}`, physicalId: p.channel })),
      { status: 'SUCCESS', physicalId: channelOf });
    sim.expectLinks(linked, 'after the Create of the new logical ids and the Delete of the old ones');
    await sim.invoke(pairs.map((p, i) => sim.event('Delete', p, { logicalId: `New${i}`, physicalId: p.channel })),
      { status: 'SUCCESS', physicalId: channelOf });
    sim.expectLinks(Object.fromEntries(pairs.map(p => [p.channel, undefined])), 'after the Delete of the new logical ids');
  },

  /**
   * A link of a second stack over a pair that a link of the first stack owns: FAILED, naming the
   * first stack, and its rollback Delete leaves the first link alone. Two cases: the channel now
   * carries the second stack's tag (moved into it), so its provider may read it; or the channel is
   * still the first stack's, so the second provider is denied.
   */
  'other-stack-over-owned-pair': async (sim) => {
    const moved = { channel: channelArn('moved'), stream: streamArn('moved') };
    const foreign = { channel: channelArn('foreign'), stream: streamArn('foreign') };
    for (const pair of [moved, foreign]) {
      sim.kvs.addChannel(pair.channel);
      sim.kvs.addStream(pair.stream);
    }
    await sim.invoke([moved, foreign].map(p => sim.event('Create', p, { logicalId: 'Door' })), { status: 'SUCCESS', physicalId: channelOf });
    const tagsBefore = [moved, foreign].map(p => JSON.stringify(sim.kvs.tagsOf(p.channel)));
    sim.kvs.moveChannel(moved.channel, OTHER_STACK_ID);
    sim.kvs.callerStack = OTHER_STACK_ID;
    const creates = [moved, foreign].map(p => sim.event('Create', p, { logicalId: 'Door', stackId: OTHER_STACK_ID }));
    await sim.invoke(creates, { status: 'FAILED', timeoutMs: SHORT_FUNCTION_TIMEOUT_MS });
    const reason = sim.answerOf(creates[0])?.body.Reason ?? '';
    if (!reason.includes('Cameras')) {
      sim.problems.push(`the reason does not name the stack that owns the link (Cameras): ${reason}`);
    }
    const updatesBefore = sim.kvs.calls.filter(c => c.operation === 'Update' || c.operation === 'Tag' || c.operation === 'Untag').length;
    await sim.invoke(creates.map(c => sim.event('Delete', {
      channel: c.ResourceProperties.ChannelArn as string, stream: c.ResourceProperties.StreamArn as string,
    }, { logicalId: 'Door', stackId: OTHER_STACK_ID, physicalId: sim.answerOf(c)?.body.PhysicalResourceId ?? 'none' })), { status: 'SUCCESS' });
    const changes = sim.kvs.calls.filter(c => c.operation === 'Update' || c.operation === 'Tag' || c.operation === 'Untag').length - updatesBefore;
    if (changes > 0) {
      sim.problems.push(`the rollback Deletes of the failed Creates made ${changes} changing call(s)`);
    }
    sim.expectLinks({ [moved.channel]: moved.stream, [foreign.channel]: foreign.stream }, 'after the second stack\'s Creates and Deletes');
    const tagsAfter = [moved, foreign].map(p => JSON.stringify(sim.kvs.tagsOf(p.channel)));
    if (tagsAfter.join() !== tagsBefore.join()) {
      sim.problems.push(`the first stack's record changed: ${tagsBefore.join()} -> ${tagsAfter.join()}`);
    }
  },

  /**
   * Updates that change no link property, of links whose physical id is not the channel ARN:
   * the id must be kept (a new one makes CloudFormation delete the old id, same channel and stream).
   */
  'update-keeps-physical-id': async (sim) => {
    const pairs = Array.from({ length: 10 }, (_, i) => {
      const pair = { channel: channelArn(camera(i)), stream: streamArn(camera(i)) };
      sim.kvs.addChannel(pair.channel);
      sim.kvs.addStream(pair.stream);
      return pair;
    });
    await sim.invoke(pairs.map((p, i) => sim.event('Create', p, { logicalId: `Link${i}` })), { status: 'SUCCESS', physicalId: channelOf });
    await sim.invoke(pairs.map((p, i) => sim.event('Update', p, { old: p, logicalId: `Link${i}`, physicalId: `link-${i}-physical-id` })),
      { status: 'SUCCESS', physicalId: (e) => e.PhysicalResourceId! });
    sim.expectLinks(Object.fromEntries(pairs.map(p => [p.channel, p.stream])), 'after the Updates');
  },

  /**
   * A Create that fails (the stream keeps no data), and its rollback Delete: the id the Create
   * answered must make the Delete do nothing, even when the pair has been linked meanwhile (by hand).
   */
  'create-failed-then-deleted': async (sim) => {
    const pair = { channel: channelArn('door'), stream: streamArn('door') };
    sim.kvs.addChannel(pair.channel);
    sim.kvs.addStream(pair.stream, { retentionHours: 0 });
    const create = sim.event('Create', pair, { logicalId: 'Door' });
    await sim.invoke([create], { status: 'FAILED' });
    const physicalId = sim.answerOf(create)?.body.PhysicalResourceId ?? '';
    if (physicalId === pair.channel) {
      sim.problems.push('the failed Create answered the channel ARN as its physical id');
    }
    sim.kvs.linkByHand(pair.channel, pair.stream);
    const before = sim.kvs.calls.length;
    await sim.invoke([sim.event('Delete', pair, { logicalId: 'Door', physicalId })], { status: 'SUCCESS', physicalId: () => physicalId });
    const calls = sim.kvs.calls.slice(before);
    if (calls.some(c => c.operation === 'Update' || c.operation === 'Tag' || c.operation === 'Untag')) {
      sim.problems.push(`the Delete of the failed Create changed Kinesis Video: ${JSON.stringify(calls.map(c => `${c.operation} ${c.status ?? ''}`))}`);
    }
    sim.expectLinks({ [pair.channel]: pair.stream }, 'after the Delete of the failed Create');
  },

  /** create-100 under the strict reading of the quota: refused calls count against the window. */
  'create-100-refused-counted': (sim, { workers }) => {
    sim.kvs.countRefused = true;
    return createFleet(sim, workers);
  },

  /** delete-100 under the strict reading of the quota: refused calls count against the window. */
  'delete-100-refused-counted': (sim, { workers }) => {
    sim.kvs.countRefused = true;
    return deleteFleet(sim, workers);
  },
};

/** How many links the simulated stack holds in each scenario (1 unless said here). */
const LINKS_OF_SCENARIO: Record<string, number> = {
  'create-100': FLEET,
  'delete-100': FLEET,
  'channel-replaced-100': FLEET,
  'create-100-refused-counted': FLEET,
  'delete-100-refused-counted': FLEET,
  'moved-10': 10,
  'update-keeps-physical-id': 10,
};

/** 100 links created together, half of the channels and streams still CREATING. */
async function createFleet(sim: Sim, workers: number | undefined): Promise<void> {
  const pairs = fleet(sim, { creating: (i) => i % 2 === 0 });
  await sim.invoke(pairs.map(p => sim.event('Create', p)), { status: 'SUCCESS', physicalId: channelOf, workers });
  sim.expectLinks(Object.fromEntries(pairs.map(p => [p.channel, p.stream])), 'after the Creates');
}

/** 100 links deleted together (the stack's deletion, or a failed deployment's rollback). */
async function deleteFleet(sim: Sim, workers: number | undefined): Promise<void> {
  const pairs = fleet(sim, { linked: true });
  await sim.invoke(pairs.map(p => sim.event('Delete', p, { physicalId: p.channel })), { status: 'SUCCESS', physicalId: channelOf, workers });
  sim.expectLinks(Object.fromEntries(pairs.map(p => [p.channel, undefined])), 'after the Deletes');
}

const channelOf = (event: Event) => event.ResourceProperties.ChannelArn as string;

/** FLEET cameras: channel and stream per camera. */
function fleet(sim: Sim, options: { creating?: (i: number) => boolean; linked?: boolean }): Pair[] {
  return Array.from({ length: FLEET }, (_, i) => {
    const pair = { channel: channelArn(camera(i)), stream: streamArn(camera(i)) };
    const creating = options.creating?.(i) ?? false;
    sim.kvs.addChannel(pair.channel, { creating, linkedTo: options.linked ? pair.stream : undefined });
    sim.kvs.addStream(pair.stream, { creating });
    return pair;
  });
}

/** Runs the scenarios in this process (the child). */
async function runHere(names: string[], bundle: string, workers: number | undefined): Promise<ScenarioResult[]> {
  const tls = { keyFile: process.env.SIM_TLS_KEY!, certFile: process.env.SIM_TLS_CERT! };
  const kvs = new KvsStandIn(CREATING_MS);
  const cfn = new CfnResponseServer(tls);
  const [kvsUrl, cfnUrl] = await Promise.all([kvs.start(), cfn.start()]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_KINESIS_VIDEO: kvsUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIASIMULATION0000000',
    AWS_SECRET_ACCESS_KEY: 'simulation-secret-key-not-a-real-one',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  const lambda = new LambdaRunner(bundle);
  const results: ScenarioResult[] = [];
  for (const name of names) {
    const scenario = SCENARIOS[name];
    if (!scenario) {
      throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    }
    kvs.reset();
    cfn.reset();
    scenarioPrefix = `${name}-`;
    process.env[LINKS_IN_STACK_ENV] = String(LINKS_OF_SCENARIO[name] ?? 1);
    const sim = new Sim(kvs, cfn, lambda, cfnUrl);
    await scenario(sim, { workers });
    results.push(sim.result(name));
  }
  await Promise.all([kvs.stop(), cfn.stop()]);
  return results;
}

export interface SimulationOptions {
  readonly scenarios?: string[];
  /** The handler bundle. @default the shipped one */
  readonly bundle?: string;
  /** Run the invocations through this many concurrent executions (a reserved concurrency). */
  readonly workers?: number;
}

/** Runs the scenarios in a child process and returns their results. */
export async function runSimulation(options: SimulationOptions = {}): Promise<ScenarioResult[]> {
  const tls = makeTestCertificate();
  const args = ['--scenarios', (options.scenarios ?? Object.keys(SCENARIOS)).join(','), '--bundle', options.bundle ?? SHIPPED_BUNDLE];
  if (options.workers) {
    args.push('--workers', String(options.workers));
  }
  try {
    return JSON.parse(await runInChild(__filename, args, {
      NODE_EXTRA_CA_CERTS: tls.certFile, // the test CA, for this child only
      SIM_TLS_KEY: tls.keyFile,
      SIM_TLS_CERT: tls.certFile,
      SIM_LOG: process.env.SIM_LOG ?? '',
    }));
  } finally {
    fs.rmSync(tls.dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // The handler's log lines go to SIM_LOG (if set), not to the parent's pipe.
  const logFile = process.env.SIM_LOG;
  const log = (...args: unknown[]) => {
    if (logFile) {
      fs.appendFileSync(logFile, args.map(String).join(' ') + '\n');
    }
  };
  console.log = log;
  console.error = log;
  console.warn = log;
  const names = (argument('scenarios') ?? Object.keys(SCENARIOS).join(',')).split(',');
  const workers = argument('workers') ? Number(argument('workers')) : undefined;
  reportFromChild(runHere(names, path.resolve(argument('bundle') ?? SHIPPED_BUNDLE), workers));
}
