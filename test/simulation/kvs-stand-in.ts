/**
 * A loopback stand-in for the Kinesis Video Streams control plane, for the deployment simulation.
 * It speaks the wire format of the SDK's own service model (@aws-sdk/client-kinesis-video 3.1116,
 * protocol restJson1): `POST /updateMediaStorageConfiguration`,
 * `POST /describeMediaStorageConfiguration` and `POST /describeMappedResourceConfiguration` (input
 * `StreamARN`; output `MappedResourceConfigurationList` of at most one `{ Type, ARN }`) with JSON
 * bodies; errors as the HTTP status the model
 * gives each error shape, the shape name in the `x-amzn-ErrorType` header and `{"Message": ...}`
 * in the body (AccessDeniedException 401, ResourceNotFoundException 404, every other 400).
 * The real SDK client reaches it through `AWS_ENDPOINT_URL_KINESIS_VIDEO`; the signature is not
 * checked.
 *
 * It enforces what the link lives with (KVS WebRTC service quotas, control plane; "Ingest media"):
 * - UpdateMediaStorageConfiguration: 10 calls per second per account, 5 per channel;
 *   DescribeMediaStorageConfiguration: 50 and 5 (hard quotas). DescribeMappedResourceConfiguration:
 *   50 per account and 5 per stream (hard; "Kinesis Video Streams service quotas", control plane
 *   table, not the WebRTC one). Sliding one-second windows of the calls the service accepted, per
 *   operation; a call over either answers ClientLimitExceededException, HTTP 400.
 * - a channel or stream is CREATING for `creatingMs` after it is made: ResourceInUseException;
 * - the one-to-one mapping: linking a channel that is linked, or a stream linked to another
 *   channel: ResourceInUseException;
 * - a stream with no retention: NoDataRetentionException;
 * - a channel that never existed, or a stream that does not exist: ResourceNotFoundException; a
 *   deleted channel: AccessDeniedException (the provider's role is scoped by the channel's tag,
 *   which goes with the channel, so IAM denies before the service looks);
 * - IAM's tag scope on streams: DescribeMappedResourceConfiguration on a stream added without the
 *   stack's tag (`tagged: false`: imported, or of another stack) answers AccessDeniedException.
 *   A stream not ACTIVE yet is mapped to nothing (the operation has no ResourceInUseException in
 *   the model). The values of `Type` are not documented; the stand-in answers `SIGNALING_CHANNEL`,
 *   and the handler does not read it.
 * - tags on channels (`POST /TagResource`, `/UntagResource`, `/ListTagsForResource`; input
 *   `ResourceARN`, `Tags: [{Key, Value}]` / `TagKeyList`; output `Tags: {key: value}`), 50 TPS per
 *   account and 5 per channel (hard), authorized like the other calls, and, as the provider's
 *   `aws:TagKeys` condition does, only for the keys in `taggableKeys`;
 * - IAM's tag scope: every call on a channel (or on a stream, for `Mapped`) is denied unless the
 *   resource's stack tag equals `callerStack` (the stack whose provider role is calling).
 * Quota readings: by default a refused (throttled) call does not count against the one-second
 * window (the documented reading); `countRefused = true` counts it (the strict reading).
 * Fault injection: throttle the next N calls; never answer calls on a given channel.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { LINK_OWNER_TAG_KEY } from '../../src/private/media-storage-link-settings';

export const UPDATE_QUOTA = { account: 10, channel: 5 };
export const DESCRIBE_QUOTA = { account: 50, channel: 5 };
/** Per account, and per stream (the resource it is called on). */
export const MAPPED_QUOTA = { account: 50, channel: 5 };
/** TagResource, UntagResource and ListTagsForResource: each 50 per account and 5 per channel. */
export const TAG_QUOTA = { account: 50, channel: 5 };

/** The stack id the stand-in's resources carry, and the caller's, unless a scenario says otherwise. */
export const DEFAULT_STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Cameras/11111111-2222-3333-4444-555555555555';

export type Operation = 'Update' | 'Describe' | 'Mapped' | 'Tag' | 'Untag' | 'ListTags';

const PATHS: Record<string, Operation> = {
  '/updateMediaStorageConfiguration': 'Update',
  '/describeMediaStorageConfiguration': 'Describe',
  '/describeMappedResourceConfiguration': 'Mapped',
  '/TagResource': 'Tag',
  '/UntagResource': 'Untag',
  '/ListTagsForResource': 'ListTags',
};

