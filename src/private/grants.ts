import { ResourceEnvironment, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A grant on Kinesis Video channels or streams.
 */
export interface KinesisVideoGrantOptions {
  /** Who receives the permissions. */
  readonly grantee: iam.IGrantable;
  /** The `kinesisvideo:` actions. */
  readonly actions: string[];
  /** The channels or streams. */
  readonly resourceArns: string[];
  /** Conditions of the statement, e.g. a tag condition. */
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** The account and region of the resources. */
  readonly resourceEnv: ResourceEnvironment;
  /** The resources, for error messages, e.g. `signaling channel 'App/Stack/Door'`. */
  readonly description: string;
}

/**
 * The one way the library grants Kinesis Video permissions: a statement in the grantee's
 * identity policy, or an error.
 *
 * Kinesis Video Streams has no resource-based policies (Service Authorization Reference:
 * no `kinesisvideo:*Policy` action; CloudFormation has no policy resource for it), so
 * `iam.Grant.addToPrincipalOrResource` has nothing to fall back on, and a principal of another
 * account can never be given access from here. Both cases used to return a `Grant` that
 * changed nothing; a grant that can never work is bad input, so they throw.
 *
 * Accounts that are tokens (an environment-agnostic stack, `Aws.ACCOUNT_ID`) cannot be compared
 * at synthesis: the account check is skipped then, and CloudFormation's values decide.
 */
export function grantOnKinesisVideo(options: KinesisVideoGrantOptions): iam.Grant {
  const principal = options.grantee.grantPrincipal;
  const principalAccount = principal.principalAccount;
  const resourceAccount = options.resourceEnv.account;
  if (principalAccount !== undefined && isLiteral(principalAccount) && isLiteral(resourceAccount)
    && principalAccount !== resourceAccount) {
    throw new Error(
      `invalid grantee: ${describe(principal)} is in account ${principalAccount}, but ${options.description} is in ` +
      `account ${resourceAccount}. Kinesis Video Streams has no resource-based policies, so only an identity policy ` +
      `in account ${resourceAccount} can grant access to it: grant to a role of account ${resourceAccount} ` +
      `(in a stack of that account) whose trust policy lets the principals of account ${principalAccount} assume it`,
    );
  }

  const grant = iam.Grant.addToPrincipal({
    grantee: options.grantee,
    actions: options.actions,
    resourceArns: options.resourceArns,
    conditions: options.conditions,
  });
  if (!grant.success) {
    throw new Error(
      `invalid grantee: ${describe(principal)} cannot hold an identity policy (no statement could be added to it), ` +
      `and Kinesis Video Streams has no resource-based policies to grant ${options.description} through; ` +
      'grant to an IAM role, user or group instead, e.g. a role that this principal assumes',
    );
  }
  return grant;
}

function isLiteral(value: string | undefined): value is string {
  return value !== undefined && value !== '' && !Token.isUnresolved(value);
}

/** `Stack/Role` for a construct, `ServicePrincipal(lambda.amazonaws.com)` for a principal object. */
function describe(principal: iam.IPrincipal): string {
  return `grantee '${principal.toString()}'`;
}
