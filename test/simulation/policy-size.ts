/**
 * IAM's size of the policies a template attaches to each role, as IAM will count them after
 * deployment: characters of the policy JSON without white space, with every CloudFormation
 * reference replaced by the longest value it can plausibly take (the longest partition and
 * region names, generated resource names of 128 characters, creation times of 13 digits).
 *
 * Used by the limit tests and by the benchmark (`npx projen bench`).
 */
import { identityPolicies } from '../util/iam-statements';
import { intrinsicOf, resolveIntrinsics } from '../util/intrinsics';
import { CfnResource, CfnTemplate } from '../util/templates';

/** IAM quotas (IAM User Guide, "IAM and AWS STS quotas"). */
export const IAM_LIMITS = {
  /** Aggregate size of all inline policies of a role. */
  inlineCharsPerRole: 10_240,
  /** Size of one managed policy. */
  charsPerManagedPolicy: 6_144,
  /** Managed policies attached to one role (default quota). */
  managedPoliciesPerRole: 10,
};

/** CloudFormation quotas. */
export const CLOUDFORMATION_LIMITS = {
  resources: 500,
  /** Template body uploaded through S3, in bytes. */
  templateBytes: 1_000_000,
};

const PARTITION = 'aws-us-gov';
const REGION = 'ap-southeast-2';
const ACCOUNT = '123456789012';
const LONG_NAME = 'n'.repeat(128);
const CREATION_TIME = '1700000000000';

export interface RolePolicySize {
  /** All inline policies of the role together (the role's own and `AWS::IAM::Policy` resources). */
  readonly inlineChars: number;
  /** Each managed policy attached to the role, by logical id. */
  readonly managedChars: Record<string, number>;
}

type Resources = Record<string, CfnResource>;

/** The policy sizes of every `AWS::IAM::Role` in the template, by logical id. */
export function rolePolicySizes(template: CfnTemplate): Record<string, RolePolicySize> {
  const resources: Resources = template.Resources ?? {};
  const sizeOf = (document: unknown) => JSON.stringify(worstCase(document, resources)).length;
  const policies = identityPolicies(template);

  const result: Record<string, RolePolicySize> = {};
  for (const [roleId, role] of Object.entries(resources)) {
    if (role.Type !== 'AWS::IAM::Role') {
      continue;
    }
    let inlineChars = 0;
    const managedChars: Record<string, number> = {};
    for (const policy of policies.filter(p => p.principals.includes(roleId))) {
      if (policy.sourceType === 'AWS::IAM::ManagedPolicy') {
        managedChars[policy.source] = sizeOf(policy.document);
      } else {
        inlineChars += sizeOf(policy.document);
      }
    }
    // managed policies of other stacks or of AWS: attached, of unknown size
    for (const arn of role.Properties?.ManagedPolicyArns ?? []) {
      const local = intrinsicOf(arn)?.fn === 'Ref' && resources[intrinsicOf(arn)!.arg as string]?.Type === 'AWS::IAM::ManagedPolicy';
      if (!local) managedChars[JSON.stringify(arn)] = 0;
    }
    result[roleId] = { inlineChars, managedChars };
  }
  return result;
}

/** Replaces every intrinsic with the longest plausible value. */
function worstCase(value: unknown, resources: Resources): unknown {
  return resolveIntrinsics(value, {
    ref: (name) => refValue(name, resources),
    getAtt: (logicalId, attribute) => {
      if (attribute !== 'Arn') throw new Error(`no worst case for Fn::GetAtt ${logicalId}.${attribute}`);
      return arnOf(logicalId, resources);
    },
    importValue: () => `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:channel/${LONG_NAME}/${CREATION_TIME}`,
  });
}

function refValue(name: string, resources: Resources): string {
  switch (name) {
    case 'AWS::Partition': return PARTITION;
    case 'AWS::Region': return REGION;
    case 'AWS::AccountId': return ACCOUNT;
    case 'AWS::URLSuffix': return 'amazonaws.com.cn';
    case 'AWS::StackId': return `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${LONG_NAME}/00000000-0000-0000-0000-000000000000`;
    case 'AWS::StackName': return LONG_NAME;
    default: return resources[name]?.Properties?.Name ?? LONG_NAME;
  }
}

function arnOf(logicalId: string, resources: Resources): string {
  const resource = resources[logicalId];
  const name = resource?.Properties?.Name ?? LONG_NAME;
  switch (resource?.Type) {
    case 'AWS::KinesisVideo::SignalingChannel':
      return `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:channel/${name}/${CREATION_TIME}`;
    case 'AWS::KinesisVideo::Stream':
      return `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name}/${CREATION_TIME}`;
    case 'AWS::KMS::Key':
      return `arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
    case 'AWS::Logs::LogGroup':
      return `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${LONG_NAME}:*`;
    default:
      return `arn:${PARTITION}:service:${REGION}:${ACCOUNT}:resource/${LONG_NAME}`;
  }
}
