/**
 * BundledFunction (src/private/bundled-function.ts): the handler bundle named, on Node.js 24,
 * entry `index.handler`, with the SDK's connection reuse on.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BundledFunction } from '../../src/private/bundled-function';

const BUNDLE = 'camera-onboarding/list.lambda';

test('runs the bundle\'s directory (assets/handlers/<bundle>) on nodejs24.x', () => {
  const stack = new Stack(new App(), 'Stack');
  new BundledFunction(stack, 'Fn', { bundle: BUNDLE, environment: { TABLE_NAME: 'State' } });
  // The same directory as an asset of its own: the same content hash, so the same code.
  new lambda.Function(stack, 'Reference', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '../../assets/handlers', BUNDLE)),
  });
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const fn = Object.entries(functions).find(([id]) => id.startsWith('Fn'))![1].Properties;
  const reference = Object.entries(functions).find(([id]) => id.startsWith('Reference'))![1].Properties;
  expect(fn.Code.S3Key).toEqual(reference.Code.S3Key);
  expect(fn).toMatchObject({
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Description: `src/handlers/${BUNDLE}.ts`,
    Environment: { Variables: { TABLE_NAME: 'State', AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1' } },
  });
});

test('the props given win over the default description; the bundle name is not a function property', () => {
  const stack = new Stack(new App(), 'Stack');
  new BundledFunction(stack, 'Fn', { bundle: BUNDLE, description: 'Lists the cameras' });
  const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0].Properties;
  expect(fn.Description).toBe('Lists the cameras');
  expect(JSON.stringify(fn)).not.toContain('"bundle"');
});
