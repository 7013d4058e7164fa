/** Reads the SES emulator's store: what Roster actually sent. */
import { inject } from 'vitest';

export interface SentEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html: string; text: string };
  at: number;
}

export async function allEmails(): Promise<SentEmail[]> {
  const res = await fetch(`${inject('sesEndpoint')}/store`);
  return ((await res.json()) as { emails: SentEmail[] }).emails;
}

const sentTo = (emails: SentEmail[], address: string) =>
  emails.filter((e) => e.destination.to.map((t) => t.toLowerCase()).includes(address.toLowerCase()));

export async function emailsTo(address: string): Promise<SentEmail[]> {
  return sentTo(await allEmails(), address);
}

function lastLinkIn(mails: SentEmail[], address: string, kind: LinkKind): string {
  for (const mail of [...mails].reverse()) {
    const m = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(mail.body.text);
    if (m) return m[1]!;
  }
  throw new Error(`No ${kind} link in mail to ${address}`);
}

type LinkKind = 'auth/email-link' | 'invitations';

/** The last link of the given kind in the newest email to `address`. */
export async function lastLinkTo(address: string, kind: LinkKind): Promise<string> {
  return lastLinkIn(await emailsTo(address), address, kind);
}

/** The last link to each address, read from one look at the mailbox. */
export async function lastLinksTo(addresses: readonly string[], kind: LinkKind): Promise<string[]> {
  const emails = await allEmails();
  return addresses.map((a) => lastLinkIn(sentTo(emails, a), a, kind));
}

/**
 * Every distinct link in an email, from both parts (the text's bare URLs and the HTML's
 * hrefs, unescaped): a test can say that a mail links to exactly one place.
 */
export function linksIn(mail: SentEmail): string[] {
  const fromText = mail.body.text.match(/https?:\/\/[^\s"<>]+/g) ?? [];
  const fromHtml = [...mail.body.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  return [...new Set([...fromText, ...fromHtml])];
}
