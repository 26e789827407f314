/**
 * A loopback stand-in for the Kinesis Video control plane that run-time cameras need: it
 * composes the link stand-in (./kvs-stand-in, which keeps the links, their quotas and the
 * CREATING state) with create, delete, describe, list and tags of channels and streams.
 *
 * Requests for the link (`/updateMediaStorageConfiguration`, `/describeMediaStorageConfiguration`,
 * `/describeMappedResourceConfiguration`) are forwarded to an inner `KvsStandIn`, which learns of
 * every channel and stream made here. Everything else is served here, in the wire format of
 * @aws-sdk/client-kinesis-video (restJson1; errors as `x-amzn-ErrorType` and their model status).
 *
 * What it enforces (KVS quota pages and API reference):
 * - CreateSignalingChannel and CreateStream 50 TPS per account; DeleteSignalingChannel,
 *   DeleteStream, ListTagsForResource, ListTagsForStream 50 TPS per account and 5 per resource;
 *   DescribeSignalingChannel and DescribeStream 300 and 5; ListSignalingChannels 50.
 *   Throttling is ClientLimitExceededException, HTTP 400;
 * - CREATING for `creatingMs` after creation, DELETING for `deletingMs` after deletion; a name is
 *   free again only after that (create answers ResourceInUseException meanwhile);
 * - DeleteSignalingChannel on a linked channel: ResourceInUseException;
 * - the account's channel quota, when set (`channelLimit`): AccountChannelLimitExceededException;
 * - the caller's IAM policy, as the onboarding's worker role allows (proved separately by IAM
 *   simulation in test/camera-onboarding.test.ts): create only with the prefix
 *   and exactly the fleet and onboarding tags; read only the fleet's resources; change or delete
 *   only the onboarding's; tag and untag (TagResource/UntagResource on channels, TagStream/UntagStream
 *   on streams) the access group's key only, on the onboarding's only. A denied call answers
 *   AccessDeniedException before the service looks.
 * Every call is recorded, so that a test can prove what was touched.
 */
import * as http from 'http';
import { KvsStandIn } from './kvs-stand-in';
import { LoopbackServer } from './onboarding-stand-ins';

const ACCOUNT = '123456789012';

/** Operations served here, with their quotas (per account, per resource). */
const QUOTAS: Record<string, { account: number; resource?: number }> = {
  CreateSignalingChannel: { account: 50 },
  CreateStream: { account: 50 },
  DeleteSignalingChannel: { account: 50, resource: 5 },
  DeleteStream: { account: 50, resource: 5 },
  DescribeSignalingChannel: { account: 300, resource: 5 },
  DescribeStream: { account: 300, resource: 5 },
  ListTagsForResource: { account: 50, resource: 5 },
  ListTagsForStream: { account: 50, resource: 5 },
  ListSignalingChannels: { account: 50 },
  TagResource: { account: 50, resource: 5 },
  UntagResource: { account: 50, resource: 5 },
  TagStream: { account: 50, resource: 5 },
  UntagStream: { account: 50, resource: 5 },
};

const PATHS: Record<string, string> = {
  '/createSignalingChannel': 'CreateSignalingChannel',
  '/createStream': 'CreateStream',
  '/deleteSignalingChannel': 'DeleteSignalingChannel',
  '/deleteStream': 'DeleteStream',
  '/describeSignalingChannel': 'DescribeSignalingChannel',
  '/describeStream': 'DescribeStream',
  '/ListTagsForResource': 'ListTagsForResource',
  '/listTagsForStream': 'ListTagsForStream',
  '/listSignalingChannels': 'ListSignalingChannels',
  '/TagResource': 'TagResource',
  '/UntagResource': 'UntagResource',
  '/tagStream': 'TagStream',
  '/untagStream': 'UntagStream',
  '/updateMediaStorageConfiguration': 'UpdateMediaStorageConfiguration',
  '/describeMediaStorageConfiguration': 'DescribeMediaStorageConfiguration',
  '/describeMappedResourceConfiguration': 'DescribeMappedResourceConfiguration',
};

