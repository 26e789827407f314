import { Aws, CfnResource, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BundledFunction } from './bundled-function';
import { newHandlerResources } from './handler-resources';
import { LINK_RESOURCE_TYPE, LINKS_IN_STACK_ENV } from './media-storage-link-settings';
import { acknowledgeFunction, acknowledgeRules } from './rule-acknowledgements';
import { LINK_OWNER_TAG_KEY, LINK_SCOPE_TAG_KEY } from './tags-and-quotas';

/**
 * The actions the handler calls on the channel: the link, its read-back, and the read of the
 * owner record (docs/design/link-handler.md, "Ownership").
 */
const LINK_ACTIONS = [
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:ListTagsForResource',
  'kinesisvideo:UpdateMediaStorageConfiguration',
];

/** Writing and removing the owner record: limited to its tag key by `aws:TagKeys`. */
const OWNER_RECORD_ACTIONS = ['kinesisvideo:TagResource', 'kinesisvideo:UntagResource'];

/**
 * The one action the handler calls on the stream, authorized on the stream (Service Authorization
 * Reference): which channel the stream is mapped to, so that a stream already mapped to another
 * channel fails the link in seconds instead of being retried until the deadline.
 */
const STREAM_ACTIONS = ['kinesisvideo:DescribeMappedResourceConfiguration'];


/**
 * The link function's timeout. The handler bounds all its waiting by the remaining time and
 * answers CloudFormation before it; the custom resource's ServiceTimeout is a minute more.
 */
export const LINK_FUNCTION_TIMEOUT = Duration.minutes(5);

/** How long CloudFormation waits for a link's answer: a minute more than the function's timeout. */
export const LINK_SERVICE_TIMEOUT = Duration.seconds(LINK_FUNCTION_TIMEOUT.toSeconds() + 60);

/**
 * The stack's single link provider: a function, its role and its log group, shared by every
 * camera of the stack.
 */
export class MediaStorageLinkProvider extends Construct {
  /** The provider of the stack that holds `scope`, made on first use. */
  public static getOrCreate(scope: Construct): MediaStorageLinkProvider {
    const stack = Stack.of(scope);
    const id = 'KinesisVideoMediaStorageLinkProvider';
    return stack.node.tryFindChild(id) as MediaStorageLinkProvider ?? new MediaStorageLinkProvider(stack, id);
  }

  /** The ARN of the function, as the custom resources' service token. */
  public readonly serviceToken: string;

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    // every channel and stream of the account and region: the tag condition narrows them to this stack's
    const channelArns = Stack.of(this).formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: '*' });
    const streamArns = Stack.of(this).formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: '*' });
    const ownStackOnly = { StringEquals: { [`aws:ResourceTag/${LINK_SCOPE_TAG_KEY}`]: Aws.STACK_ID } };
    const { logGroup, role } = newHandlerResources(this, {
      ids: { logGroup: 'LogGroup', role: 'Role' },
      description: 'Links and unlinks the Kinesis Video signaling channels of this stack to their video streams',
      policyName: 'MediaStorageLink',
      statements: [
        new iam.PolicyStatement({ actions: LINK_ACTIONS, resources: [channelArns], conditions: ownStackOnly }),
        // The owner record only: no other key (the stack tag above stays out of reach).
        new iam.PolicyStatement({
          actions: OWNER_RECORD_ACTIONS,
          resources: [channelArns],
          conditions: {
            ...ownStackOnly,
            'ForAllValues:StringEquals': { 'aws:TagKeys': [LINK_OWNER_TAG_KEY] },
            'Null': { 'aws:TagKeys': 'false' },
          },
        }),
        // Streams of other stacks and imported streams carry no such tag: the read is denied
        // there, and the handler falls back to retrying the link as before.
        new iam.PolicyStatement({ actions: STREAM_ACTIONS, resources: [streamArns], conditions: ownStackOnly }),
      ],
    });

    // cdk-nag's AwsSolutions-IAM5 flags the `channel/*` and `stream/*` resources. It is deliberate:
    // an ARN ends in the resource's creation time, and one statement per camera would grow the
    // policy with every camera. The tag condition is what limits them to this stack's resources.
    acknowledgeRules(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'DescribeMediaStorageConfiguration, UpdateMediaStorageConfiguration and ListTagsForResource (the link, its ' +
        'read-back and its owner record), and TagResource and UntagResource of the owner record\'s tag key only, are ' +
        'allowed on this account and region\'s channels only where the ' +
        `tag ${LINK_SCOPE_TAG_KEY} equals this stack's id, which the library puts on the channels it links; ` +
        'a per-channel resource list would grow with every camera.',
      findings: [`Resource::${channelArns}`],
    }, {
      id: 'AwsSolutions-IAM5',
      reason: 'DescribeMappedResourceConfiguration (read-only: which channel a stream is linked to, so that a stream ' +
        'linked elsewhere fails in seconds) is allowed on this account and region\'s streams only where the ' +
        `tag ${LINK_SCOPE_TAG_KEY} equals this stack's id, which the library puts on the streams of its stack that it links; ` +
        'a per-stream resource list would grow with every camera.',
      findings: [`Resource::${streamArns}`],
    }]);

    const fn = new BundledFunction(this, 'Function', {
      bundle: 'media-storage-link/index.lambda',
      description: 'Links Kinesis Video signaling channels to video streams (cdk-kinesis-video-webrtc)',
      role,
      logGroup,
      timeout: LINK_FUNCTION_TIMEOUT,
      environment: {
        // The links of this stack, which CloudFormation may create or delete together: the handler
        // spreads its retries by it (docs/design/link-handler.md, "Retry schedule"). Counted at synthesis.
        [LINKS_IN_STACK_ENV]: Lazy.string({
          produce: () => String(Stack.of(this).node.findAll()
            .filter((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === LINK_RESOURCE_TYPE).length),
        }),
      },
    });

    acknowledgeFunction({ fn, role, logGroup }, {
      logs: 'The handler logs link requests only (channel and stream ARNs, request ids, Kinesis Video API errors): no media, ' +
        'no credentials. CloudWatch Logs encrypts every log group at rest with AWS owned keys. A customer managed key ' +
        'would need a key policy for the logs service in every stack, and this per-stack provider takes no props to pass one.',
      inlinePolicy: 'The policy belongs to this role alone and is created and deleted with it: an inline policy keeps that strict ' +
        'one-to-one relationship (IAM User Guide, "Choosing between managed policies and inline policies"), where a ' +
        'customer managed policy would add an attachable, separately versioned policy per stack, reused by nothing.',
      concurrency: 'A reservation can make the deployment fail: Lambda keeps 100 unreserved concurrent executions per account, so an ' +
        'account with a low concurrency quota (new accounts: 10) cannot reserve any. The function runs only when ' +
        'CloudFormation creates, updates or deletes a link of this stack.',
      deadLetter: 'CloudFormation invokes the function asynchronously and waits for its answer; the handler answers every event it ' +
        'receives, failures included, and an event that never reaches it fails the stack operation at the custom ' +
        'resource timeout, in the stack events. A dead-letter queue per stack would hold events nobody can still answer.',
      outsideVpc: 'The function calls public AWS endpoints only (the Kinesis Video Streams API, and the CloudFormation response URL ' +
        'in Amazon S3) and reaches nothing inside a VPC; in a VPC it would need a NAT gateway or interface endpoints ' +
        'that the library cannot assume.',
    });

    this.serviceToken = fn.functionArn;
  }
}
