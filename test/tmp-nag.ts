import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { CameraFleet, DeviceIdentity } from '../src';
for (const env of [undefined, { account: '111111111111', region: 'eu-west-1' }]) {
  const app = new App();
  for (const p of [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()]) Aspects.of(app).add(p);
  const stack = new Stack(app, 'S', { env });
  const fleet = new CameraFleet(stack, 'Fleet', { namePrefix: 'shop-', encryptionKey: process.argv[2] ? new kms.Key(stack, 'K', { enableKeyRotation: true }) : undefined });
  new DeviceIdentity(stack, 'Devices', { fleet });
  const a = Annotations.fromStack(stack);
  for (const m of [...a.findError('*', Match.anyValue()), ...a.findWarning('*', Match.anyValue())]) console.log(m.id, String(m.entry.data).split('\n')[0].slice(0, 200));
  console.log('---');
}
