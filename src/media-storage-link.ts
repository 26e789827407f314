import { Aws, CustomResource, Resource, Stack, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { registerLink } from './private/link-registry';
import { LINK_SERVICE_TIMEOUT, MediaStorageLinkProvider } from './private/media-storage-link-provider';
import { LINK_RESOURCE_TYPE } from './private/media-storage-link-settings';
import { LIBRARY_TAG_PRIORITY, LINK_SCOPE_TAG_KEY } from './private/tags-and-quotas';
import { requireProperties } from './private/validation';
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
 * before them. The mapping is one-to-one: a second link on the same channel or stream anywhere
 * in the app is refused at synthesis.
 */
export class MediaStorageLink extends Construct {
  /** The custom resource. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MediaStorageLinkProps) {
    super(scope, id);
    requireProperties(this, props, { channel: { type: 'ISignalingChannel', required: true }, stream: { type: 'IVideoStream', required: true } });
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
    registerLink(this, props.channel, props.stream);
    const provider = MediaStorageLinkProvider.getOrCreate(this);
    Tags.of(props.channel).add(LINK_SCOPE_TAG_KEY, Aws.STACK_ID, { priority: LIBRARY_TAG_PRIORITY });
    // The same tag on the stream lets the provider read which channel the stream is mapped to, so
    // that a stream linked elsewhere fails in seconds. Only on a stream of this stack: AWS::StackId
    // in another stack's template is that stack's id, which the provider's condition never matches;
    // an imported or foreign stream keeps the slower path (the link is retried until the deadline).
    if (Resource.isOwnedResource(props.stream) && Stack.of(props.stream) === Stack.of(this)) {
      Tags.of(props.stream).add(LINK_SCOPE_TAG_KEY, Aws.STACK_ID, { priority: LIBRARY_TAG_PRIORITY });
    }
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: LINK_RESOURCE_TYPE,
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

