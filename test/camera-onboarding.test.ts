/**
 * CameraOnboarding's resources: the queue and its event source mapping, the schedule, the
 * registry events (rule and custom resource), the worker's settings (the fleet's), the state
 * table, metrics and alarms; bad input refused before deployment; and the worker's role, by IAM
 * simulation of the synthesized policies; and the fleet's grants and DeviceIdentity on a
 * run-time camera, simulated.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { FLEET_GRANTS } from './expected-grants';
import { CameraFleet, CameraOnboarding, CameraOnboardingProps, DeviceIdentity, StorageTier } from '../src';
import { errorOf, expectValidationError } from './util/errors';
import { simulatorSignedInAs } from './util/identity-simulation';
import { ACCOUNT, catalogueActions, PolicySimulator, PrincipalRef, REGION, SIMULATED_ENV } from './util/policy-simulation';
import { logicalIdOf, newRole } from './util/stacks';
import { ACCESS_GROUP_TAG_KEY, FLEET_TAG_KEY, LINK_SCOPE_TAG_KEY, ONBOARDING_TAG_KEY } from '../src/private/tags-and-quotas';

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

test('the topic rule selects the created, updated and deleted events of the fleet\'s things only, into the queue', () => {
  build().template.hasResourceProperties('AWS::IoT::TopicRule', {
    TopicRulePayload: Match.objectLike({
      Sql: "SELECT thingName, operation, timestamp FROM '$aws/events/thing/+/+' WHERE startswith(thingName, 'shop-') " +
        "AND (operation = 'CREATED' OR operation = 'UPDATED' OR operation = 'DELETED')",
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

// [test name, the fleet's props (undefined: build's default), the onboarding's props, the worker's settings expected]
test.each<[string, Parameters<typeof build>[0], Parameters<typeof build>[1], Record<string, string>]>([
  ['run-time cameras get the fleet\'s settings', {
    namePrefix: 'shop-',
    retention: Duration.days(30),
    messageTtl: Duration.seconds(30),
    mediaType: 'video/h264',
    storageTier: StorageTier.WARM,
    removalPolicy: RemovalPolicy.DESTROY,
  }, { storageBudget: 42 }, {
    NAME_PREFIX: 'shop-',
    RETENTION_HOURS: '720',
    MESSAGE_TTL_SECONDS: '30',
    MEDIA_TYPE: 'video/h264',
    STORAGE_TIER: 'WARM',
    DELETE_STREAM: 'true',
    STORAGE_BUDGET: '42',
    KMS_KEY_ARN: '',
  }],
  ['defaults: the stack cameras\' defaults, recordings kept, a budget of 100', undefined, undefined, {
    RETENTION_HOURS: '24',
    MESSAGE_TTL_SECONDS: '60',
    MEDIA_TYPE: 'video/h264,audio/aac',
    STORAGE_TIER: '',
    DELETE_STREAM: 'false',
    STORAGE_BUDGET: '100',
    PROVISIONING_GRACE_SECONDS: '3600',
  }],
])('%s', (_name, fleetProps, props, expected) => {
  expect(workerEnv(build(fleetProps, props).template)).toEqual(expect.objectContaining(expected));
});

test('the access group: the thing attribute (accessGroup by default) and the fleet\'s accessGroup as the fallback', () => {
  expect(workerEnv(build().template)).toEqual(expect.objectContaining({
    ACCESS_GROUP_TAG_KEY,
    ACCESS_GROUP_ATTRIBUTE: 'accessGroup',
    DEFAULT_ACCESS_GROUP: '',
  }));
  const { template, onboarding } = build({ namePrefix: 'shop-', accessGroup: 'unassigned' }, { accessGroupAttribute: 'household' });
  expect(onboarding.accessGroupAttribute).toBe('household');
  expect(workerEnv(template)).toEqual(expect.objectContaining({ ACCESS_GROUP_ATTRIBUTE: 'household', DEFAULT_ACCESS_GROUP: 'unassigned' }));
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

test('alarms on failures, the budget, the dead-letter queue and stuck cameras, each saying what to do; metrics in the onboarding\'s namespace and dimension', () => {
  const { template, onboarding, stack } = build();
  template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'Failed', Threshold: 1, AlarmDescription: Match.stringLikeRegexp('read the reason of each FAILED or REFUSED record'),
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'OverBudget', Threshold: 1, AlarmDescription: Match.stringLikeRegexp('delete the things of cameras no longer needed, or raise storageBudget'),
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OnboardingDeadLetterQueue'), 'QueueName'] } }],
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    AlarmDescription: Match.stringLikeRegexp('redrive the dead-letter queue'),
  });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'StuckPending', Threshold: 1, Statistic: 'Maximum', AlarmDescription: Match.stringLikeRegexp('PENDING for more than 1 hour \\(provisioningGrace\\)'),
  });
  expect(onboarding.deadLetterAlarm).toBeDefined();
  expect(onboarding.stuckPendingAlarm).toBeDefined();
  const m = onboarding.metricPending();
  expect([m.namespace, m.metricName, m.statistic]).toEqual(['CdkKinesisVideoWebrtc/CameraOnboarding', 'Pending', 'Maximum']);
  expect(stack.resolve(m.dimensions)).toEqual({ Onboarding: stack.resolve(onboarding.onboardingId) });
  expect(['Onboarded', 'Retired', 'Failed', 'OverBudget', 'StuckPending'].map((n) => (onboarding as any)[`metric${n}`]().metricName))
    .toEqual(['Onboarded', 'Retired', 'Failed', 'OverBudget', 'StuckPending']);
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
  // the list function itself, not `<arn>:*` (it has no versions or aliases), and never the worker
  const invoke = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .find((s: { Action: unknown }) => s.Action === 'lambda:InvokeFunction');
  expect(invoke.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OnboardingList[0-9A-F]{8}$/), 'Arn'] });
});

/**
 * Who may invoke what: the worker only from its queue (an event source mapping, which uses the
 * worker's role) and its schedule (the one resource policy statement); the list function only
 * reads; the registry-events function only answers CloudFormation. A principal granted
 * `grantListCameras` can invoke the list function and nothing else, proven by IAM simulation.
 */
