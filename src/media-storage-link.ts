import { Aws, CustomResource, Resource, Stack, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LINK_SCOPE_TAG_KEY, LINK_SCOPE_TAG_PRIORITY, MediaStorageLinkProvider } from './private/media-storage-link-provider';
import { ISignalingChannel } from './signaling-channel';
import { IVideoStream } from './video-stream';

/** Properties of a `MediaStorageLink`. */
export interface MediaStorageLinkProps {
  /**
   * The channel whose sessions are recorded: a `SignalingChannel` of the link's stack, not an
   * imported one. The link tags it so that the stack's link provider may change it.
   */
  readonly channel: ISignalingChannel;
  /** The stream that records them. */
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
    const provider = MediaStorageLinkProvider.getOrCreate(this);
    Tags.of(props.channel).add(LINK_SCOPE_TAG_KEY, Aws.STACK_ID, { priority: LINK_SCOPE_TAG_PRIORITY });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::KinesisVideoMediaStorageLink',
      properties: {
        ChannelArn: props.channel.signalingChannelArn,
        StreamArn: props.stream.videoStreamArn,
      },
    });
  }
}

