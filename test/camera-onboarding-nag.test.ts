/**
 * CameraOnboarding under cdk-nag 2's AwsSolutions, HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1
 * packs: nothing is reported on its resources; what it carries by design is acknowledged, per
 * finding, in the forms of cdk-nag 2 and cdk-nag 3.
 */
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CameraFleet, CameraOnboarding } from '../src';

const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

function findings(options: { env?: boolean; key?: boolean; registryEvents?: boolean } = {}): string[] {
  const app = new App();
  for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) {
    Aspects.of(app).add(pack);
  }
  const stack = new Stack(app, 'Shop', options.env ? { env: { account: '111111111111', region: 'eu-west-1' } } : {});
  const encryptionKey = options.key ? new kms.Key(stack, 'FleetKey', { enableKeyRotation: true }) : undefined;
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey });
  fleet.addCamera('front-door');
  new CameraOnboarding(stack, 'Onboarding', { fleet, registryEvents: options.registryEvents });
  const annotations = Annotations.fromStack(stack);
  const format = (m: SynthesisMessage) => `${m.id} ${String(m.entry.data).split('\n')[0]}`;
  const packs = Match.stringLikeRegexp(`^(${PACKS.map(p => p.replace(/\./g, '\\.')).join('|')})-`);
  return [...annotations.findError('*', packs), ...annotations.findWarning('*', packs)].map(format);
}

test.each([
  ['environment-agnostic', {}],
  ['literal environment', { env: true }],
  ['literal environment, fleet key', { env: true, key: true }],
  ['without registry events', { registryEvents: false }],
])('%s: no finding of any pack', (_, options) => {
  expect(findings(options)).toEqual([]);
});
