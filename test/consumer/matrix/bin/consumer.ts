#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib/core';
import { CamerasStack } from '../lib/cameras-stack';
import { addRulePacks } from '../lib/rule-packs';

export function buildApp(app: cdk.App): cdk.Stack[] {
  return [
    // environment-agnostic: one template for any account and region
    new CamerasStack(app, 'CamerasAgnostic'),
    // a literal account and region
    new CamerasStack(app, 'CamerasEu', { env: { account: '111111111111', region: 'eu-west-1' } }),
  ];
}

if (require.main === module) {
  const app = new cdk.App();
  // `cdk synth -c nag=2` or `-c nag=3`: the four packs, as a user turns them on
  addRulePacks(app, app.node.tryGetContext('nag'));
  buildApp(app);
}
