import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { STORAGE_ENABLED_CHANNELS_PER_ACCOUNT } from './tags-and-quotas';

/**
 * The links of an app, for the checks that span stacks: a channel and a stream each take part in
 * one link at most (the media storage mapping is one-to-one), and the account quota of
 * storage-enabled channels.
 */


/** The id of the warning given when an app holds more links in one environment than the quota. */
export const STORAGE_ENABLED_CHANNEL_QUOTA_WARNING = 'cdk-kinesis-video-webrtc:storageEnabledChannelQuota';


interface AppLinks {
  /** The first link of each channel: keyed by the channel construct. */
  readonly byChannel: Map<IConstruct, IConstruct>;
  /** The first link of each stream: keyed by the stream construct, and by its ARN when literal. */
  readonly byStream: Map<IConstruct | string, IConstruct>;
  /** Storage-enabled channels per account and region (`env-agnostic` where either is a token). */
  readonly perEnvironment: Map<string, number>;
}

const LINKS_OF_APP = new WeakMap<IConstruct, AppLinks>();

/**
 * The app-wide checks of a new link. A second link on a channel or a stream can only fail at
 * deployment (or worse, take the stream from the first channel on an update): an error now,
 * naming both links. The account quota of storage-enabled channels is hard, but channels outside
 * the app count too and an env-agnostic stack may deploy anywhere: a warning (env-agnostic
 * stacks are counted together).
 *
 * @param link the new link
 * @param channel its channel, always a construct of the link's stack
 * @param stream its stream: owned, or imported (then also compared by its ARN when literal)
 */
export function registerLink(
  link: IConstruct,
  channel: IConstruct,
  stream: IConstruct & { readonly videoStreamArn: string },
): void {
  const root = link.node.root;
  let links = LINKS_OF_APP.get(root);
  if (!links) {
    links = { byChannel: new Map(), byStream: new Map(), perEnvironment: new Map() };
    LINKS_OF_APP.set(root, links);
  }

  const linkOfChannel = links.byChannel.get(channel);
  if (linkOfChannel) {
    throw new Error(
      `invalid channel: signaling channel '${channel.node.path}' is already linked by '${linkOfChannel.node.path}'; ` +
      'a channel records into exactly one stream (the media storage link is one-to-one), ' +
      `got a second link '${link.node.path}'`,
    );
  }
  const streamKeys: (IConstruct | string)[] = [stream];
  if (!Token.isUnresolved(stream.videoStreamArn)) {
    streamKeys.push(stream.videoStreamArn);
  }
  for (const key of streamKeys) {
    const linkOfStream = links.byStream.get(key);
    if (linkOfStream) {
      throw new Error(
        `invalid stream: video stream '${typeof key === 'string' ? key : stream.node.path}' is already linked by ` +
        `'${linkOfStream.node.path}'; a stream records exactly one signaling channel (the media storage link is one-to-one), ` +
        `got a second link '${link.node.path}'`,
      );
    }
  }
  links.byChannel.set(channel, link);
  streamKeys.forEach((key) => links!.byStream.set(key, link));

  const stack = Stack.of(link);
  const environment = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
    ? 'env-agnostic'
    : `${stack.account}/${stack.region}`;
  const count = (links.perEnvironment.get(environment) ?? 0) + 1;
  links.perEnvironment.set(environment, count);
  if (count === STORAGE_ENABLED_CHANNELS_PER_ACCOUNT + 1) {
    const where = environment === 'env-agnostic' ? 'env-agnostic stacks (counted together)' : `account ${stack.account}, region ${stack.region}`;
    Annotations.of(link).addWarningV2(STORAGE_ENABLED_CHANNEL_QUOTA_WARNING,
      `more than ${STORAGE_ENABLED_CHANNELS_PER_ACCOUNT} signaling channels with media storage enabled in ${where} across the app; ` +
      'Kinesis Video Streams allows "Signaling channels: maximum of 100 per account with storage configuration enabled" ' +
      '(developer guide, "Ingest media"), so links beyond it fail at deployment.');
  }
}
