/**
 * What the media storage link's construct side and its Lambda handler (src/handlers/media-storage-link)
 * must agree on. Plain constants: the handler's bundle imports this file too.
 */

/**
 * The tag on a linked channel that names the link owning the mapping (stack and logical id).
 * The provider's role may set and remove this key only (aws:TagKeys). docs/design/link-handler.md, "Ownership".
 */
export const LINK_OWNER_TAG_KEY = 'cdk-kinesis-video-webrtc:link';

/** The function's environment variable holding the number of links in its stack (they share the quotas). */
export const LINKS_IN_STACK_ENV = 'LINKS_IN_STACK';

/** The CloudFormation type of the link's custom resource. */
export const LINK_RESOURCE_TYPE = 'Custom::KinesisVideoMediaStorageLink';
