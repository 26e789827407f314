import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What a function's role needs to write its own log group (the function makes its streams). */
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** How one of the library's functions is run: its log group, and the role it runs as. */
export interface HandlerResourcesProps {
  /** The construct ids of the log group and the role. */
  readonly ids: { readonly logGroup: string; readonly role: string };
  /** The role's description. */
  readonly description: string;
  /** The name of the role's inline policy. */
  readonly policyName: string;
  /** What the function may do, besides writing its log group (added last). */
  readonly statements: iam.PolicyStatement[];
}

/**
 * The log group (a year of logs, deleted with the stack) and the execution role of one of the
 * library's functions: an inline policy of the role alone, with `statements` and the writes to
 * that log group, and nothing from a managed policy.
 */
export function newHandlerResources(scope: Construct, props: HandlerResourcesProps): { logGroup: logs.LogGroup; role: iam.Role } {
  const logGroup = new logs.LogGroup(scope, props.ids.logGroup, {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, props.ids.role, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
    inlinePolicies: {
      [props.policyName]: new iam.PolicyDocument({
        statements: [...props.statements, new iam.PolicyStatement({ actions: LOG_ACTIONS, resources: [logGroup.logGroupArn] })],
      }),
    },
  });
  return { logGroup, role };
}
