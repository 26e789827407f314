import { Annotations, Aws, CustomResource, Duration, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import {
  LINK_FUNCTION_TIMEOUT,
  LINK_SCOPE_TAG_KEY,
  LINK_SCOPE_TAG_PRIORITY,
  MediaStorageLinkProvider,
} from './private/media-storage-link-provider';
import { ISignalingChannel } from './signaling-channel';
import { IVideoStream } from './video-stream';

/** Properties of a `MediaStorageLink`. */
export interface MediaStorageLinkProps {
  /**
   * The channel whose sessions are recorded: a `SignalingChannel` of the link's stack, not an
   * imported one. The link tags it so that the stack's link provider may change it.
   */
  readonly channel: ISignalingChannel;
  /**
   * The stream that records them. A `VideoStream` of the link's stack gets the same tag as the
   * channel, so that a stream already linked to another channel fails the deployment in seconds;
   * an imported stream or one of another stack works too, but such a conflict then fails only
   * after the link has been retried for about five minutes.
   */
  readonly stream: IVideoStream;
}

/**
 * The link from a signaling channel to the video stream that records its sessions
 * (media storage configuration ENABLED). CloudFormation has no property for it, so it is a
 * custom resource, served by one provider per stack.
 *
 * It references both resources, so CloudFormation creates it after them and deletes it
 * before them.
 */
export class MediaStorageLink extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MediaStorageLinkProps) {
    super(scope, id);
    // The channel's tag holds its stack's id, and the provider may change only channels of its
    // own stack: an imported channel cannot be tagged by this stack.
    if (!Resource.isOwnedResource(props.channel)) {
      throw new Error(
        `invalid channel: a MediaStorageLink needs a SignalingChannel defined in its own stack ('${Stack.of(this).node.path}'), ` +
        `got '${props.channel.node.path}', an imported channel, which the link provider cannot tag`,
      );
    }
    if (Stack.of(props.channel) !== Stack.of(this)) {
      throw new Error(
        `invalid channel: a MediaStorageLink must be in the stack of its channel ('${Stack.of(props.channel).node.path}'), ` +
        `got a link in stack '${Stack.of(this).node.path}'`,
      );
    }
    registerLink(this, props.stream);
    const provider = MediaStorageLinkProvider.getOrCreate(this);
    Tags.of(props.channel).add(LINK_SCOPE_TAG_KEY, Aws.STACK_ID, { priority: LINK_SCOPE_TAG_PRIORITY });
    // The same tag on the stream lets the provider read which channel the stream is mapped to, so
    // that a stream linked elsewhere fails in seconds. Only on a stream of this stack: AWS::StackId
    // in another stack's template is that stack's id, which the provider's condition never matches;
    // an imported or foreign stream keeps the slower path (the link is retried until the deadline).
    if (Resource.isOwnedResource(props.stream) && Stack.of(props.stream) === Stack.of(this)) {
      Tags.of(props.stream).add(LINK_SCOPE_TAG_KEY, Aws.STACK_ID, { priority: LINK_SCOPE_TAG_PRIORITY });
    }
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::KinesisVideoMediaStorageLink',
      // The handler always answers before its function times out; should an answer still be lost,
      // CloudFormation gives up a minute later instead of after the default hour.
      serviceTimeout: LINK_SERVICE_TIMEOUT,
      properties: {
        ChannelArn: props.channel.signalingChannelArn,
        StreamArn: props.stream.videoStreamArn,
      },
    });
  }
}


/** How long CloudFormation waits for the link's answer: just above the function's timeout. */
const LINK_SERVICE_TIMEOUT = Duration.seconds(LINK_FUNCTION_TIMEOUT.toSeconds() + 60);

/**
 * "Ingest media" (Kinesis Video Streams WebRTC developer guide): "Signaling channels: maximum of
 * 100 per account with storage configuration enabled".
 */
const STORAGE_ENABLED_CHANNELS_PER_ACCOUNT = 100;

interface AppLinks {
  /** The first link of each stream: keyed by the stream construct, and by its ARN when literal. */
  readonly byStream: Map<IConstruct | string, MediaStorageLink>;
  /** Storage-enabled channels per account and region (`env-agnostic` where either is a token). */
  readonly perEnvironment: Map<string, number>;
}

const LINKS_OF_APP = new WeakMap<IConstruct, AppLinks>();

/**
 * The app-wide checks of a new link. The mapping is one-to-one, so a second link on a stream can
 * only fail at deployment (or worse, take the stream from the first channel on an update): an
 * error now, naming both links. Owned streams are compared by construct; imported ones also by
 * their ARN when it is literal (two imports of the same ARN are the same stream). The account
 * quota of storage-enabled channels is hard: a warning, since channels outside the app count too
 * and an env-agnostic stack may deploy anywhere (env-agnostic stacks are counted together).
 */
function registerLink(link: MediaStorageLink, stream: IVideoStream): void {
  const root = link.node.root;
  let links = LINKS_OF_APP.get(root);
  if (!links) {
    links = { byStream: new Map(), perEnvironment: new Map() };
    LINKS_OF_APP.set(root, links);
  }
  const keys: (IConstruct | string)[] = [stream];
  if (!Token.isUnresolved(stream.videoStreamArn)) {
    keys.push(stream.videoStreamArn);
  }
  for (const key of keys) {
    const first = links.byStream.get(key);
    if (first) {
      throw new Error(
        `invalid stream: video stream '${typeof key === 'string' ? key : stream.node.path}' is already linked by ` +
        `'${first.node.path}'; a stream records exactly one signaling channel (the media storage link is one-to-one), ` +
        `got a second link '${link.node.path}'`,
      );
    }
  }
  keys.forEach((key) => links!.byStream.set(key, link));

  const stack = Stack.of(link);
  const environment = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)
    ? 'env-agnostic'
    : `${stack.account}/${stack.region}`;
  const count = (links.perEnvironment.get(environment) ?? 0) + 1;
  links.perEnvironment.set(environment, count);
  if (count === STORAGE_ENABLED_CHANNELS_PER_ACCOUNT + 1) {
    const where = environment === 'env-agnostic' ? 'env-agnostic stacks (counted together)' : `account ${stack.account}, region ${stack.region}`;
    Annotations.of(link).addWarningV2('cdk-kinesis-video-webrtc:storageEnabledChannelQuota',
      `more than ${STORAGE_ENABLED_CHANNELS_PER_ACCOUNT} signaling channels with media storage enabled in ${where} across the app; ` +
      'Kinesis Video Streams allows "Signaling channels: maximum of 100 per account with storage configuration enabled" ' +
      '(developer guide, "Ingest media"), so links beyond it fail at deployment.');
  }
}
