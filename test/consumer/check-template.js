// Checks the cloud assembly that the consumer smoke test synthesized (argument: its cdk.out).
// Prints one line per failure and exits 1, or one line of success.
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const templates = fs.readdirSync(out).filter((f) => f.endsWith('.template.json'));
if (templates.length !== 1) {
  console.error(`smoke: FAILED: expected 1 template in ${out}, found ${templates.length}`);
  process.exit(1);
}
const templateFile = templates[0];
const template = JSON.parse(fs.readFileSync(path.join(out, templateFile), 'utf8'));
const resources = Object.entries(template.Resources ?? {});
const ofType = (type) => resources.filter(([, r]) => r.Type === type);

const channels = ofType('AWS::KinesisVideo::SignalingChannel');
check(channels.length === 1, `one AWS::KinesisVideo::SignalingChannel (found ${channels.length})`);
check(ofType('AWS::KinesisVideo::Stream').length === 1, 'one AWS::KinesisVideo::Stream');
check(ofType('Custom::KinesisVideoMediaStorageLink').length === 1, 'one Custom::KinesisVideoMediaStorageLink');

// The link handler: a Node.js 24 function whose code is an asset present in the assembly.
const assets = JSON.parse(fs.readFileSync(path.join(out, templateFile.replace(/\.template\.json$/, '.assets.json')), 'utf8'));
const handlers = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Runtime === 'nodejs24.x');
check(handlers.length === 1, `one AWS::Lambda::Function with Runtime nodejs24.x (found ${handlers.length})`);
for (const [id, fn] of handlers) {
  const key = fn.Properties.Code?.S3Key;
  const hash = typeof key === 'string' ? key.replace(/\.zip$/, '') : undefined;
  const asset = hash && assets.files?.[hash];
  check(asset !== undefined, `${id}: its code (${JSON.stringify(key)}) is a file asset of the assembly`);
  if (asset) {
    const dir = path.join(out, asset.source.path);
    check(fs.existsSync(path.join(dir, 'index.js')), `${id}: its asset directory ${asset.source.path} holds index.js`);
  }
}

// grantMaster: kinesisvideo:ConnectAsMaster on the channel itself (Fn::GetAtt …Arn), in a
// policy attached to the device role.
const [channelId] = channels[0] ?? [];
const roleIds = ofType('AWS::IAM::Role').map(([id]) => id).filter((id) => id.startsWith('DeviceRole'));
check(roleIds.length === 1, 'one DeviceRole');
const asList = (x) => (Array.isArray(x) ? x : [x]);
const connectAsMaster = ofType('AWS::IAM::Policy')
  .filter(([, p]) => asList(p.Properties.Roles).some((r) => roleIds.includes(r?.Ref)))
  .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
  .filter((s) => s.Effect === 'Allow' && asList(s.Action).includes('kinesisvideo:ConnectAsMaster'));
check(connectAsMaster.length > 0, 'a statement allowing kinesisvideo:ConnectAsMaster in the DeviceRole\'s policy');
check(
  connectAsMaster.some((s) => asList(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify({ 'Fn::GetAtt': [channelId, 'Arn'] }))),
  `kinesisvideo:ConnectAsMaster on {"Fn::GetAtt": ["${channelId}", "Arn"]}`,
);

if (failures.length > 0) {
  for (const f of failures) console.error(`smoke: FAILED: ${f}`);
  process.exit(1);
}
console.log(`smoke: OK: the packed library synthesizes in a JavaScript CDK app (${templateFile}: ${resources.length} resources, channel, stream, link, nodejs24.x handler asset, ConnectAsMaster on the channel)`);