/** The HTTP status of each error shape in the SDK's service model. */
const ERROR_STATUS: Record<string, number> = {
  AccessDeniedException: 401,
  ResourceNotFoundException: 404,
  ClientLimitExceededException: 400,
  ResourceInUseException: 400,
  NoDataRetentionException: 400,
  InvalidArgumentException: 400,
};

interface Channel {
  readonly createdAt: number;
  deleted: boolean;
  /** The stream it is linked to (media storage ENABLED). */
  link?: string;
  readonly tags: Map<string, string>;
  /** The value of its stack tag (IAM's scope for the provider role). */
  stack: string;
}

interface Stream {
  readonly createdAt: number;
  readonly retentionHours: number;
  /** The value of its stack tag; undefined when it carries none (imported, or not linked by this library). */
  readonly stack?: string;
}

/** One call the stand-in answered (or held). */
export interface CallRecord {
  readonly at: number;
  readonly operation: Operation;
  /** The channel, or for `Mapped` the stream. */
  readonly channel: string;
  readonly status?: 'ENABLED' | 'DISABLED';
  /** 'OK' or the error shape name. */
  readonly outcome: string;
}

export class KvsStandIn {
  public readonly calls: CallRecord[] = [];
  private readonly channels = new Map<string, Channel>();
  private readonly streams = new Map<string, Stream>();
  /** The calls each quota window counts: accepted ones, and refused ones too when `countRefused`. */
  private readonly accepted: Record<Operation, { at: number; channel: string }[]> =
    { Update: [], Describe: [], Mapped: [], Tag: [], Untag: [], ListTags: [] };
  /** The strict reading of the quotas: a refused call counts against the window too. */
  public countRefused = false;
  /** The stack whose provider role calls (IAM allows only resources whose stack tag equals it). */
  public callerStack = DEFAULT_STACK;
  /** The tag keys the provider's role may set or remove (its `aws:TagKeys` condition). */
  public taggableKeys: ReadonlySet<string> = new Set([LINK_OWNER_TAG_KEY]);
  private throttleNext = 0;
  private readonly hanging = new Set<string>();
  private readonly held = new Set<http.ServerResponse>();
  private server?: http.Server;

  /** @param creatingMs how long a new channel or stream stays CREATING */
  constructor(private readonly creatingMs = 3_000) {}

