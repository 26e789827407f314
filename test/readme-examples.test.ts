/**
 * The README as a newcomer walks it: every example shows its imports, the examples of one stack
 * combine into one stack without clashing, and the "Getting started" app synthesizes.
 */
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CameraFleet } from '../src';
import { README, declaredNames, readmeExamples, runExample } from './util/readme';

/** Stands in for what an example declares: a role, a key, or the fleet an earlier example made. */
function declaredValue(stack: cdk.Stack, name: string, type: string, line: number, source: string): unknown {
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
        throw new Error(`README line ${line}: 'declare const ${name}: CameraFleet' must name one fleet of an earlier example; found ${fleets.length}`);
      }
      return fleets[0];
    }
    default:
      throw new Error(`README line ${line}: no stand-in for 'declare const ${name}: ${type}'`);
  }
}

describe('README examples', () => {
  test('every TypeScript example shows its import lines (rosetta hoists them above its fixture)', () => {
    const examples = readmeExamples().filter(e => e.fixture !== 'cdk-nag');
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const example of examples) {
      expect({ line: example.line, fixture: example.fixture }).toEqual({ line: example.line, fixture: expect.stringMatching(/^(stack|app)$/) });
      expect({ line: example.line, imports: /^import .* from 'cdk-kinesis-video-webrtc';$/m.test(example.source) })
        .toEqual({ line: example.line, imports: true });
    }
  });

  test('the examples of one stack, run in order in one stack, combine without clashing ids or names', () => {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Readme');
    const examples = readmeExamples('stack');
    for (const example of examples) {
      const declared = Object.fromEntries(declaredNames(example.source)
        .map(({ name, type }) => [name, declaredValue(stack, name, type, example.line, example.source)]));
      try {
        runExample(example.source, { self: stack, declared });
      } catch (e) {
        throw new Error(`README example at line ${example.line}: ${(e as Error).message}`);
      }
    }
    const template = Template.fromStack(stack).toJSON();
    // Two examples that named the same channel or stream would fail at deployment instead.
    for (const type of ['AWS::KinesisVideo::SignalingChannel', 'AWS::KinesisVideo::Stream']) {
      const names = Object.values(template.Resources as Record<string, any>)
        .filter(r => r.Type === type && typeof r.Properties?.Name === 'string')
        .map(r => r.Properties.Name);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(() => app.synth()).not.toThrow();
  });

  test('"Getting started": the stack file synthesizes into a camera, two roles and two outputs', () => {
    const [gettingStarted] = readmeExamples('app').filter(e => e.source.includes('export class MyCamerasStack'));
    expect(gettingStarted).toBeDefined();
    const stackClass = runExample(gettingStarted.source, { returns: 'MyCamerasStack' });
    const app = new cdk.App();
    const template = Template.fromStack(new stackClass(app, 'MyCameras'));
    template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'porch' });
    template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'porch', DataRetentionInHours: 168 });
    template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 1);
    expect(Object.keys(template.toJSON().Outputs)).toEqual(['ChannelName', 'StreamName']);
  });

  test('"Getting started" gives cdk init, the install, cdk bootstrap and cdk deploy, in that order', () => {
    const section = README.slice(README.indexOf('## Getting started'), README.indexOf('## Usage'));
    const steps = ['cdk@2 init app --language typescript', 'npm install cdk-kinesis-video-webrtc', 'lib/my-cameras-stack.ts', 'npx cdk bootstrap', 'npx cdk deploy'];
    const positions = steps.map(step => section.indexOf(step));
    expect(positions.every(p => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
