import { Aspects, App, IPolicyValidationPlugin, Validations } from 'aws-cdk-lib/core';
import * as nag2 from 'cdk-nag-v2';
import * as nag3 from 'cdk-nag-v3';

/** The rule packs users run, by name, in both majors. */
export const PACKS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'] as const;

export function v2Packs(): nag2.NagPack[] {
  return [new nag2.AwsSolutionsChecks({ verbose: true }), new nag2.HIPAASecurityChecks({ verbose: true }),
    new nag2.NIST80053R5Checks({ verbose: true }), new nag2.PCIDSS321Checks({ verbose: true })];
}

export function v3Packs(app?: App): nag3.NagPack[] {
  return [new nag3.AwsSolutionsChecks(app, { verbose: true }), new nag3.HIPAASecurityChecks(app, { verbose: true }),
    new nag3.NIST80053R5Checks(app, { verbose: true }), new nag3.PCIDSS321Checks(app, { verbose: true })];
}

/** As a user turns them on: cdk-nag 2 as aspects, cdk-nag 3 as validation plugins. */
export function addRulePacks(app: App, major: string | undefined): void {
  if (major === '2') {
    for (const pack of v2Packs()) Aspects.of(app).add(pack);
  } else if (major === '3') {
    Validations.of(app).addPlugins(...(v3Packs(app) as IPolicyValidationPlugin[]));
  } else if (major !== undefined) {
    throw new Error(`context nag must be 2 or 3, got ${JSON.stringify(major)}`);
  }
}
