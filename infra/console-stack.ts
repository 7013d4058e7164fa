/**
 * The Console on the API's origin: one CloudFront distribution in front of the HTTP
 * API (every path by default, nothing cached, the viewer's headers and cookies passed
 * on) and of a private S3 bucket read through origin access control (`/console*`,
 * `/docs/*`: the files console/build.ts writes). Same origin means the Console's
 * session cookie stays `SameSite=Strict` and its CSP can say `connect-src 'self'`.
 * Set `publicUrl` to this distribution's URL (or a custom domain in front of it).
 */
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods, CachePolicy, Distribution, Function as CloudFrontFunction, FunctionCode, FunctionEventType, HeadersFrameOption,
  HeadersReferrerPolicy, OriginProtocolPolicy, OriginRequestPolicy, PriceClass, ResponseHeadersPolicy, ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { CONSOLE_CSP } from '../console/build.js';

export interface ConsoleStackProps extends StackProps {
  api: HttpApi;
  /** The folder console/build.ts `writeSite` filled (`console/…`, `docs/…`). */
  siteDir: string;
}

/**
 * Console paths that name no file are pages of the single-page app: they get
 * index.html, as local mode does (console/build.ts `fileFor`).
 */
export const SPA_REWRITE = `function handler(event) {
  var r = event.request;
  if (r.uri.indexOf('/console/assets/') !== 0) r.uri = '/console/index.html';
  return r;
}`;

/** How cdk-nag writes a value in a finding: the value when the stack's environment names it, else its pseudo-parameter. */
const known = (value: string, pseudo: string) => (Token.isUnresolved(value) ? pseudo : value);

export class ConsoleStack extends Stack {
  readonly distribution: Distribution;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are written with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket; logging it into itself would loop.' });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const headers = new ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'Roster Console: the CSP local mode also sends',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const site = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const spa = new CloudFrontFunction(this, 'SpaRewrite', {
      comment: 'Console pages are index.html; assets are themselves',
      code: FunctionCode.fromInline(SPA_REWRITE),
    });

    // https://{id}.execute-api.{region}.amazonaws.com → its host name.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Roster: the API and the Console on one origin',
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // Everything the viewer sent but Host (API Gateway routes on its own host name).
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        '/console*': {
          origin: site,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: headers,
          functionAssociations: [{ function: spa, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
        '/docs/*': { origin: site, viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS, cachePolicy: CachePolicy.CACHING_OPTIMIZED },
      },
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'Roster serves workspaces worldwide; no geographic restriction applies.' },
      { id: 'AwsSolutions-CFR2', reason: 'The API behind it throttles at its stage (rate and burst from context); a WAF web ACL is an operator choice documented in docs/deploy.md.' },
      { id: 'AwsSolutions-CFR4', reason: 'Without a custom domain CloudFront serves its default certificate, whose TLS policy cannot be set; attach one (and set its minimum protocol to TLSv1.2_2021) with a custom domain.' },
    );

    // Hashed assets are immutable; index.html is revalidated so a deploy shows at once.
    new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(props.siteDir, { exclude: ['console/index.html'] })],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    new BucketDeployment(this, 'Index', {
      sources: [Source.asset(props.siteDir, { exclude: ['*', '!console/index.html'] })],
      destinationBucket: this.bucket,
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution: this.distribution,
      distributionPaths: ['/console*'],
    });
    // The deployment's own Lambda (a CDK singleton at the stack's root) and its role are CDK's, not ours.
    const deployer = 'CDK\'s BucketDeployment handler copies the asset objects into the site bucket and invalidates this distribution';
    const handler = this.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))!;
    Validations.of(handler).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: `${deployer}; AWSLambdaBasicExecutionRole only writes its logs.` },
      ...['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
        `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${known(this.account, '<AWS::AccountId>')}-${known(this.region, '<AWS::Region>')}/*`,
        `Resource::<${this.getLogicalId(this.bucket.node.defaultChild as never)}.Arn>/*`,
        // cloudfront:CreateInvalidation has no resource-level permission.
        'Resource::*',
      ].map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: `${deployer}: CDK grants these object-level actions on the asset bucket and this site bucket only.` })),
      { id: 'AwsSolutions-L1', reason: `${deployer}; aws-cdk-lib chooses its runtime.` },
    );

    new CfnOutput(this, 'ConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/console/`, description: 'The Console; publicUrl should be https://<this host>' });
  }
}
