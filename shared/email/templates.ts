/**
 * Every email Roster sends: a subject, a text part and an HTML part, with links
 * built from PUBLIC_URL. Templates are pure functions of their data. A link a person
 * follows lands on a page: the sign-in and invitation links on their confirmation
 * pages (GET never consumes), every other on a Console page (`/console/…`), which
 * survives the sign-in round trip — never on a bearer-protected JSON route.
 */
import { config } from '../config.js';
import { escapeHtml as e } from '../html.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const layout = (inner: string) => `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2933;max-width:560px;margin:0 auto;padding:24px">${inner}
<p style="color:#616e7c;font-size:12px;margin-top:32px">Sent by Roster. If you did not expect this email you can ignore it.</p></body></html>`;

const button = (href: string, label: string) =>
  `<p><a href="${e(href)}" style="display:inline-block;background:#2f6fed;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">${e(label)}</a></p><p style="font-size:12px;color:#616e7c">Or open: ${e(href)}</p>`;

type Data = Record<string, unknown>;

/** "15 minutes", "1 hour", "90 seconds": a configured lifetime as a reader would say it. */
export function lifetimeText(seconds: number): string {
  const [n, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
const str = (d: Data, k: string) => String(d[k] ?? '');

export const templates: Record<string, (d: Data) => RenderedEmail> = {
  'sign-in-link': (d) => {
    const url = `${config.publicUrl}/auth/email-link/${str(d, 'token')}`;
    // The lifetime the link was given when it was requested.
    const lifetime = lifetimeText(Number(d.lifetimeSeconds ?? config.signInLinkTtlSeconds));
    return {
      subject: 'Your Roster sign-in link',
      text: `Use this link to sign in to Roster. It works once and expires in ${lifetime}.\n\n${url}\n`,
      html: layout(`<h1 style="font-size:20px">Sign in to Roster</h1><p>This link works once and expires in ${lifetime}.</p>${button(url, 'Sign in')}`),
    };
  },
  invitation: (d) => {
    const url = `${config.publicUrl}/invitations/${str(d, 'token')}`;
    return {
      subject: `${str(d, 'inviterName')} invited you to ${str(d, 'workspaceName')}`,
      text: `${str(d, 'inviterName')} invited you to join the workspace "${str(d, 'workspaceName')}" as ${str(d, 'roleName')}.\n\nAccept the invitation: ${url}\n\nThe link works once and expires on ${str(d, 'expiresAt')}.\n`,
      html: layout(`<h1 style="font-size:20px">Join ${e(str(d, 'workspaceName'))}</h1><p>${e(str(d, 'inviterName'))} invited you to join <b>${e(str(d, 'workspaceName'))}</b> as ${e(str(d, 'roleName'))}.</p>${button(url, 'Accept invitation')}<p style="font-size:12px;color:#616e7c">The link works once and expires on ${e(str(d, 'expiresAt'))}.</p>`),
    };
  },
  'member-deactivated': (d) => ({
    subject: `Your access to ${str(d, 'workspaceName')} was deactivated`,
    text: `The workspace "${str(d, 'workspaceName')}" has fewer licences than members, so your membership was deactivated. An administrator can reactivate you when a seat is free.\n`,
    html: layout(`<h1 style="font-size:20px">Membership deactivated</h1><p>The workspace <b>${e(str(d, 'workspaceName'))}</b> has fewer licences than members, so your membership was deactivated. An administrator can reactivate you when a seat is free.</p>`),
  }),
  'admin-members-deactivated': (d) => {
    const names = (d.members as string[] | undefined) ?? [];
    // `members` may be the first names only (an email stays small); `total` is the full count.
    const total = typeof d.total === 'number' ? d.total : names.length;
    const more = total > names.length ? `…and ${total - names.length} more` : '';
    const url = `${config.publicUrl}/console/workspaces/${str(d, 'workspaceId')}/members?status=deactivated`;
    return {
      subject: `${total} member(s) of ${str(d, 'workspaceName')} were deactivated`,
      text: `Seat reconciliation deactivated ${total} member(s) of "${str(d, 'workspaceName')}" because the workspace has ${str(d, 'seatLimit')} licence(s):\n${[...names, ...(more ? [more] : [])].map((n) => `- ${n}`).join('\n')}\n\nReview: ${url}\n`,
      html: layout(`<h1 style="font-size:20px">Members deactivated</h1><p>Seat reconciliation deactivated these members of <b>${e(str(d, 'workspaceName'))}</b> (licences: ${e(str(d, 'seatLimit'))}):</p><ul>${names.map((n) => `<li>${e(n)}</li>`).join('')}${more ? `<li>${e(more)}</li>` : ''}</ul>${button(url, 'Review members')}`),
    };
  },
  'integration-shared': (d) => {
    const url = `${config.publicUrl}/console/workspaces/${str(d, 'workspaceId')}/integrations/${str(d, 'integrationId')}`;
    return {
      subject: `${str(d, 'sharedByName')} shared the integration "${str(d, 'integrationName')}" with you`,
      text: `${str(d, 'sharedByName')} gave you ${str(d, 'as')} access to the integration "${str(d, 'integrationName')}" in ${str(d, 'workspaceName')}.\n\nOpen it: ${url}\n`,
      html: layout(`<h1 style="font-size:20px">An integration was shared with you</h1><p>${e(str(d, 'sharedByName'))} gave you ${e(str(d, 'as'))} access to <b>${e(str(d, 'integrationName'))}</b> in ${e(str(d, 'workspaceName'))}.</p>${button(url, 'Open integration')}`),
    };
  },
  'app-added': (d) => {
    const url = `${config.publicUrl}/console/workspaces/${str(d, 'workspaceId')}/my-apps/${str(d, 'appId')}`;
    return {
      subject: `${str(d, 'adminName')} added ${str(d, 'appName')} for you`,
      text: `${str(d, 'adminName')} added the app "${str(d, 'appName')}" to your account in ${str(d, 'workspaceName')}. Authorize it to finish the installation:\n\n${url}\n`,
      html: layout(`<h1 style="font-size:20px">${e(str(d, 'appName'))} was added for you</h1><p>${e(str(d, 'adminName'))} added the app <b>${e(str(d, 'appName'))}</b> to your account in ${e(str(d, 'workspaceName'))}. Authorize it to finish the installation.</p>${button(url, 'Authorize app')}`),
    };
  },
};

export function render(template: string, data: Data): RenderedEmail {
  const t = templates[template];
  if (!t) throw new Error(`Unknown email template ${template}`);
  return t(data);
}