const MUTATING = new Set(['CreateSignalingChannel', 'CreateStream', 'DeleteSignalingChannel', 'DeleteStream', 'UpdateMediaStorageConfiguration',
  'TagResource', 'UntagResource', 'TagStream', 'UntagStream']);
const TAGGING = new Set(['TagResource', 'UntagResource', 'TagStream', 'UntagStream']);

const ERROR_STATUS: Record<string, number> = { AccessDeniedException: 401, ResourceNotFoundException: 404 };

export interface Resource {
  readonly kind: 'channel' | 'stream';
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly tags: Record<string, string>;
  readonly retentionHours: number;
  version: number;
  deletedAt?: number;
}

/** What the caller's role allows (the onboarding worker's policy). */
export interface CallerPolicy {
  readonly prefix: string;
  readonly fleetTag: readonly [string, string];
  readonly onboardingTag: readonly [string, string];
  /** The access group's tag key: the one other key a create may give, and the only one the tag actions may change. */
  readonly accessGroupTagKey?: string;
}

export interface ControlPlaneCall {
  readonly at: number;
  readonly operation: string;
  /** The name or ARN the call is about. */
  readonly target: string;
  readonly outcome: string;
}

export class KvsControlPlaneStandIn extends LoopbackServer {
  public readonly calls: ControlPlaneCall[] = [];
  public readonly links: KvsStandIn;
  private readonly resources = new Map<string, Resource>(); // by `${kind}/${name}`, the live or DELETING one
  private readonly windows = new Map<string, { at: number; resource: string }[]>();
  private linksUrl = '';
  private generation = 0;
  /** The account's channel quota (AccountChannelLimitExceededException beyond it). */
  public channelLimit = Infinity;
  /** Errors to answer (HTTP 400) to every call of an operation, e.g. CreateStream: InvalidArgumentException. None by default. */
  public readonly injected = new Map<string, string>();

  constructor(private readonly policy: CallerPolicy, private readonly creatingMs = 1_000, private readonly deletingMs = 2_000) {
    super();
    this.links = new KvsStandIn(creatingMs);
  }

  public async start(): Promise<string> {
    this.linksUrl = await this.links.start();
    return super.start();
  }

  public async stop(): Promise<void> {
    await super.stop();
    await this.links.stop();
  }

  /** A channel and stream that exist already (a camera of a stack, of another fleet), optionally linked. */
  public addCamera(name: string, tags: Record<string, string>, options: { linked?: boolean } = {}): { channel: string; stream: string } {
    const channel = this.make('channel', name, tags, 24, 0);
    const stream = this.make('stream', name, tags, 24, 0);
    this.links.addChannel(channel.arn, { linkedTo: options.linked ? stream.arn : undefined });
    this.links.addStream(stream.arn, { retentionHours: 24 });
    return { channel: channel.arn, stream: stream.arn };
  }

  /** A lone video stream that exists already (another fleet's, say), with no channel of its name. */
  public addStream(name: string, tags: Record<string, string>): string {
    const stream = this.make('stream', name, tags, 24, 0);
    this.links.addStream(stream.arn, { retentionHours: 24 });
    return stream.arn;
  }

  /** A resource deleted by its owner (not the onboarding): its name is free at once. */
  public forget(kind: 'channel' | 'stream', name: string): void {
    this.resources.delete(`${kind}/${name}`);
  }

  /** The live (or DELETING) resource of that name. */
  public find(kind: 'channel' | 'stream', name: string): (Resource & { status: string }) | undefined {
    const r = this.resources.get(`${kind}/${name}`);
    return r && { ...r, status: this.statusOf(r, Date.now()) };
  }

