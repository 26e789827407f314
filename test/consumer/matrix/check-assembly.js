// Checks the matrix app's cloud assembly (argument: its cdk.out): both stacks, each with the
// library's channels, streams, links, device and viewer identities, camera onboarding and nodejs24.x functions, with the library's rule
// acknowledgements for cdk-nag 2 in the template (cdk-nag 3 reads them from the construct tree,
// which nag/check.ts proves) and cfn-lint's W3005 ignored on the handler.
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

for (const stack of ['CamerasAgnostic', 'CamerasEu']) {
  const file = path.join(out, `${stack}.template.json`);
  if (!fs.existsSync(file)) { failures.push(`${stack}: no template`); continue; }
  const resources = Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {});
  const ofType = (type) => resources.filter(([, r]) => r.Type === type);
  check(ofType('AWS::KinesisVideo::SignalingChannel').length === 3, `${stack}: three signaling channels`);
  check(ofType('AWS::KinesisVideo::Stream').length === 3, `${stack}: three video streams`);
  check(ofType('Custom::KinesisVideoMediaStorageLink').length === 3, `${stack}: three links`);
  check(ofType('AWS::IoT::RoleAlias').length === 1 && ofType('AWS::IoT::Policy').length === 1, `${stack}: the device identity's role alias and IoT policy`);
  check(ofType('AWS::Cognito::IdentityPool').length === 1 && ofType('AWS::Cognito::IdentityPoolPrincipalTag').length === 1
    && ofType('AWS::Cognito::IdentityPoolRoleAttachment').length === 1, `${stack}: the viewer identity's identity pool, principal tags and role attachment`);
  check(ofType('AWS::KinesisVideo::Stream').some(([, r]) => r.Properties.DeviceName === 'front-door-camera'
    && r.Properties.StreamStorageConfiguration?.DefaultStorageTier === 'WARM'), `${stack}: a stream with a device name and the WARM tier`);
  const handlers = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Runtime === 'nodejs24.x');
  // the link handler; the onboarding's worker, listing and registry-events custom resource; the viewer identity's user pool guard
  check(handlers.length === 5, `${stack}: five nodejs24.x functions (link handler, onboarding worker, camera listing, registry events, user pool guard)`);
  check(ofType('AWS::Lambda::EventSourceMapping').length === 1 && ofType('AWS::IoT::TopicRule').length === 1
    && ofType('Custom::AwsIotThingRegistryEvents').length === 1 && ofType('AWS::DynamoDB::Table').length === 1,
  `${stack}: the camera onboarding's event source mapping, topic rule, registry events and state table`);
  for (const [id, r] of handlers) {
    check(JSON.stringify(r.Metadata?.['cfn-lint']) === JSON.stringify({ config: { ignore_checks: ['W3005'] } }), `${stack}/${id}: cfn-lint ignores W3005 only`);
    check((r.Metadata?.cdk_nag?.rules_to_suppress ?? []).length > 0, `${stack}/${id}: cdk_nag acknowledgements`);
  }
}

if (failures.length > 0) {
  for (const f of failures) console.error(`smoke: FAILED: ${f}`);
  process.exit(1);
}
console.log('smoke: OK: the matrix app synthesizes both stacks with the library\'s resources and acknowledgements');
