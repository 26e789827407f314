import { Template } from 'aws-cdk-lib/assertions';
import { CLOUDFORMATION_LIMITS, IAM_LIMITS, rolePolicySizes } from './util/policy-size';
import { buildCameras, newApp, Scenario } from './util/scenarios';

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
    const one = providerRole(measure('library', 1).sizes);
    const hundred = providerRole(measured.library.sizes);
    expect(hundred).toEqual(one);
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