describe('invocation paths that cannot be forged', () => {
  function fixture() {
    const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
    const stack = new Stack(app, 'Shop', { env: SIMULATED_ENV });
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-' });
    const onboarding = new CameraOnboarding(stack, 'Onboarding', { fleet });
    const lister = new iam.Role(stack, 'Lister', { assumedBy: new iam.AccountRootPrincipal() });
    onboarding.grantListCameras(lister);
    const template = Template.fromStack(stack);
    const sim = PolicySimulator.fromStacks(stack);
    const fnArn = (c: { node: { defaultChild?: unknown } } | object) => sim.arnOf('Shop', logicalIdOf(c as any));
    return { stack, onboarding, template, sim, fnArn, lister: { stackName: 'Shop', logicalId: logicalIdOf(lister) } as PrincipalRef };
  }
  const f = fixture();

  test('the only Lambda permission: EventBridge invokes the worker from the reconciliation rule', () => {
    const permissions = Object.values(f.template.findResources('AWS::Lambda::Permission'));
    expect(permissions.map((p) => p.Properties)).toEqual([{
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [expect.stringMatching(/^OnboardingWorker/), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^OnboardingReconciliation/), 'Arn'] },
    }]);
    f.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: Match.stringLikeRegexp('^OnboardingWorker') },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OnboardingQueue[0-9A-F]{8}$'), 'Arn'] },
    });
  });

  test('a principal granted grantListCameras may invoke the list function, not the worker nor the registry-events function', async () => {
    const allowed = async (fn: string) => (await f.sim.evaluate({ principal: f.lister, action: 'lambda:InvokeFunction', resource: fn })).allowed;
    const enabler = f.onboarding.node.findChild('RegistryEventsEnabler');
    expect(await allowed(f.fnArn(f.onboarding.listFunction))).toBe(true);
    expect(await allowed(f.fnArn(f.onboarding.worker))).toBe(false);
    expect(await allowed(f.fnArn(enabler))).toBe(false);
  });

  test('the list function\'s role may only scan the state table (and write its logs)', async () => {
    const role = { stackName: 'Shop', logicalId: logicalIdOf(f.onboarding.node.findChild('ListRole') as iam.Role) } as PrincipalRef;
    const table = f.sim.arnOf('Shop', logicalIdOf(f.onboarding.table as any));
    const can = async (action: string, resource: string) =>
      (await f.sim.evaluate({ principal: role, action, resource }, { strictContext: false })).allowed;
    expect(await can('dynamodb:Scan', table)).toBe(true);
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem']) {
      expect([action, await can(action, table)]).toEqual([action, false]);
    }
    expect(await can('sqs:SendMessage', f.sim.arnOf('Shop', logicalIdOf(f.onboarding.queue as any)))).toBe(false);
    expect(await can('kinesisvideo:CreateSignalingChannel', `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/shop-x/1`)).toBe(false);
    expect(await can('lambda:InvokeFunction', f.fnArn(f.onboarding.worker))).toBe(false);
  });

  test('three functions, three bundles: the worker, the list function and the registry-events function', () => {
    const code = Object.values(f.template.findResources('AWS::Lambda::Function'))
      .filter((r) => /camera onboarding|run-time cameras|registry events/i.test(r.Properties.Description ?? ''))
      .map((r) => r.Properties.Code.S3Key);
    expect(code).toHaveLength(3);
    expect(new Set(code).size).toBe(3);
  });
});

