/**
 * The stack's configuration: one typed reader of CDK context (`cdk.json`, or
 * `-c key=value` on the command line), validated, with the production defaults.
 * Nothing here reads the deploying shell's environment: what runs in Lambda is what
 * the context says, so two people deploying the same commit get the same stack.
 *
 * Values given with `-c` arrive as strings and values from cdk.json as JSON, so
 * numbers and booleans are accepted in both forms.
 */
import { z } from 'zod';
import type { Construct } from 'constructs';
import { scheduledWorkers } from '../shared/workers.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const email = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address');
const httpsUrl = z.string()
  .regex(/^https:\/\/[^/\s]+(\/\S*)?$/, 'must be an https:// URL')
  .transform((u) => u.replace(/\/+$/, ''));
/** EventBridge Scheduler accepts rate(), cron() and at(); anything else fails at deploy time, so refuse it at synth. */
const scheduleExpression = z.string().regex(/^(rate|cron|at)\(.+\)$/, 'must be an EventBridge Scheduler expression: rate(…), cron(…) or at(…)');

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Context key → its validation and default. The keys are the context names a deployer types. */
const contextSchema = z.object({
  /** Base URL people see: token issuer (`iss`) and the links in emails. Default: the API's own endpoint. */
  publicUrl: httpsUrl.optional(),
  /** The From address of every email. */
  senderEmail: email,
  /** The sender's domain, verified with Easy DKIM (three CNAME records); without it, only the address is verified. */
  senderDomain: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name').transform((d) => d.toLowerCase()).optional(),
  /** `true`: anyone may sign in with an email link; `false`: only invited people. */
  openSignUp: bool.default(true),
  /** Host products' redirect URIs for the sign-in hand-off (exact strings): a list, or one string separated by commas. */
  allowedRedirectUris: z.union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^\s#]+$/, 'each must be an http(s) URI without a fragment')))
    .default([]),
  /** Optional: subscribed to the alarm topic. */
  alarmEmail: email.optional(),
  /** Whole-API throttle (each route's default), requests per second and burst. */
  apiRateLimit: int(1, 10_000).default(100),
  apiBurstLimit: int(1, 5_000).default(200),
  accessTokenTtlSeconds: int(60, DAY).default(900),
  appAccessTokenTtlSeconds: int(60, DAY).default(HOUR),
  refreshTokenTtlSeconds: int(HOUR, 365 * DAY).default(30 * DAY),
  signInLinkTtlSeconds: int(60, DAY).default(15 * 60),
  signInLinksPerEmailPerHour: int(1, 1000).default(5),
  invitationsPerWorkspacePerDay: int(1, 100_000).default(500),
  workspacesPerUserPerDay: int(1, 10_000).default(10),
  defaultSeats: int(1, 1_000_000).default(10),
  maxBodyBytes: int(1024, 6 * 1024 * 1024).default(256 * 1024),
});

/**
 * One EventBridge Scheduler expression per scheduled worker, under the worker's own
 * context key (shared/workers.ts names it and gives the default).
 */
const schedulesSchema = z.object(Object.fromEntries(
  scheduledWorkers.map((w) => [w.scheduleContext, scheduleExpression.default(w.defaultSchedule)]),
));

export type StackConfig = z.output<typeof contextSchema> & {
  /** Scheduled worker's context key → its schedule expression. */
  schedules: Record<string, string>;
};

/** Every context key the stack reads (for docs and tests). */
export const CONTEXT_KEYS = [...Object.keys(contextSchema.shape), ...scheduledWorkers.map((w) => w.scheduleContext)];

/** Read and validate the stack's configuration from CDK context; every problem is reported at once. */
export function readStackConfig(scope: Construct): StackConfig {
  const raw: Record<string, unknown> = Object.fromEntries(CONTEXT_KEYS.map((k) => [k, scope.node.tryGetContext(k) ?? undefined]));
  const values = contextSchema.refine((c) => !c.senderDomain || c.senderEmail.toLowerCase().endsWith(`@${c.senderDomain}`), {
    path: ['senderDomain'], message: 'senderEmail must be an address at senderDomain',
  }).safeParse(raw);
  const schedules = schedulesSchema.safeParse(raw);
  const issues = [...(values.error?.issues ?? []), ...(schedules.error?.issues ?? [])];
  if (!values.success || !schedules.success) {
    const problems = issues.map((i) => `  -c ${String(i.path[0])}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])])})`);
    throw new Error(`Invalid CDK context (cdk.json or -c key=value):\n${problems.join('\n')}`);
  }
  return { ...values.data, schedules: schedules.data as Record<string, string> };
}

/**
 * The part of every function's environment that comes from configuration (shared/config.ts
 * reads these; in Lambda a missing one fails the cold start). Resource references
 * (table name, key and secret ARNs) are added by the stack.
 */
export function configEnvironment(c: StackConfig): Record<string, string> {
  return {
    // Without publicUrl the stack sets PUBLIC_URL to the API's own endpoint.
    ...(c.publicUrl ? { PUBLIC_URL: c.publicUrl } : {}),
    SENDER_EMAIL: c.senderEmail,
    OPEN_SIGN_UP: String(c.openSignUp),
    ...(c.allowedRedirectUris.length ? { ALLOWED_REDIRECT_URIS: c.allowedRedirectUris.join(',') } : {}),
    ACCESS_TOKEN_TTL_SECONDS: String(c.accessTokenTtlSeconds),
    APP_ACCESS_TOKEN_TTL_SECONDS: String(c.appAccessTokenTtlSeconds),
    REFRESH_TOKEN_TTL_SECONDS: String(c.refreshTokenTtlSeconds),
    SIGN_IN_LINK_TTL_SECONDS: String(c.signInLinkTtlSeconds),
    SIGN_IN_LINKS_PER_EMAIL_PER_HOUR: String(c.signInLinksPerEmailPerHour),
    INVITATIONS_PER_WORKSPACE_PER_DAY: String(c.invitationsPerWorkspacePerDay),
    WORKSPACES_PER_USER_PER_DAY: String(c.workspacesPerUserPerDay),
    DEFAULT_SEATS: String(c.defaultSeats),
    MAX_BODY_BYTES: String(c.maxBodyBytes),
  };
}
