import { Aws, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MediaStorageLinkFunction } from '../link-handler/media-storage-link-function';

/**
 * The tag the link puts on its channels. Its value is the id of the channel's stack, and the
 * provider's role may change only channels whose tag holds its own stack's id: the policy
 * stays one statement however many cameras the stack has, and reaches no other stack's channel.
 */
export const LINK_SCOPE_TAG_KEY = 'cdk-kinesis-video-webrtc:stack-id';

/**
 * Above the default priority (100) of `Tags.of(...).add`, so that a user's tag of the same key
 * on a parent scope cannot take the channel out of the provider's reach.
 */
export const LINK_SCOPE_TAG_PRIORITY = 1_000;

/**
 * The actions the handler calls, both authorized on the channel: the link itself, and the read of
 * the channel's link, which makes a repeated event succeed, tells a permanent conflict (the
 * channel linked to another stream) from a resource not ACTIVE yet, and keeps the Delete of a
 * replaced link's old physical id from undoing the new link.
 */
const LINK_ACTIONS = ['kinesisvideo:DescribeMediaStorageConfiguration', 'kinesisvideo:UpdateMediaStorageConfiguration'];

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/**
 * The link function's timeout. The handler bounds all its waiting by the remaining time and
 * answers CloudFormation before it; the custom resource's ServiceTimeout is a minute more.
 */
export const LINK_FUNCTION_TIMEOUT = Duration.minutes(5);

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

  /** The function's role. */
  public readonly role: iam.IRole;

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Links and unlinks the Kinesis Video signaling channels of this stack to their video streams',
      inlinePolicies: {
        MediaStorageLink: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: LINK_ACTIONS,
              resources: [Stack.of(this).formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: '*' })],
              conditions: {
                StringEquals: { [`aws:ResourceTag/${LINK_SCOPE_TAG_KEY}`]: Aws.STACK_ID },
              },
            }),
            new iam.PolicyStatement({
              actions: LOG_ACTIONS,
              resources: [logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });

    // cdk-nag's AwsSolutions-IAM5 flags the `channel/*` resource. It is deliberate: a channel's
    // ARN ends in its creation time, and one statement per channel would grow the policy with
    // every camera. The tag condition is what limits it to this stack's channels. Written as
    // metadata so that the library needs no dependency on cdk-nag.
    (role.node.defaultChild as CfnResource).addMetadata('cdk_nag', {
      rules_to_suppress: [{
        id: 'AwsSolutions-IAM5',
        reason: 'UpdateMediaStorageConfiguration is allowed on this account and region\'s channels only where the ' +
          `tag ${LINK_SCOPE_TAG_KEY} equals this stack's id, which the library puts on the channels it links; ` +
          'a per-channel resource list would grow with every camera.',
        // the channel wildcard only, whether the stack's environment is literal or not
        applies_to: [{ regex: '/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):kinesisvideo:(<AWS::Region>|[a-z]{2}(-[a-z]+)+-[0-9]):(<AWS::AccountId>|\\d{12}):channel\\/\\*$/' }],
      }],
    });

    const fn = new MediaStorageLinkFunction(this, 'Function', {
      description: 'Links Kinesis Video signaling channels to video streams (cdk-kinesis-video-webrtc)',
      role,
      logGroup,
      timeout: LINK_FUNCTION_TIMEOUT,
    });

    this.role = role;
    this.serviceToken = fn.functionArn;
  }
}
