/**
 * The README and the user guides as a newcomer walks them: every example shows its imports and
 * type-checks against the library, the examples of one page combine into one stack without
 * clashing, and the "Getting started" app synthesizes into a camera and its devices' sign-in.
 */
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CameraFleet } from '../src';
import { GUIDES, README, ReadmeExample, compileExamples, declaredNames, readmeExamples, runExample } from './util/readme';

/** Stands in for what an example declares: a role, a key, or the fleet an earlier example made. */
function declaredValue(stack: cdk.Stack, name: string, type: string, example: ReadmeExample): unknown {
  const { line, source } = example;
  switch (type) {
    case 'iam.IRole':
    case 'iam.Role':
      return new iam.Role(stack, `Declared${line}${name}`, { assumedBy: new iam.AccountRootPrincipal() });
    case 'cognito.UserPool':
      return new cognito.UserPool(stack, `Declared${line}${name}`, {
        customAttributes: { accessGroup: new cognito.StringAttribute({ mutable: true }) },
      });
    case 'kms.IKey':
      return new kms.Key(stack, `Declared${line}${name}`);
    case 'CameraFleet': {
      // the fleet of an earlier example, which the example names in quotes
      const fleets = stack.node.findAll().filter((c): c is CameraFleet => c instanceof CameraFleet && source.includes(`'${c.node.id}'`));
      if (fleets.length !== 1) {
        throw new Error(`${example.file} line ${line}: 'declare const ${name}: CameraFleet' must name one fleet of an earlier example; found ${fleets.length}`);
      }
      return fleets[0];
    }
    default:
      throw new Error(`${example.file} line ${line}: no stand-in for 'declare const ${name}: ${type}'`);
  }
}

/** Runs the `stack` examples of a page, in order, in one stack; returns the stack. */
function runPageInOneStack(file: string): cdk.Stack {
  const app = new cdk.App();
  const stack = new cdk.Stack(app, 'Readme');
  for (const example of readmeExamples('stack', file)) {
    const declared = Object.fromEntries(declaredNames(example.source)
      .map(({ name, type }) => [name, declaredValue(stack, name, type, example)]));
    try {
      runExample(example.source, { self: stack, declared });
    } catch (e) {
      throw new Error(`${file}, example at line ${example.line}: ${(e as Error).message}`);
    }
  }
  return stack;
}

const PAGES = ['README.md', ...GUIDES];

describe.each(PAGES)('%s examples', (file) => {
  test('every TypeScript example shows its import lines (rosetta hoists them above its fixture)', () => {
    for (const example of readmeExamples(undefined, file).filter(e => e.fixture !== 'cdk-nag')) {
      expect({ line: example.line, fixture: example.fixture }).toEqual({ line: example.line, fixture: expect.stringMatching(/^(stack|app)$/) });
      expect({ line: example.line, imports: /^import .* from 'cdk-kinesis-video-webrtc';$/m.test(example.source) })
        .toEqual({ line: example.line, imports: true });
    }
  });

  test('the examples of the page, run in order in one stack, combine without clashing ids or names', () => {
    const stack = runPageInOneStack(file);
    const template = Template.fromStack(stack).toJSON();
    // Two examples that named the same channel or stream would fail at deployment instead.
    for (const type of ['AWS::KinesisVideo::SignalingChannel', 'AWS::KinesisVideo::Stream']) {
      const names = Object.values((template.Resources ?? {}) as Record<string, any>)
        .filter(r => r.Type === type && typeof r.Properties?.Name === 'string')
        .map(r => r.Properties.Name);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(() => cdk.App.of(stack)!.synth()).not.toThrow();
  });
});

test('the README has examples of every fixture it documents, and each guide with code has some', () => {
  expect(readmeExamples().filter(e => e.fixture === 'stack').length).toBeGreaterThanOrEqual(8);
  expect(readmeExamples('app')).toHaveLength(1);
  const withTs = GUIDES.filter(file => readmeExamples(undefined, file).length > 0);
  expect(withTs.length).toBeGreaterThanOrEqual(6);
});

// rosetta compiles the README's examples in the build; the guides are not in the jsii assembly,
// so this compiles theirs (and the README's again, as one program: ~20 s).
test('every TypeScript example of the README and the guides type-checks against the library', () => {
  const examples = PAGES.flatMap(file => readmeExamples(undefined, file));
  expect(examples.length).toBeGreaterThanOrEqual(18);
  expect(compileExamples(examples)).toEqual([]);
}, 120_000);

test('the type check catches an example that does not compile', () => {
  const [good] = readmeExamples('stack');
  const broken = { ...good, source: good.source + '\nconst n: number = \'not a number\';\n', line: 0 };
  expect(compileExamples([broken])).toEqual([expect.stringContaining("Type 'string' is not assignable to type 'number'")]);
}, 120_000);

describe('README: Getting started', () => {
  test('the stack file synthesizes into one camera of a fleet, its devices\' sign-in, and three outputs', () => {
    const [gettingStarted] = readmeExamples('app').filter(e => e.source.includes('export class MyCamerasStack'));
    expect(gettingStarted).toBeDefined();
    const stackClass = runExample(gettingStarted.source, { returns: 'MyCamerasStack' });
    const app = new cdk.App();
    const template = Template.fromStack(new stackClass(app, 'MyCamerasStack'));
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'porch' });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'porch', DataRetentionInHours: 168 });
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 1);
    template.hasResourceProperties('AWS::IoT::RoleAlias', { RoleAlias: 'my-cameras' });
    template.resourceCountIs('AWS::IoT::Policy', 1);
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(['ChannelName', 'DevicePolicy', 'RoleAlias']);
  });

  test('its commands run in order: cdk init, the install, the stack, bootstrap, deploy, the certificate, the device', () => {
    const section = README.slice(README.indexOf('## Getting started'), README.indexOf('\n## ', README.indexOf('## Getting started') + 1));
    const steps = ['cdk@2 init app --language typescript', 'npm install ', 'lib/my-cameras-stack.ts', 'npx cdk bootstrap', 'npx cdk deploy',
      'aws iot create-thing --thing-name porch', 'aws iot create-keys-and-certificate', 'aws iot attach-policy', 'aws iot attach-thing-principal',
      'iot:CredentialProvider', '-DIOT_CORE_ENABLE_CREDENTIALS=ON', 'AWS_IOT_CORE_ROLE_ALIAS=my-cameras', 'AWS_IOT_CORE_THING_NAME=porch',
      './samples/kvsWebrtcClientMasterGstSample porch audio-video-storage'];
    const positions = steps.map(step => section.indexOf(step));
    expect(Object.fromEntries(steps.map((step, i) => [step, positions[i] >= 0]))).toEqual(Object.fromEntries(steps.map(step => [step, true])));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // the outputs the commands read are the stack's
    for (const output of ['DevicePolicy']) {
      expect(section).toContain(`output ${output}`);
    }
    expect(section).toContain('--stack-name MyCamerasStack');
  });
});