describe('bad input', () => {
  test('a fleet without a name prefix', () => {
    expectValidationError(errorOf(() => build({})), 'namePrefix', "''");
  });
  test('a prefix no thing name can start with', () => {
    expectValidationError(errorOf(() => build({ namePrefix: 'shop.' })), 'namePrefix', 'shop.');
  });
  test.each([-1, 0, 1.5, 101])('storageBudget %p', (budget) => {
    expectValidationError(errorOf(() => build(undefined, { storageBudget: budget })), 'storageBudget', String(budget));
  });
  test('storageBudget above 100 only with a raised storageChannelQuota, and never above it', () => {
    expect(errorOf(() => build(undefined, { storageBudget: 101 })).message).toMatch(/from 1 to 100 .*storageChannelQuota/);
    expect(() => build(undefined, { storageBudget: 150, storageChannelQuota: 200 })).not.toThrow();
    expect(workerEnv(build(undefined, { storageChannelQuota: 200 }).template).STORAGE_BUDGET).toBe('200');
    expectValidationError(errorOf(() => build(undefined, { storageBudget: 201, storageChannelQuota: 200 })), 'storageBudget', '201');
    expectValidationError(errorOf(() => build(undefined, { storageChannelQuota: 99 })), 'storageChannelQuota', '99');
  });
  test('two onboardings of one fleet', () => {
    const { stack, fleet } = build();
    const e = errorOf(() => new CameraOnboarding(stack, 'Again', { fleet }));
    expect(e.message).toBe("invalid fleet: expected a camera fleet with no other onboarding, got fleet 'Shop/Fleet', " +
      "already onboarded by 'Shop/Onboarding' (two workers would make and retire the same cameras), in 'Shop/Again'");
  });
  test.each([
    ['retention', { retention: Duration.hours(0) }],
    ['retention', { retention: Duration.minutes(90) }],
    ['messageTtl', { messageTtl: Duration.seconds(1) }],
    ['mediaType', { mediaType: 'h264' }],
    ['storageTier', { storageTier: 'COLD' as StorageTier }],
  ])('bad fleet default %s: refused at synthesis with addCamera\'s message', (property, defaults) => {
    const stack = new Stack(new App(), 'Shop');
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', ...defaults });
    const fromAddCamera = errorOf(() => fleet.addCamera('door'));
    const fromOnboarding = errorOf(() => new CameraOnboarding(stack, 'Onboarding', { fleet }));
    expect(fromOnboarding.message).toBe(fromAddCamera.message);
    expect(fromOnboarding.message).toMatch(new RegExp(`^invalid ${property}: .* in 'Shop/Fleet'$`));
  });
  test.each([1, 1001])('maxConcurrency %p', (n) => {
    expectValidationError(errorOf(() => build(undefined, { maxConcurrency: n })), 'maxConcurrency', String(n));
  });
  test.each(['', 'access group', 'a'.repeat(129)])('accessGroupAttribute %p', (name) => {
    expectValidationError(errorOf(() => build(undefined, { accessGroupAttribute: name })), 'accessGroupAttribute', `'${name}'`);
  });
});

