import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CameraFleet, CameraOnboarding, ViewerIdentity } from '../src';
import { CLOUDFORMATION_LIMITS, IAM_LIMITS, rolePolicySizes } from './simulation/policy-size';
import { statementsOfPrincipal } from './util/iam-statements';
import { buildCameras, newApp, Scenario } from '../bench/util';
import { logicalIdOf, newRole } from './util/stacks';

/** Synthesizes `count` cameras and measures what the limits are about. */
function measure(scenario: Scenario, count: number) {
  const stack = buildCameras(newApp(), scenario, count);
  const template = Template.fromStack(stack).toJSON();
  const resources = Object.values<{ Type: string }>(template.Resources);
  const countOf = (type: string) => resources.filter(r => r.Type === type).length;
  return {
    template,
    resourceCount: resources.length,
    templateBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
    cameraResources: countOf('AWS::KinesisVideo::SignalingChannel') + countOf('AWS::KinesisVideo::Stream')
      + countOf('Custom::KinesisVideoMediaStorageLink'),
    /** What the library adds besides the cameras: the link provider. */
    providerResources: Object.keys(template.Resources).filter(id => id.startsWith('KinesisVideoMediaStorageLinkProvider')).length,
    sizes: rolePolicySizes(template),
  };
}

function expectWithinIamLimits(sizes: ReturnType<typeof rolePolicySizes>) {
  for (const [role, size] of Object.entries(sizes)) {
    const managed = Object.values(size.managedChars);
    const report = `${role}: inline ${size.inlineChars}, managed [${managed.join(', ')}]`;
    expect({ report, ok: size.inlineChars <= IAM_LIMITS.inlineCharsPerRole }).toEqual({ report, ok: true });
    expect({ report, ok: managed.every(m => m <= IAM_LIMITS.charsPerManagedPolicy) }).toEqual({ report, ok: true });
    expect({ report, ok: managed.length <= IAM_LIMITS.managedPoliciesPerRole }).toEqual({ report, ok: true });
  }
}

const providerRole = (sizes: ReturnType<typeof rolePolicySizes>) => {
  const ids = Object.keys(sizes).filter(id => id.startsWith('KinesisVideoMediaStorageLinkProviderRole'));
  expect(ids).toHaveLength(1);
  return sizes[ids[0]];
};

/** The provider role's inline policies, as text. */
const providerPolicies = (template: any): string => JSON.stringify(Object.entries<any>(template.Resources)
  .filter(([id, r]) => id.startsWith('KinesisVideoMediaStorageLinkProviderRole') && r.Type === 'AWS::IAM::Role')
  .map(([, r]) => r.Properties.Policies));

describe('100 cameras in one stack', () => {
  let measured: Record<'library' | 'fleet', ReturnType<typeof measure>>;
  beforeAll(() => {
    measured = { library: measure('library', 100), fleet: measure('fleet', 100) };
  });
  const BOTH = ['library', 'fleet'] as const;

  test.each(BOTH)('%s: 3 resources per camera plus a fixed handful', (scenario) => {
    const m = measured[scenario];
    expect(m.cameraResources).toBe(300);
    // the link provider: log group, role, function
    expect(m.providerResources).toBe(3);
    // the rest are the two shared roles and their policies (CDK splits large ones into managed policies)
    expect(m.resourceCount - m.cameraResources - m.providerResources).toBeLessThanOrEqual(2 * (2 + IAM_LIMITS.managedPoliciesPerRole));
  });

  test.each(BOTH)('%s: within CloudFormation limits', (scenario) => {
    const m = measured[scenario];
    expect(m.resourceCount).toBeLessThanOrEqual(CLOUDFORMATION_LIMITS.resources);
    expect(m.templateBytes).toBeLessThanOrEqual(CLOUDFORMATION_LIMITS.templateBytes);
  });

  test.each(BOTH)('%s: every role within IAM limits, at worst-case ARN lengths', (scenario) => {
    expectWithinIamLimits(measured[scenario].sizes);
  });

  test('the link provider role is the same size for 1 and 100 cameras, far below the inline limit', () => {
    const single = measure('library', 1);
    const one = providerRole(single.sizes);
    const hundred = providerRole(measured.library.sizes);
    expect(hundred).toEqual(one);
    // not only the size: the very same statements
    expect(providerPolicies(measured.library.template)).toBe(providerPolicies(single.template));
    // three statements (channels, streams, logs) at worst-case ARN lengths: about 1,300 of 10,240 characters
    expect(hundred.inlineChars).toBeLessThan(IAM_LIMITS.inlineCharsPerRole / 5);
    expect(hundred.managedChars).toEqual({});
  });

  test('fleet grants are the same size for 1 and 100 cameras', () => {
    const one = measure('fleet', 1).sizes;
    expect(Object.keys(measured.fleet.sizes)).toEqual(Object.keys(one));
    for (const role of Object.keys(one)) {
      expect({ role, size: measured.fleet.sizes[role] }).toEqual({ role, size: one[role] });
    }
  });

  test('the hand-written equivalent breaks the inline limit: the reason this library exists', () => {
    const handWritten = measure('hand-written', 100);
    const largestInline = Math.max(...Object.values(handWritten.sizes).map(s => s.inlineChars));
    expect(largestInline).toBeGreaterThan(IAM_LIMITS.inlineCharsPerRole);
  });
});

