import { Aws, CustomResource, Stack, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LINK_SCOPE_TAG_KEY, LINK_SCOPE_TAG_PRIORITY, MediaStorageLinkProvider } from './private/media-storage-link-provider';
import { SignalingChannel } from './signaling-channel';
import { IVideoStream } from './video-stream';

/** Properties of a `MediaStorageLink`. */
export interface MediaStorageLinkProps {
  /** The channel whose sessions are recorded, in the link's stack. It is tagged for the link provider. */
  readonly channel: SignalingChannel;
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
    // The channel's tag holds its stack's id, and the provider may change only channels of its own stack.
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