test('synthesis is deterministic', () => {
  expect(JSON.stringify(build().template.toJSON())).toEqual(JSON.stringify(build().template.toJSON()));
});

/**
 * The app of the simulations: a fleet with an onboarding, the fleet's grants and a DeviceIdentity,
 * and another fleet whose names share the prefix (its cameras must stay out of reach).
 */
function buildSimulatedShop() {
  const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
  const stack = new Stack(app, 'Shop', { env: SIMULATED_ENV });
  const shop = new CameraFleet(stack, 'ShopFleet', { namePrefix: 'shop-' });
  shop.addCamera('front-door');
  const annex = new CameraFleet(stack, 'AnnexFleet', { namePrefix: 'shop-annex-' });
  annex.addCamera('gate');
  const onboarding = new CameraOnboarding(stack, 'Onboarding', { fleet: shop });
  const granted = (id: string, grant: (role: iam.IRole) => unknown) => {
    const role = newRole(stack, id);
    grant(role);
    return role;
  };
  const master = granted('Masters', (role) => shop.grantMaster(role));
  const viewers = granted('Viewers', (role) => shop.grantViewer(role));
  const playback = granted('Playback', (role) => shop.grantPlayback(role));
  const devices = new DeviceIdentity(stack, 'ShopDevices', { fleet: shop });
  const template = Template.fromStack(stack).toJSON();
  const principal = (role: iam.IRole): PrincipalRef => ({ stackName: stack.stackName, logicalId: logicalIdOf(role) });
  return {
    sim: new PolicySimulator([{ stackName: stack.stackName, template }]),
    simulatorForThing: (thingName: string) => simulatorSignedInAs(stack.stackName, template, thingName),
    worker: principal(onboarding.node.findChild('WorkerRole') as iam.Role),
    master: principal(master),
    viewers: principal(viewers),
    playback: principal(playback),
    device: principal(devices.role),
    shopFleetId: shop.fleetId,
    annexFleetId: annex.fleetId,
    onboardingId: onboarding.onboardingId,
  };
}

