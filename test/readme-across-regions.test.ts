/**
 * The cameras guide's "Grantees: regions and accounts" example (docs/cameras.md: a roles stack,
 * two regional camera stacks), run as written: the examples' type check only compiles it; this
 * synthesizes it.
 */
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readmeExamples, runExample } from './util/readme';

/** The guide's code block that builds an app of several stacks, run; returns its app. */
function readmeApp(): cdk.App {
  const blocks = readmeExamples('app', 'docs/cameras.md').filter(e => e.source.includes('const app = new App()'));
  expect(blocks).toHaveLength(1);
  return runExample(blocks[0].source, { returns: 'app' });
}

describe('docs/cameras.md: a roles stack and two regional camera stacks', () => {
  let app: cdk.App;
  let stacks: Record<string, cdk.Stack>;

  beforeAll(() => {
    app = readmeApp();
    stacks = Object.fromEntries(app.node.children.filter(cdk.Stack.isStack).map(s => [s.stackName, s]));
  });

  test('it synthesizes three stacks', () => {
    expect(Object.keys(stacks).sort()).toEqual(['Cameras-ap-southeast-2', 'Cameras-eu-west-1', 'Roles']);
    expect(() => app.synth()).not.toThrow();
  });

  test('the roles stack names each region\'s cameras by name, in that region, and imports nothing', () => {
    const roles = JSON.stringify(Template.fromStack(stacks.Roles).toJSON());
    expect(roles).not.toContain('Fn::ImportValue');
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      expect(roles).toContain(`:kinesisvideo:${region}:111122223333:channel/lobby/*`);
      expect(roles).toContain(`:kinesisvideo:${region}:111122223333:stream/lobby/*`);
      const cameras = Template.fromStack(stacks[`Cameras-${region}`]).toJSON();
      const yardNames = Object.entries(cameras.Resources as Record<string, any>)
        .filter(([id, r]) => id.startsWith('Yard') && r.Type.startsWith('AWS::KinesisVideo::'))
        .map(([, r]) => r.Properties.Name);
      expect(yardNames).toHaveLength(2);
      for (const name of yardNames) {
        expect(typeof name).toBe('string');
        expect(roles).toContain(`:kinesisvideo:${region}:111122223333:`);
        expect(roles).toMatch(new RegExp(`:kinesisvideo:${region}:111122223333:(channel|stream)/${name}/\\*`));
      }
    }
  });

  test('the lobby keeps its given names, each camera stack has its link', () => {
    for (const region of ['eu-west-1', 'ap-southeast-2']) {
      const template = Template.fromStack(stacks[`Cameras-${region}`]);
      template.hasResourceProperties('AWS::KinesisVideo::SignalingChannel', { Name: 'lobby' });
      template.hasResourceProperties('AWS::KinesisVideo::Stream', { Name: 'lobby' });
      template.resourceCountIs('Custom::KinesisVideoMediaStorageLink', 2);
    }
  });
});