  /** Starts listening on loopback; returns the endpoint URL. */
  public async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => body += chunk);
      req.on('end', () => this.serve(req.url ?? '', body, res));
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    for (const res of this.held) {
      res.destroy();
    }
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server ? this.server.close(() => resolve()) : resolve());
  }

  /** Forgets every resource, call and fault (quota windows included). */
  public reset(): void {
    this.calls.length = 0;
    this.channels.clear();
    this.streams.clear();
    for (const window of Object.values(this.accepted)) {
      window.length = 0;
    }
    this.countRefused = false;
    this.callerStack = DEFAULT_STACK;
    this.throttleNext = 0;
    this.hanging.clear();
  }

  /** A channel made now (CREATING for a while) or long ago (`creating: false`). */
  public addChannel(arn: string, options: { creating?: boolean; linkedTo?: string; stack?: string; tags?: Record<string, string> } = {}): void {
    this.channels.set(arn, {
      createdAt: options.creating ? Date.now() : 0,
      deleted: false,
      link: options.linkedTo,
      tags: new Map(Object.entries(options.tags ?? {})),
      stack: options.stack ?? DEFAULT_STACK,
    });
  }

  /** The channel's tags (the stack tag aside). */
  public tagsOf(channelArn: string): Record<string, string> {
    return Object.fromEntries(this.channels.get(channelArn)?.tags ?? []);
  }

  /** The channel's stack tag changes (a channel moved into another stack). */
  public moveChannel(arn: string, stack: string): void {
    this.channels.get(arn)!.stack = stack;
  }

  /** Links the pair directly (by hand, outside any stack). */
  public linkByHand(channelArn: string, streamArn: string): void {
    this.channels.get(channelArn)!.link = streamArn;
  }

  /** `tagged: false`: a stream without the stack's tag (imported, or of another stack). */
  public addStream(arn: string, options: { creating?: boolean; retentionHours?: number; tagged?: boolean; stack?: string } = {}): void {
    this.streams.set(arn, {
      createdAt: options.creating ? Date.now() : 0,
      retentionHours: options.retentionHours ?? 24,
      stack: options.tagged === false ? undefined : options.stack ?? DEFAULT_STACK,
    });
  }

  public deleteChannel(arn: string): void {
    const channel = this.channels.get(arn);
    if (channel) {
      channel.deleted = true;
      channel.link = undefined;
    }
  }

  /** The stream the channel is linked to, if any. */
  public linkOf(channelArn: string): string | undefined {
    return this.channels.get(channelArn)?.link;
  }

  /** Every channel → stream link. */
  public links(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [arn, channel] of this.channels) {
      if (channel.link) {
        out[arn] = channel.link;
      }
    }
    return out;
  }

  /** The next `n` calls answer ClientLimitExceededException whatever the windows say. */
  public throttleNextCalls(n: number): void {
    this.throttleNext = n;
  }

  /** Calls about this channel are never answered. */
  public neverAnswer(channelArn: string): void {
    this.hanging.add(channelArn);
  }

  /** Calls refused by a quota (ClientLimitExceededException). */
  public refusedCalls(operation?: Operation): number {
    return this.calls.filter(c => c.outcome === 'ClientLimitExceededException' && (!operation || c.operation === operation)).length;
  }

  /** The largest number of accepted calls of `operation` in any one-second window, account-wide. */
  public peakPerSecond(operation: Operation): number {
    const times = this.calls.filter(c => c.operation === operation && c.outcome !== 'ClientLimitExceededException').map(c => c.at);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1_000) {
        j++;
      }
      peak = Math.max(peak, i - j + 1);
    }
    return peak;
  }

  private serve(path: string, body: string, res: http.ServerResponse): void {
    const operation: Operation | undefined = PATHS[path.split('?')[0]];
    if (!operation) {
      return this.fail(res, 'InvalidArgumentException', `the stand-in does not serve ${path}`);
    }
    let input: {
      ChannelARN?: string;
      StreamARN?: string;
      ResourceARN?: string;
      MediaStorageConfiguration?: { Status?: 'ENABLED' | 'DISABLED'; StreamARN?: string };
      Tags?: { Key: string; Value: string }[];
      TagKeyList?: string[];
    };
    try {
      input = JSON.parse(body);
    } catch {
      return this.fail(res, 'InvalidArgumentException', 'the body is not JSON');
    }
    const channelArn = (operation === 'Mapped' ? input.StreamARN : input.ChannelARN ?? input.ResourceARN) ?? '';
    const status = input.MediaStorageConfiguration?.Status;
    if (this.hanging.has(channelArn)) {
      this.held.add(res);
      this.calls.push({ at: Date.now(), operation, channel: channelArn, status, outcome: 'no answer' });
      return;
    }
    const now = Date.now();
    const outcome = this.decide(now, operation, channelArn, input);
    this.calls.push({ at: now, operation, channel: channelArn, status, outcome: outcome.error ?? 'OK' });
    if (outcome.error) {
      return this.fail(res, outcome.error, outcome.message!);
    }
    const json = JSON.stringify(outcome.body ?? {});
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private decide(
    now: number,
    operation: Operation,
    channelArn: string,
    input: { MediaStorageConfiguration?: { Status?: string; StreamARN?: string }; Tags?: { Key: string; Value: string }[]; TagKeyList?: string[] },
  ): { error?: string; message?: string; body?: unknown } {
    const configuration = input.MediaStorageConfiguration;
    // quotas first: the service throttles before it looks at the request
    const quota = operation === 'Update' ? UPDATE_QUOTA : operation === 'Describe' ? DESCRIBE_QUOTA
      : operation === 'Mapped' ? MAPPED_QUOTA : TAG_QUOTA;
    const window = this.accepted[operation];
    while (window.length > 0 && now - window[0].at >= 1_000) {
      window.shift();
    }
    const refuse = (message: string) => {
      if (this.countRefused) {
        window.push({ at: now, channel: channelArn });
      }
      return { error: 'ClientLimitExceededException', message };
    };
    if (this.throttleNext > 0) {
      this.throttleNext--;
      return refuse('Your request has been throttled (injected).');
    }
    if (window.length >= quota.account) {
      return refuse(`Rate exceeded: ${quota.account} TPS per account.`);
    }
    if (window.filter(c => c.channel === channelArn).length >= quota.channel) {
      return refuse(`Rate exceeded: ${quota.channel} TPS per channel.`);
    }
    window.push({ at: now, channel: channelArn });

    if (operation === 'Mapped') {
      return this.mapped(now, channelArn);
    }
    const action = {
      Update: 'UpdateMediaStorageConfiguration',
      Describe: 'DescribeMediaStorageConfiguration',
      Tag: 'TagResource',
      Untag: 'UntagResource',
      ListTags: 'ListTagsForResource',
    }[operation];
    const denied = { error: 'AccessDeniedException', message: `User is not authorized to perform: kinesisvideo:${action} on resource: ${channelArn}` };
    const channel = this.channels.get(channelArn);
    if (!channel) {
      return { error: 'ResourceNotFoundException', message: `The channel ${channelArn} does not exist.` };
    }
    // IAM: the role's statements hold only where the channel's stack tag is the caller's stack id
    // (a deleted channel's tags went with it)
    if (channel.deleted || channel.stack !== this.callerStack) {
      return denied;
    }
    if (operation === 'ListTags') {
      return { body: { Tags: Object.fromEntries(channel.tags) } };
    }
    if (operation === 'Tag' || operation === 'Untag') {
      const keys = operation === 'Tag' ? (input.Tags ?? []).map(t => t.Key) : input.TagKeyList ?? [];
      if (keys.length === 0 || keys.some(k => !this.taggableKeys.has(k))) {
        return denied; // aws:TagKeys: only the link's own key
      }
      if (operation === 'Tag') {
        (input.Tags ?? []).forEach(t => channel.tags.set(t.Key, t.Value));
      } else {
        keys.forEach(k => channel.tags.delete(k));
      }
      return {};
    }
    const active = (createdAt: number) => now - createdAt >= this.creatingMs;
    if (operation === 'Describe') {
      return { body: { MediaStorageConfiguration: channel.link ? { Status: 'ENABLED', StreamARN: channel.link } : { Status: 'DISABLED' } } };
    }
    if (!active(channel.createdAt)) {
      return { error: 'ResourceInUseException', message: 'The signaling channel is not in the ACTIVE state.' };
    }
    if (configuration?.Status === 'DISABLED') {
      channel.link = undefined;
      return {};
    }
    if (configuration?.Status !== 'ENABLED' || !configuration.StreamARN) {
      return { error: 'InvalidArgumentException', message: 'Status ENABLED needs a StreamARN.' };
    }
    const stream = this.streams.get(configuration.StreamARN);
    if (!stream) {
      return { error: 'ResourceNotFoundException', message: `The stream ${configuration.StreamARN} does not exist.` };
    }
    if (!active(stream.createdAt)) {
      return { error: 'ResourceInUseException', message: 'The stream is not in the ACTIVE state.' };
    }
    if (stream.retentionHours === 0) {
      return { error: 'NoDataRetentionException', message: 'The stream does not retain data.' };
    }
    if (channel.link) {
      return { error: 'ResourceInUseException', message: 'The signaling channel already has a media storage configuration.' };
    }
    for (const [other, c] of this.channels) {
      if (c.link === configuration.StreamARN && other !== channelArn) {
        return { error: 'ResourceInUseException', message: 'The stream is already mapped to another signaling channel.' };
      }
    }
    channel.link = configuration.StreamARN;
    return {};
  }

  /** DescribeMappedResourceConfiguration on `streamArn`. */
  private mapped(now: number, streamArn: string): { error?: string; message?: string; body?: unknown } {
    const stream = this.streams.get(streamArn);
    // IAM first: the provider's role may read only streams that carry its stack's tag
    if (stream && stream.stack !== this.callerStack) {
      return { error: 'AccessDeniedException', message: `User is not authorized to perform: kinesisvideo:DescribeMappedResourceConfiguration on resource: ${streamArn}` };
    }
    if (!stream) {
      return { error: 'ResourceNotFoundException', message: `The stream ${streamArn} does not exist.` };
    }
    const channel = now - stream.createdAt >= this.creatingMs
      ? [...this.channels].find(([, c]) => c.link === streamArn)?.[0]
      : undefined;
    return { body: { MappedResourceConfigurationList: channel ? [{ Type: 'SIGNALING_CHANNEL', ARN: channel }] : [] } };
  }

  private fail(res: http.ServerResponse, error: string, message: string): void {
    const json = JSON.stringify({ Message: message });
    res.writeHead(ERROR_STATUS[error] ?? 400, {
      'content-type': 'application/json',
      'x-amzn-errortype': error,
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  }
}