const f = buildSimulatedShop();
const channel = (name: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:channel/${name}/1700000000000`;
const stream = (name: string) => `arn:aws:kinesisvideo:${REGION}:${ACCOUNT}:stream/${name}/1700000000001`;
const tags = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
/** A camera the onboarding made at run time: the fleet's prefix, the fleet's and the onboarding's tags. */
const RUN_TIME = { name: 'shop-cam-7', tags: tags({ [FLEET_TAG_KEY]: f.shopFleetId, [ONBOARDING_TAG_KEY]: f.onboardingId }) };

/**
 * The worker's role, simulated: it creates only with the fleet's prefix and exactly the fleet's
 * and the onboarding's tags; changes and deletes only the run-time cameras it made: never a camera
 * of the stack, never another fleet's (even one whose names share the prefix), never another
 * onboarding's; and holds no other Kinesis Video action on a run-time camera.
 */
describe('the worker\'s role, simulated', () => {
  /** The other cameras the worker meets, with the tags they carry. */
  const OTHERS = {
    'a camera of the stack': { name: 'shop-front-door', tags: tags({ [FLEET_TAG_KEY]: f.shopFleetId, [LINK_SCOPE_TAG_KEY]: 'x' }) },
    'another fleet\'s camera, same prefix': { name: 'shop-annex-gate', tags: tags({ [FLEET_TAG_KEY]: f.annexFleetId }) },
    'another onboarding\'s camera of the fleet': { name: 'shop-cam-8', tags: tags({ [FLEET_TAG_KEY]: f.shopFleetId, [ONBOARDING_TAG_KEY]: 'Shop/another' }) },
    'an untagged channel with the prefix': { name: 'shop-untagged', tags: {} },
    'a camera outside the prefix, with our tags': { name: 'wh-dock', tags: RUN_TIME.tags },
  };

  const CHANGE_CHANNEL = ['kinesisvideo:DeleteSignalingChannel', 'kinesisvideo:UpdateMediaStorageConfiguration', 'kinesisvideo:DescribeMediaStorageConfiguration'];
  const CHANGE_STREAM = ['kinesisvideo:DeleteStream'];

  async function allowed(action: string, resource: string, context: Record<string, string | string[]>) {
    return (await f.sim.evaluate({ principal: f.worker, action, resource, context }, { strictContext: false })).allowed;
  }

  describe('creates only with the fleet\'s prefix and tags', () => {
    const requestTags = (t: Record<string, string>) => ({
      ...Object.fromEntries(Object.entries(t).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
      'aws:TagKeys': Object.keys(t),
    });
    const ours = { [FLEET_TAG_KEY]: f.shopFleetId, [ONBOARDING_TAG_KEY]: f.onboardingId };
    test.each([
      ['CreateSignalingChannel', channel],
      ['CreateStream', stream],
    ])('%s', async (action, arn) => {
      const a = `kinesisvideo:${action}`;
      expect(await allowed(a, arn('shop-cam-7'), requestTags(ours))).toBe(true);
      expect(await allowed(a, arn('shop-cam-7'), {})).toBe(false);
      expect(await allowed(a, arn('shop-cam-7'), requestTags({ [FLEET_TAG_KEY]: f.shopFleetId }))).toBe(false);
      expect(await allowed(a, arn('shop-cam-7'), requestTags({ ...ours, [FLEET_TAG_KEY]: f.annexFleetId }))).toBe(false);
      expect(await allowed(a, arn('shop-cam-7'), requestTags({ ...ours, extra: 'x' }))).toBe(false);
      expect(await allowed(a, arn('wh-cam-7'), requestTags(ours))).toBe(false);
      // the access group, whatever its value (the thing's attribute), and no other key
      expect(await allowed(a, arn('shop-cam-7'), requestTags({ ...ours, [ACCESS_GROUP_TAG_KEY]: 'smith' }))).toBe(true);
      expect(await allowed(a, arn('shop-cam-7'), requestTags({ ...ours, [ACCESS_GROUP_TAG_KEY]: 'smith', extra: 'x' }))).toBe(false);
    });
  });

  /**
   * The access group's tag: set, changed and removed only on the cameras this onboarding made,
   * never on a stack camera or another fleet's, and no other key than the access group's.
   */
  describe('sets the access-group key only, only on cameras it made', () => {
    const ACTIONS = [
      ['kinesisvideo:TagResource', channel, true],
      ['kinesisvideo:UntagResource', channel, false],
      ['kinesisvideo:TagStream', stream, true],
      ['kinesisvideo:UntagStream', stream, false],
    ] as const;
    const request = (keys: Record<string, string>, withValues: boolean) => ({
      ...(withValues ? Object.fromEntries(Object.entries(keys).map(([k, v]) => [`aws:RequestTag/${k}`, v])) : {}),
      'aws:TagKeys': Object.keys(keys),
    });

    test.each(ACTIONS)('%s: the access group of its own cameras', async (action, arn, withValues) => {
      expect(await allowed(action, arn(RUN_TIME.name), { ...RUN_TIME.tags, ...request({ [ACCESS_GROUP_TAG_KEY]: 'jones' }, withValues) })).toBe(true);
    });

    test.each(ACTIONS)('%s: no other key, not even with the access group', async (action, arn, withValues) => {
      for (const key of [FLEET_TAG_KEY, ONBOARDING_TAG_KEY, LINK_SCOPE_TAG_KEY, 'owner']) {
        expect([key, await allowed(action, arn(RUN_TIME.name), { ...RUN_TIME.tags, ...request({ [key]: 'x' }, withValues) })]).toEqual([key, false]);
        expect([key, await allowed(action, arn(RUN_TIME.name),
          { ...RUN_TIME.tags, ...request({ [ACCESS_GROUP_TAG_KEY]: 'jones', [key]: 'x' }, withValues) })]).toEqual([key, false]);
      }
      // a call that names no key at all is not a change of the access group
      expect(await allowed(action, arn(RUN_TIME.name), RUN_TIME.tags)).toBe(false);
    });

    test.each(Object.entries(OTHERS))('%s: never', async (_, camera) => {
      for (const [action, arn, withValues] of ACTIONS) {
        expect([action, await allowed(action, arn(camera.name), { ...camera.tags, ...request({ [ACCESS_GROUP_TAG_KEY]: 'jones' }, withValues) })])
          .toEqual([action, false]);
      }
    });
  });

  describe('changes and deletes only the run-time cameras it made', () => {
    test('its own: unlink, delete channel, delete stream allowed', async () => {
      for (const action of CHANGE_CHANNEL) {
        expect(await allowed(action, channel(RUN_TIME.name), RUN_TIME.tags)).toBe(true);
      }
      for (const action of CHANGE_STREAM) {
        expect(await allowed(action, stream(RUN_TIME.name), RUN_TIME.tags)).toBe(true);
      }
    });

    test.each(Object.entries(OTHERS))('%s: denied', async (_, camera) => {
      for (const action of CHANGE_CHANNEL) {
        expect([action, await allowed(action, channel(camera.name), camera.tags)]).toEqual([action, false]);
      }
      for (const action of CHANGE_STREAM) {
        expect([action, await allowed(action, stream(camera.name), camera.tags)]).toEqual([action, false]);
      }
    });

    test('reads (describe, tags) only the fleet\'s: a collision with another fleet reads as "taken outside the fleet"', async () => {
      expect(await allowed('kinesisvideo:ListTagsForResource', channel('shop-front-door'), OTHERS['a camera of the stack'].tags)).toBe(true);
      expect(await allowed('kinesisvideo:DescribeSignalingChannel', channel('shop-annex-gate'), OTHERS['another fleet\'s camera, same prefix'].tags)).toBe(false);
      expect(await allowed('kinesisvideo:DescribeStream', stream('wh-dock'), RUN_TIME.tags)).toBe(false);
    });

    test('no other Kinesis Video action on a run-time camera', async () => {
      const actions = await catalogueActions('kinesisvideo');
      const granted: string[] = [];
      for (const action of actions) {
        for (const arn of [channel(RUN_TIME.name), stream(RUN_TIME.name)]) {
          // with a request that tags the access group only (what the tag actions are limited to)
          const context = { ...RUN_TIME.tags, 'aws:TagKeys': [ACCESS_GROUP_TAG_KEY], [`aws:RequestTag/${ACCESS_GROUP_TAG_KEY}`]: 'jones' };
          const decision = await f.sim.evaluate({ principal: f.worker, action, resource: arn, context }, { strictContext: false });
          if (decision.allowed && decision.applicable) {
            granted.push(`${action} ${arn.includes(':channel/') ? 'channel' : 'stream'}`);
          }
        }
      }
      expect(granted.sort()).toEqual([
        'kinesisvideo:DeleteSignalingChannel channel',
        'kinesisvideo:DeleteStream stream',
        'kinesisvideo:DescribeMediaStorageConfiguration channel',
        'kinesisvideo:DescribeSignalingChannel channel',
        'kinesisvideo:DescribeStream stream',
        'kinesisvideo:ListTagsForResource channel',
        'kinesisvideo:ListTagsForStream stream',
        // the access group's tag only (proved below)
        'kinesisvideo:TagResource channel',
        'kinesisvideo:TagStream stream',
        'kinesisvideo:UntagResource channel',
        'kinesisvideo:UntagStream stream',
        'kinesisvideo:UpdateMediaStorageConfiguration channel',
      ]);
      const onEveryResource: string[] = [];
      for (const action of actions) {
        if ((await f.sim.evaluate({ principal: f.worker, action, resource: '*' }, { strictContext: false })).allowed) {
          onEveryResource.push(action);
        }
      }
      // the reconciliation's list (a wildcard-only action)
      expect(onEveryResource).toEqual(['kinesisvideo:ListSignalingChannels']);
    });

    test('reads the registry only for the fleet\'s things', async () => {
      const thing = (name: string) => `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${name}`;
      expect(await allowed('iot:DescribeThing', thing('shop-cam-7'), {})).toBe(true);
      expect(await allowed('iot:DescribeThing', thing('wh-cam-7'), {})).toBe(false);
      expect(await allowed('iot:DeleteThing', thing('shop-cam-7'), {})).toBe(false);
    });
  });
});

/**
 * A camera that CameraOnboarding makes at run time carries the fleet tag, the fleet's prefix and
 * the onboarding's tag: the fleet's grantMaster, grantViewer, grantPlayback and DeviceIdentity
 * cover it with no policy change (the specification: FLEET_GRANTS). The worker's own role is
 * proven above.
 */
describe('CameraFleet and DeviceIdentity on a run-time camera of CameraOnboarding, simulated', () => {
  async function allowed(principal: PrincipalRef, action: string, resource: string, sim = f.sim) {
    return (await sim.evaluate({ principal, action, resource, context: RUN_TIME.tags }, { strictContext: false })).allowed;
  }

  test.each([
    ['grantMaster', () => f.master, FLEET_GRANTS.grantMaster],
    ['grantViewer', () => f.viewers, FLEET_GRANTS.grantViewer],
    ['grantPlayback', () => f.playback, FLEET_GRANTS.grantPlayback],
  ] as const)('%s', async (_, principal, spec) => {
    for (const action of spec.channel ?? []) {
      expect([action, await allowed(principal(), action, channel(RUN_TIME.name))]).toEqual([action, true]);
    }
    for (const action of spec.stream ?? []) {
      expect([action, await allowed(principal(), action, stream(RUN_TIME.name))]).toEqual([action, true]);
    }
  });

  test('DeviceIdentity: the device signed in as the run-time camera\'s thing is its master, of no other', async () => {
    const sim = f.simulatorForThing(RUN_TIME.name);
    const spec = FLEET_GRANTS.grantDeviceMaster;
    for (const action of spec.channel ?? []) {
      expect([action, await allowed(f.device, action, channel(RUN_TIME.name), sim)]).toEqual([action, true]);
      expect([action, await allowed(f.device, action, channel('shop-cam-8'), sim)]).toEqual([action, false]);
    }
    for (const action of spec.stream ?? []) {
      expect([action, await allowed(f.device, action, stream(RUN_TIME.name), sim)]).toEqual([action, true]);
    }
  });

  test('DeviceIdentity: a device cannot change its access group (thing attributes, thing groups, tags) nor anything of the registry', async () => {
    const sim = f.simulatorForThing(RUN_TIME.name);
    const thing = `arn:aws:iot:${REGION}:${ACCOUNT}:thing/${RUN_TIME.name}`;
    const iotActions = await catalogueActions('iot');
    const granted: string[] = [];
    for (const action of iotActions) {
      for (const resource of [thing, '*']) {
        if (await allowed(f.device, action, resource, sim)) {
          granted.push(`${action} ${resource}`);
        }
      }
    }
    // UpdateThing (attributePayload), CreateThing, DeleteThing, AddThingToThingGroup, TagResource...: none
    expect(granted).toEqual([]);
    const withAccessGroup = { ...RUN_TIME.tags, 'aws:TagKeys': [ACCESS_GROUP_TAG_KEY] };
    for (const [action, arn] of [['kinesisvideo:TagResource', channel], ['kinesisvideo:UntagResource', channel], ['kinesisvideo:TagStream', stream],
      ['kinesisvideo:UntagStream', stream]] as const) {
      const decision = await sim.evaluate({ principal: f.device, action, resource: arn(RUN_TIME.name), context: withAccessGroup },
        { strictContext: false });
      expect([action, decision.allowed]).toEqual([action, false]);
    }
  });
});

test('point-in-time recovery through the L1 specification, with no warning from aws-cdk-lib', () => {
  const { stack, template } = build();
  template.hasResourceProperties('AWS::DynamoDB::Table', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
  Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
});

test('no deprecated aws-cdk-lib API is used (JSII_DEPRECATED=fail makes any use throw)', () => {
  const before = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = 'fail';
  try {
    const stack = new Stack(new App(), 'Shop');
    const key = new kms.Key(stack, 'Key');
    const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey: key, retention: Duration.days(7) });
    fleet.addCamera('door');
    new CameraOnboarding(stack, 'Onboarding', { fleet, reconciliationInterval: Duration.minutes(5), provisioningGrace: Duration.minutes(30) })
      .grantListCameras(new iam.Role(stack, 'Backend', { assumedBy: new iam.AccountRootPrincipal() }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  } finally {
    if (before === undefined) delete process.env.JSII_DEPRECATED; else process.env.JSII_DEPRECATED = before;
  }
});