  /** Every resource not deleted (nor DELETING). */
  public live(kind: 'channel' | 'stream'): Resource[] {
    const now = Date.now();
    return [...this.resources.values()].filter((r) => r.kind === kind && this.statusOf(r, now) !== 'DELETING');
  }

  private make(kind: 'channel' | 'stream', name: string, tags: Record<string, string>, retentionHours: number, createdAt: number): Resource {
    const arn = `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:${kind}/${name}/${1700000000000 + ++this.generation}`;
    const resource: Resource = { kind, name, arn, createdAt, tags: { ...tags }, retentionHours, version: 1 };
    this.resources.set(`${kind}/${name}`, resource);
    return resource;
  }

  private statusOf(r: Resource, now: number): string {
    if (r.deletedAt !== undefined) {
      return 'DELETING';
    }
    return now - r.createdAt < this.creatingMs ? 'CREATING' : 'ACTIVE';
  }

  /** Forgets resources whose DELETING is over: their names are free again. */
  private sweep(now: number): void {
    for (const [key, r] of this.resources) {
      if (r.deletedAt !== undefined && now - r.deletedAt >= this.deletingMs) {
        this.resources.delete(key);
      }
    }
  }

  private byArn(arn: string | undefined): Resource | undefined {
    return [...this.resources.values()].find((r) => r.arn === arn);
  }

