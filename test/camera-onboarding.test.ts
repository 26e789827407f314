/**
 * CameraOnboarding's resources: the queue and its event source mapping, the schedule, the
 * registry events (rule and custom resource), the worker's settings (the fleet's), the state
 * table, metrics and alarms; and bad input refused before deployment.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CameraFleet, CameraOnboarding, CameraOnboardingProps, StorageTier } from '../src';
import { errorOf, expectValidationError } from './util/errors';

function build(fleetProps: ConstructorParameters<typeof CameraFleet>[2] = { namePrefix: 'shop-' }, props: Partial<CameraOnboardingProps> = {}) {
  const stack = new Stack(new App(), 'Shop');
  const fleet = new CameraFleet(stack, 'Fleet', fleetProps);
  const onboarding = new CameraOnboarding(stack, 'Onboarding', { fleet, ...props });
  return { stack, fleet, onboarding, get template() { return Template.fromStack(stack); } };
}

const workerEnv = (template: Template) => {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { NAME_PREFIX: Match.anyValue() } } } });
  return Object.values(fns)[0].Properties.Environment.Variables;
};

test('the queue feeds the worker in batches of 10, with partial failures and a concurrency cap', () => {
  const { template } = build(undefined, { maxConcurrency: 7 });
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: 10,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 7 },
  });
  template.hasResourceProperties('AWS::SQS::Queue', {
    VisibilityTimeout: 720,
    RedrivePolicy: { maxReceiveCount: 10, deadLetterTargetArn: Match.anyValue() },
  });
});

test('the schedule reconciles every 15 minutes by default', () => {
  build().template.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(15 minutes)',
    Targets: [Match.objectLike({ Input: '{"action":"reconcile"}' })],
  });
  build(undefined, { reconciliationInterval: Duration.hours(1) }).template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
});

test('the topic rule selects the created and deleted events of the fleet\'s things only, into the queue', () => {
  build().template.hasResourceProperties('AWS::IoT::TopicRule', {
    TopicRulePayload: Match.objectLike({
      Sql: "SELECT thingName, operation, timestamp FROM '$aws/events/thing/+/+' WHERE startswith(thingName, 'shop-') AND (operation = 'CREATED' OR operation = 'DELETED')",
      Actions: [{ Sqs: Match.objectLike({ QueueUrl: Match.anyValue(), RoleArn: Match.anyValue() }) }],
    }),
  });
});

test('registry events are turned on by a custom resource; without them, no rule and no custom resource', () => {
  build().template.resourceCountIs('Custom::AwsIotThingRegistryEvents', 1);
  const off = build(undefined, { registryEvents: false }).template;
  off.resourceCountIs('Custom::AwsIotThingRegistryEvents', 0);
  off.resourceCountIs('AWS::IoT::TopicRule', 0);
});

test('the custom resource\'s role may only turn registry events on (and write its logs)', () => {
  const { template } = build();
  template.hasResourceProperties('AWS::IAM::Role', {
    Policies: [{
      PolicyName: 'RegistryEvents',
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 'iot:UpdateEventConfigurations', Resource: '*' }),
          Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        ],
      },
    }],
  });
});

test('run-time cameras get the fleet\'s settings', () => {
  const { template } = build({
    namePrefix: 'shop-',
    retention: Duration.days(30),
    messageTtl: Duration.seconds(30),
    mediaType: 'video/h264',
    storageTier: StorageTier.WARM,
    removalPolicy: RemovalPolicy.DESTROY,
  }, { storageBudget: 42 });
  expect(workerEnv(template)).toEqual(expect.objectContaining({
    NAME_PREFIX: 'shop-',
    RETENTION_HOURS: '720',
    MESSAGE_TTL_SECONDS: '30',
    MEDIA_TYPE: 'video/h264',
    STORAGE_TIER: 'WARM',
    DELETE_STREAM: 'true',
    STORAGE_BUDGET: '42',
    KMS_KEY_ARN: '',
  }));
});

test('defaults: the stack cameras\' defaults, recordings kept, a budget of 100', () => {
  expect(workerEnv(build().template)).toEqual(expect.objectContaining({
    RETENTION_HOURS: '24',
    MESSAGE_TTL_SECONDS: '60',
    MEDIA_TYPE: 'video/h264,audio/aac',
    STORAGE_TIER: '',
    DELETE_STREAM: 'false',
    STORAGE_BUDGET: '100',
    PROVISIONING_GRACE_SECONDS: '3600',
  }));
});

test('a fleet key is named to the worker for CreateStream, and the worker gets no KMS permission', () => {
  const stack = new Stack(new App(), 'Shop');
  const key = new kms.Key(stack, 'Key');
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey: key });
  new CameraOnboarding(stack, 'Onboarding', { fleet });
  const template = Template.fromStack(stack);
  expect(workerEnv(template).KMS_KEY_ARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
  expect(JSON.stringify(template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('run-time cameras') } })))
    .not.toContain('kms:');
  expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('kms:');
});

test('alarms on failures and on the budget, and metrics in the onboarding\'s namespace and dimension', () => {
  const { template, onboarding, stack } = build();
  template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Failed', Threshold: 1 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'OverBudget', Threshold: 1 });
  const m = onboarding.metricPending();
  expect([m.namespace, m.metricName, m.statistic]).toEqual(['CdkKinesisVideoWebrtc/CameraOnboarding', 'Pending', 'Maximum']);
  expect(stack.resolve(m.dimensions)).toEqual({ Onboarding: stack.resolve(onboarding.onboardingId) });
  expect(['Onboarded', 'Retired', 'Failed', 'OverBudget'].map((n) => (onboarding as any)[`metric${n}`]().metricName)).toEqual(['Onboarded', 'Retired', 'Failed', 'OverBudget']);
});

test('grantSendCameraNames and grantListCameras', () => {
  const { stack, onboarding } = build();
  const backend = new iam.Role(stack, 'Backend', { assumedBy: new iam.AccountRootPrincipal() });
  onboarding.grantSendCameraNames(backend);
  onboarding.grantListCameras(backend);
  const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('Backend'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement.map((s: { Action: unknown }) => s.Action));
  expect(statements).toEqual([['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], 'lambda:InvokeFunction']);
  // the worker itself, not `<arn>:*` (it has no versions or aliases)
  const invoke = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .find((s: { Action: unknown }) => s.Action === 'lambda:InvokeFunction');
  expect(invoke.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OnboardingWorker/), 'Arn'] });
});

describe('bad input', () => {
  test('a fleet without a name prefix', () => {
    expectValidationError(errorOf(() => build({})), 'namePrefix', "''");
  });
  test('a prefix no thing name can start with', () => {
    expectValidationError(errorOf(() => build({ namePrefix: 'shop.' })), 'namePrefix', 'shop.');
  });
  test.each([-1, 1.5])('storageBudget %p', (budget) => {
    expectValidationError(errorOf(() => build(undefined, { storageBudget: budget })), 'storageBudget', String(budget));
  });
  test.each([1, 1001])('maxConcurrency %p', (n) => {
    expectValidationError(errorOf(() => build(undefined, { maxConcurrency: n })), 'maxConcurrency', String(n));
  });
});

test('synthesis is deterministic', () => {
  expect(JSON.stringify(build().template.toJSON())).toEqual(JSON.stringify(build().template.toJSON()));
});
