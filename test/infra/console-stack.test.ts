/**
 * The Console's deployment: one CloudFront origin for the API and the Console (so the
 * session cookie and `connect-src 'self'` hold), a private bucket read only through
 * origin access control, the Console's CSP on its pages, the SPA rewrite, and
 * cdk-nag clean. Synthesized with the files console/build.ts writes.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONSOLE_CSP, writeSite } from '../../console/build.js';
import { ConsoleStack, SPA_REWRITE } from '../../infra/console-stack.js';
import { RosterStack } from '../../infra/stack.js';
import { readStackConfig } from '../../infra/config.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON is untyped; the assertions check its shape
type Resource = { Type: string; Properties: Record<string, any> };

let app: App;
let resources: Record<string, Resource>;
let siteDir: string;
const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);

beforeAll(async () => {
  app = new App({
    context: { 'aws:cdk:bundling-stacks': [], publicUrl: 'https://roster.test.example', senderEmail: 'sender@test.example' },
    builtinCloudFormationValidation: false,
  });
  // A named environment, as `cdk synth` has one: cdk-nag then names the region in its findings.
  const env = { account: '123456789012', region: 'eu-west-1' };
  const roster = new RosterStack(app, 'RosterTest', readStackConfig(app), { env });
  siteDir = mkdtempSync(join(tmpdir(), 'roster-site-test-'));
  await writeSite(siteDir);
  const stack = new ConsoleStack(app, 'RosterTestConsole', { env, api: roster.api, siteDir });
  resources = Template.fromStack(stack).toJSON().Resources;
});

describe('the Console on the API\'s origin', () => {
  it('the site folder holds the Console and the API reference\'s renderer', () => {
    expect(readdirSync(join(siteDir, 'console'))).toEqual(expect.arrayContaining(['index.html', 'assets']));
    expect(readdirSync(join(siteDir, 'docs'))).toEqual(['redoc.standalone.js']);
  });

  it('one distribution: the API by default (uncached, HTTPS only, the viewer\'s headers but Host), the bucket for /console* and /docs/*', () => {
    const [dist] = ofType('AWS::CloudFront::Distribution');
    const config = dist!.Properties.DistributionConfig;
    const origins = config.Origins as { Id: string; DomainName: unknown; CustomOriginConfig?: { OriginProtocolPolicy: string }; OriginAccessControlId?: unknown; S3OriginConfig?: unknown }[];
    expect(origins).toHaveLength(2);
    const apiOrigin = origins.find((o) => o.CustomOriginConfig)!;
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('ApiEndpoint'); // the HTTP API's own host
    expect(apiOrigin.CustomOriginConfig!.OriginProtocolPolicy).toBe('https-only');
    const siteOrigin = origins.find((o) => o.OriginAccessControlId)!;
    expect(siteOrigin).toBeDefined();

    const def = config.DefaultCacheBehavior;
    expect(def.TargetOriginId).toBe(apiOrigin.Id);
    expect(def.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']));
    expect(def.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(def.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    expect(def.ViewerProtocolPolicy).toBe('https-only');

    const byPath = Object.fromEntries((config.CacheBehaviors as { PathPattern: string; TargetOriginId: string; FunctionAssociations?: unknown[] }[]).map((b) => [b.PathPattern, b]));
    expect(Object.keys(byPath).sort()).toEqual(['/console*', '/docs/*']);
    for (const b of Object.values(byPath)) expect(b.TargetOriginId).toBe(siteOrigin.Id);
    expect(byPath['/console*']!.FunctionAssociations).toHaveLength(1);
    expect(config.Logging).toBeDefined();
  });

  it('the bucket is private: no public access, TLS only, readable by this distribution alone (origin access control)', () => {
    const buckets = ofType('AWS::S3::Bucket');
    for (const b of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    const statements = ofType('AWS::S3::BucketPolicy').flatMap((p) => p.Properties.PolicyDocument.Statement as { Effect: string; Principal?: { Service?: string }; Action: unknown; Condition?: Record<string, Record<string, unknown>> }[]);
    const read = statements.filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(read).toHaveLength(1);
    expect(read[0]!.Action).toBe('s3:GetObject');
    expect(JSON.stringify(read[0]!.Condition?.StringEquals?.['AWS:SourceArn'])).toContain('Distribution');
    expect(statements.filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport')).length).toBeGreaterThanOrEqual(2);
    expect(ofType('AWS::CloudFront::OriginAccessControl')[0]!.Properties.OriginAccessControlConfig.SigningBehavior).toBe('always');
  });

  it('Console pages carry the same CSP local mode sends, HSTS and no framing', () => {
    const [policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy');
    const security = policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toBe(CONSOLE_CSP);
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBe(31_536_000);
  });

  it('the viewer-request function serves index.html for Console pages and the files themselves for assets', () => {
    const [fn] = ofType('AWS::CloudFront::Function');
    expect(fn!.Properties.FunctionCode).toBe(SPA_REWRITE);
    const rewrite = (uri: string) => (runInNewContext(`${SPA_REWRITE}; handler({ request: { uri: ${JSON.stringify(uri)} } })`) as { uri: string }).uri;
    expect(rewrite('/console/workspaces/ws_1/members')).toBe('/console/index.html');
    expect(rewrite('/console')).toBe('/console/index.html');
    expect(rewrite('/console/assets/app-ABC.js')).toBe('/console/assets/app-ABC.js');
  });

  it('deploys the files: hashed assets immutable, index.html revalidated and the Console paths invalidated', () => {
    const deployments = ofType('Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const meta = deployments.map((d) => d.Properties.SystemMetadata?.['cache-control']).sort();
    expect(meta).toEqual(['no-cache', 'public, max-age=31536000, immutable']);
    const index = deployments.find((d) => d.Properties.SystemMetadata['cache-control'] === 'no-cache')!;
    expect(index.Properties.DistributionPaths).toEqual(['/console*']);
  });

  it('AwsSolutions checks pass with only the acknowledged, justified findings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});