  protected serve(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const path = req.url ?? '';
    const operation = PATHS[path.split('?')[0]];
    let input: any = {};
    try {
      input = body ? JSON.parse(body) : {};
    } catch {
      return this.fail(res, 'InvalidArgumentException', 'the body is not JSON');
    }
    if (!operation) {
      return this.fail(res, 'InvalidArgumentException', `the stand-in does not serve ${path}`);
    }
    const now = Date.now();
    this.sweep(now);
    const target = input.ChannelName ?? input.StreamName ?? input.ChannelARN ?? input.StreamARN ?? input.ResourceARN ?? '*';
    const record = (outcome: string) => this.calls.push({ at: now, operation, target, outcome });

    const denied = this.deny(operation, input);
    if (denied) {
      record('AccessDeniedException');
      return this.fail(res, 'AccessDeniedException', `User is not authorized to perform: kinesisvideo:${operation} on resource: ${target} (${denied})`);
    }
    if (operation.endsWith('MediaStorageConfiguration') || operation === 'DescribeMappedResourceConfiguration') {
      if (operation === 'UpdateMediaStorageConfiguration') {
        const channel = this.byArn(input.ChannelARN);
        if (channel?.deletedAt !== undefined) {
          record('ResourceInUseException');
          return this.fail(res, 'ResourceInUseException', 'The signaling channel is DELETING.');
        }
      }
      return this.forward(path, body, res, record);
    }
    const quota = QUOTAS[operation];
    const window = this.windows.get(operation) ?? [];
    while (window.length > 0 && now - window[0].at >= 1_000) {
      window.shift();
    }
    this.windows.set(operation, window);
    if (window.length >= quota.account || (quota.resource && window.filter((c) => c.resource === target).length >= quota.resource)) {
      record('ClientLimitExceededException');
      return this.fail(res, 'ClientLimitExceededException', `Rate exceeded for ${operation}.`);
    }
    window.push({ at: now, resource: target });

    const injected = this.injected.get(operation);
    const answer: { error?: string; message?: string; body?: unknown } = injected ? { error: injected, message: `${operation} refused (injected)` } : this.decide(now, operation, input);
    record(answer.error ?? 'OK');
    if (answer.error) {
      return this.fail(res, answer.error, answer.message ?? answer.error);
    }
    const json = JSON.stringify(answer.body ?? {});
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  /** The worker role's policy, as proved by IAM simulation: a reason to deny, or undefined. */
  private deny(operation: string, input: any): string | undefined {
    const [fleetKey, fleetId] = this.policy.fleetTag;
    const [ownKey, ownId] = this.policy.onboardingTag;
    if (operation === 'CreateSignalingChannel' || operation === 'CreateStream') {
      const name: string = input.ChannelName ?? input.StreamName ?? '';
      const tags: Record<string, string> = operation === 'CreateStream'
        ? input.Tags ?? {}
        : Object.fromEntries((input.Tags ?? []).map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
      const keysOk = Object.keys(tags).every((k) => k === fleetKey || k === ownKey || k === this.policy.accessGroupTagKey);
      return name.startsWith(this.policy.prefix) && tags[fleetKey] === fleetId && tags[ownKey] === ownId && keysOk
        ? undefined : 'create without the prefix and the tags';
    }
    if (operation === 'ListSignalingChannels') {
      return undefined;
    }
    const resource = input.ChannelARN ?? input.StreamARN ?? input.ResourceARN
      ? this.byArn(input.ChannelARN ?? input.StreamARN ?? input.ResourceARN)
      : this.resources.get(`${input.ChannelName ? 'channel' : 'stream'}/${input.ChannelName ?? input.StreamName}`);
    const name = resource?.name ?? input.ChannelName ?? input.StreamName ?? '';
    // A resource that does not exist has no tags: a tag-conditioned statement does not match it.
    const tags = resource?.tags ?? {};
    if (!name.startsWith(this.policy.prefix) && !(resource?.arn ?? '').includes(`/${this.policy.prefix}`)) {
      return 'outside the prefix';
    }
    if (operation.startsWith('Describe') && operation !== 'DescribeMediaStorageConfiguration' || operation.startsWith('ListTags')) {
      return tags[fleetKey] === fleetId ? undefined : 'not the fleet\'s';
    }
    if (TAGGING.has(operation)) {
      const keys: string[] = input.TagKeyList
        ?? (Array.isArray(input.Tags) ? input.Tags.map((t: { Key: string }) => t.Key) : Object.keys(input.Tags ?? {}));
      const kindOk = operation.endsWith('Stream') ? resource?.kind === 'stream' : resource?.kind === 'channel';
      if (!kindOk || keys.length === 0 || !keys.every((k) => k === this.policy.accessGroupTagKey)) {
        return 'a tag other than the access group\'s';
      }
    }
    return tags[ownKey] === ownId ? undefined : 'not made by this onboarding';
  }

  private decide(now: number, operation: string, input: any): { error?: string; message?: string; body?: unknown } {
    switch (operation) {
      case 'CreateSignalingChannel':
      case 'CreateStream': {
        const kind = operation === 'CreateStream' ? 'stream' : 'channel';
        const name: string = input.ChannelName ?? input.StreamName;
        if (this.resources.has(`${kind}/${name}`)) {
          return { error: 'ResourceInUseException', message: `The ${kind} ${name} already exists (or is DELETING).` };
        }
        if (kind === 'channel' && [...this.resources.values()].filter((r) => r.kind === 'channel').length >= this.channelLimit) {
          return { error: 'AccountChannelLimitExceededException', message: `You have reached the maximum limit of ${this.channelLimit} channels.` };
        }
        const tags = kind === 'stream' ? input.Tags ?? {} : Object.fromEntries((input.Tags ?? []).map((t: any) => [t.Key, t.Value]));
        const r = this.make(kind, name, tags, input.DataRetentionInHours ?? 0, now);
        if (kind === 'channel') {
          this.links.addChannel(r.arn, { creating: true });
          return { body: { ChannelARN: r.arn } };
        }
        this.links.addStream(r.arn, { creating: true, retentionHours: r.retentionHours });
        return { body: { StreamARN: r.arn } };
      }
      case 'DescribeSignalingChannel':
      case 'DescribeStream': {
        const kind = operation === 'DescribeStream' ? 'stream' : 'channel';
        const r = input.ChannelARN ?? input.StreamARN ? this.byArn(input.ChannelARN ?? input.StreamARN) : this.resources.get(`${kind}/${input.ChannelName ?? input.StreamName}`);
        if (!r) {
          return { error: 'ResourceNotFoundException', message: 'not found' };
        }
        const status = this.statusOf(r, now);
        return kind === 'channel'
          ? { body: { ChannelInfo: { ChannelName: r.name, ChannelARN: r.arn, ChannelType: 'SINGLE_MASTER', ChannelStatus: status, Version: `${r.version}` } } }
          : { body: { StreamInfo: { StreamName: r.name, StreamARN: r.arn, Status: status, Version: `${r.version}`, DataRetentionInHours: r.retentionHours } } };
      }
      case 'DeleteSignalingChannel':
      case 'DeleteStream': {
        const r = this.byArn(input.ChannelARN ?? input.StreamARN);
        if (!r) {
          return { error: 'ResourceNotFoundException', message: 'not found' };
        }
        if (input.CurrentVersion !== undefined && input.CurrentVersion !== String(r.version)) {
          return { error: 'VersionMismatchException', message: 'version mismatch' };
        }
        if (this.statusOf(r, now) !== 'ACTIVE') {
          return { error: 'ResourceInUseException', message: `The ${r.kind} is ${this.statusOf(r, now)}.` };
        }
        if (r.kind === 'channel' && this.links.linkOf(r.arn)) {
          return { error: 'ResourceInUseException', message: 'The signaling channel has a media storage configuration: unlink it first.' };
        }
        r.deletedAt = now;
        if (r.kind === 'channel') {
          this.links.deleteChannel(r.arn);
        }
        return {};
      }
      case 'ListTagsForResource':
      case 'ListTagsForStream': {
        const r = this.byArn(input.ResourceARN ?? input.StreamARN);
        return r ? { body: { Tags: r.tags } } : { error: 'ResourceNotFoundException', message: 'not found' };
      }
      case 'TagResource':
      case 'TagStream':
      case 'UntagResource':
      case 'UntagStream': {
        const r = this.byArn(input.ResourceARN ?? input.StreamARN);
        if (!r) {
          return { error: 'ResourceNotFoundException', message: 'not found' };
        }
        if (operation.startsWith('Untag')) {
          for (const key of input.TagKeyList ?? []) {
            delete r.tags[key];
          }
        } else {
          const tags = Array.isArray(input.Tags)
            ? Object.fromEntries(input.Tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))
            : input.Tags;
          Object.assign(r.tags, tags);
        }
        return {};
      }
      case 'ListSignalingChannels': {
        const prefix: string = input.ChannelNameCondition?.ComparisonValue ?? '';
        const list = [...this.resources.values()].filter((r) => r.kind === 'channel' && r.name.startsWith(prefix));
        return { body: { ChannelInfoList: list.map((r) => ({ ChannelName: r.name, ChannelARN: r.arn, ChannelStatus: this.statusOf(r, now) })) } };
      }
    }
    return { error: 'InvalidArgumentException', message: operation };
  }

  private forward(path: string, body: string, res: http.ServerResponse, record: (outcome: string) => void): void {
    const url = new URL(path, this.linksUrl);
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (answer) => {
      let out = '';
      answer.setEncoding('utf8');
      answer.on('data', (chunk) => out += chunk);
      answer.on('end', () => {
        record(String(answer.headers['x-amzn-errortype'] ?? 'OK'));
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        res.end(out);
      });
    });
    req.on('error', () => this.fail(res, 'ServiceUnavailable', 'the link stand-in did not answer'));
    req.end(body);
  }

  private fail(res: http.ServerResponse, error: string, message: string): void {
    const json = JSON.stringify({ Message: message });
    res.writeHead(ERROR_STATUS[error] ?? 400, { 'content-type': 'application/json', 'x-amzn-errortype': error, 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  /** The calls that changed something, for the proof that nothing outside the onboarding was touched. */
  public mutatingCalls(): ControlPlaneCall[] {
    return this.calls.filter((c) => MUTATING.has(c.operation));
  }
}