describe('the policies do not grow with the cameras', () => {
  const ACCOUNT = '111111111111';
  const REGION = 'eu-west-1';

  test('CameraFleet: grantMaster, grantViewer and grantDeviceMaster give the same statements for 1 camera and 100', () => {
    const grantAll = (count: number) => {
      const stack = new Stack(new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } }), 'Shop', { env: { account: ACCOUNT, region: REGION } });
      const fleet = new CameraFleet(stack, 'Fleet');
      for (let i = 0; i < count; i++) fleet.addCamera(`cam-${i}`);
      const role = newRole(stack, 'Role', new iam.ServicePrincipal('credentials.iot.amazonaws.com'));
      fleet.grantMaster(role);
      fleet.grantViewer(role);
      fleet.grantDeviceMaster(role);
      return JSON.stringify(statementsOfPrincipal(Template.fromStack(stack), logicalIdOf(role)).map(s => ({ ...s, source: '' })));
    };
    expect(grantAll(100)).toBe(grantAll(1));
  });

  test('the users\' policy has the same size for 1 camera and for 100, and for 1 and 100 access groups', () => {
    const sizeWith = (cameras: number, groups: number) => {
      const app = new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } });
      const stack = new Stack(app, 'Homes', { env: { account: ACCOUNT, region: REGION } });
      const userPool = new cognito.UserPool(stack, 'Users', { customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) } });
      const userPoolClient = userPool.addClient('App', { writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }) });
      const fleet = new CameraFleet(stack, 'HomesFleet', { namePrefix: 'home-' });
      for (let i = 0; i < cameras; i++) fleet.addCamera(`camera-${i}`, { accessGroup: `group-${i % groups}` });
      const viewers = new ViewerIdentity(stack, 'Viewers', { fleet, userPool, userPoolClient });
      const template = Template.fromStack(stack).toJSON();
      const sizes = rolePolicySizes(template)[logicalIdOf(viewers.role)];
      const statements = Object.values(template.Resources as Record<string, any>)
        .filter(r => r.Type === 'AWS::IAM::ManagedPolicy').flatMap(r => r.Properties.PolicyDocument.Statement);
      return { sizes, statements: statements.length };
    };
    const one = sizeWith(1, 1);
    const hundred = sizeWith(100, 100);
    expect(hundred).toEqual(one);
    expect(one.statements).toBe(2);
    // 1,219 characters at the floor: far below IAM's 6,144 per managed policy, and no inline policy
    expect(one.sizes.inlineChars).toBe(0);
    expect(Object.values(one.sizes.managedChars)).toEqual([expect.any(Number)]);
    expect(Object.values(one.sizes.managedChars)[0]).toBeLessThan(1_500);
  });

  test('the onboarding worker\'s role (access-group tagging included) has the same size for 1 camera and for 100', () => {
    const sizeWith = (cameras: number) => {
      const stack = new Stack(new App({ context: { ...CURRENTLY_RECOMMENDED_FLAGS } }), 'Homes', { env: { account: ACCOUNT, region: REGION } });
      const fleet = new CameraFleet(stack, 'HomesFleet', { namePrefix: 'home-', accessGroup: 'lobby' });
      for (let i = 0; i < cameras; i++) fleet.addCamera(`camera-${i}`, { accessGroup: `group-${i}` });
      const onboarding = new CameraOnboarding(stack, 'Onboarding', { fleet });
      return rolePolicySizes(Template.fromStack(stack).toJSON())[logicalIdOf(onboarding.node.findChild('WorkerRole') as iam.Role)];
    };
    const one = sizeWith(1);
    expect(sizeWith(100)).toEqual(one);
    // inline only (the role's own policy and the queue's default policy), far below IAM's 10,240 per role
    expect(one.managedChars).toEqual({});
    expect(one.inlineChars).toBeLessThan(IAM_LIMITS.inlineCharsPerRole / 2);
  });
});
