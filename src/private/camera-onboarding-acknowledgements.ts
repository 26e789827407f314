import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgeRules, RuleAcknowledgement } from './rule-acknowledgements';

/** The cdk-nag packs, besides AwsSolutions, that users run for compliance. */
const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

function forPacks(packs: string[], rule: string, reason: string): RuleAcknowledgement[] {
  return packs.map((pack) => ({ id: `${pack}-${rule}`, reason }));
}

const cfn = (c: IConstruct | undefined) => c?.node.defaultChild as CfnResource | undefined;

const INLINE_POLICY = 'The policy belongs to this role alone and is created and deleted with it: an inline policy keeps that strict ' +
  'one-to-one relationship (IAM User Guide, "Choosing between managed policies and inline policies").';

const NOT_IN_VPC = 'The function calls public AWS endpoints only (Kinesis Video, AWS IoT, DynamoDB, SQS) and reaches nothing ' +
  'inside a VPC; in a VPC it would need a NAT gateway or interface endpoints that the library cannot assume.';

/** The findings the onboarding's resources carry by design, each with its reason. */
export interface OnboardingParts {
  readonly workerRole: IConstruct;
  readonly worker: IConstruct;
  readonly logGroup: IConstruct;
  readonly table: IConstruct;
  readonly alarms: IConstruct[];
  readonly channels: string;
  readonly streams: string;
  readonly things: string;
  readonly registryEventsRole?: IConstruct;
  /** The function (and its role and log group) of the custom resource that turns registry events on. */
  readonly enabler?: { readonly fn: IConstruct; readonly role: IConstruct; readonly logGroup: IConstruct };
  /** The list function (reads the state table only), its role and log group. */
  readonly lister: { readonly fn: IConstruct; readonly role: IConstruct; readonly logGroup: IConstruct };
}

export function acknowledgeOnboardingFindings(parts: OnboardingParts): void {
  acknowledgeRules(cfn(parts.workerRole)!, [
    {
      id: 'AwsSolutions-IAM5',
      reason: 'The worker creates channels and streams named with the fleet\'s prefix (a camera\'s name is only known at run ' +
        'time) only with the fleet\'s and the onboarding\'s tags (aws:RequestTag, aws:TagKeys), reads them only where the fleet ' +
        'tag holds this fleet\'s id, and changes or deletes them only where the onboarding tag holds this onboarding\'s id; ' +
        'DescribeThing is on the things named with the prefix; ListSignalingChannels and ListThings are wildcard-only actions.',
      findings: [`Resource::${parts.channels}`, `Resource::${parts.streams}`, `Resource::${parts.things}`, 'Resource::*'],
    },
    ...forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy', INLINE_POLICY),
  ]);
  const defaultPolicy = parts.workerRole.node.tryFindChild('DefaultPolicy');
  if (defaultPolicy) {
    acknowledgeRules(cfn(defaultPolicy)!, forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy',
      `${INLINE_POLICY} It holds the event source mapping's SQS actions and the reconciliation's SendMessage, on the onboarding's queue only.`));
  }
  acknowledgeRules(cfn(parts.worker)!, [
    ...forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'LambdaConcurrency',
      'The event source mapping\'s maximum concurrency (maxConcurrency) caps the worker\'s concurrent executions without ' +
      'reserving any: a reservation can make the deployment fail in accounts with a low concurrency quota.'),
    ...forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'LambdaDLQ',
      'The worker\'s input is the onboarding\'s SQS queue, whose redrive policy moves a message to the dead-letter queue after ' +
      '10 receives; a camera that cannot be made gets a dead-letter record (status and reason) in the state table. The ' +
      'scheduled reconciliation holds no data to lose: the next one repeats it.'),
    ...forPacks(COMPLIANCE_PACKS, 'LambdaInsideVPC', NOT_IN_VPC),
  ]);
  acknowledgeRules(cfn(parts.logGroup)!, forPacks(COMPLIANCE_PACKS, 'CloudWatchLogGroupEncrypted',
    'The worker logs camera names, ARNs, statuses and Kinesis Video API errors: no media, no credentials. CloudWatch Logs ' +
    'encrypts every log group at rest with AWS owned keys.'));
  acknowledgeRules(cfn(parts.table)!, forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'DynamoDBInBackupPlan',
    'The table holds the onboarding\'s working state (a status per camera, the budget\'s slots), which the scheduled ' +
    'reconciliation rebuilds from the AWS IoT registry and the resources\' tags; point-in-time recovery is on.'));
  for (const alarm of parts.alarms) {
    acknowledgeRules(cfn(alarm)!, forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'CloudWatchAlarmAction',
      'Where to send the alarm (an SNS topic, an incident tool) is the user\'s choice: addAlarmAction on the alarm.'));
  }
  if (parts.registryEventsRole) {
    acknowledgeRules(cfn(parts.registryEventsRole.node.findChild('DefaultPolicy'))!, forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy',
      `${INLINE_POLICY} It allows the topic rule to send to the onboarding's queue only.`));
  }
  if (parts.enabler) {
    acknowledgeRules(cfn(parts.enabler.role)!, [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'iot:UpdateEventConfigurations is a wildcard-only action (Service Authorization Reference): the account\'s ' +
          'registry event settings are not a resource. The role belongs to the custom resource\'s function alone.',
        findings: ['Resource::*'],
      },
      ...forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy', INLINE_POLICY),
    ]);
    acknowledgeRules(cfn(parts.enabler.fn)!, [
      ...forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'LambdaConcurrency',
        'The function runs only when CloudFormation creates or updates the custom resource that turns registry events on.'),
      ...forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'LambdaDLQ',
        'CloudFormation invokes the function and waits for its answer, which the handler always sends; an event that never ' +
        'reaches it fails the stack operation at the custom resource timeout. There is nothing to dead-letter.'),
      ...forPacks(COMPLIANCE_PACKS, 'LambdaInsideVPC', NOT_IN_VPC),
    ]);
    acknowledgeRules(cfn(parts.enabler.logGroup)!, forPacks(COMPLIANCE_PACKS, 'CloudWatchLogGroupEncrypted',
      'The function logs whether registry events were turned on: no media, no credentials. CloudWatch Logs encrypts every ' +
      'log group at rest with AWS owned keys.'));
  }
  acknowledgeRules(cfn(parts.lister.role)!, forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy', INLINE_POLICY));
  acknowledgeRules(cfn(parts.lister.fn)!, [
    ...forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'LambdaConcurrency',
      'The function only reads the state table, for principals granted grantListCameras; it needs no reserved concurrency.'),
    ...forPacks(['HIPAA.Security', 'NIST.800.53.R5'], 'LambdaDLQ',
      'The function is invoked synchronously and answers the caller; it changes nothing, so there is nothing to dead-letter.'),
    ...forPacks(COMPLIANCE_PACKS, 'LambdaInsideVPC', NOT_IN_VPC),
  ]);
  acknowledgeRules(cfn(parts.lister.logGroup)!, forPacks(COMPLIANCE_PACKS, 'CloudWatchLogGroupEncrypted',
    'The function logs only its own errors: no media, no credentials. CloudWatch Logs encrypts every log group at rest with ' +
    'AWS owned keys.'));
  // cfn-lint W3005: aws-cdk-lib's Function adds a DependsOn on its role, which the Role GetAtt already implies.
  for (const fn of [parts.worker, parts.enabler?.fn, parts.lister.fn]) {
    cfn(fn)?.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } });
  }
}
