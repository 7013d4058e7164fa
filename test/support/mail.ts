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

export async function emailsTo(address: string): Promise<SentEmail[]> {
  const res = await fetch(`${inject('sesEndpoint')}/store`);
  const { emails } = (await res.json()) as { emails: SentEmail[] };
  return emails.filter((e) => e.destination.to.map((t) => t.toLowerCase()).includes(address.toLowerCase()));
}

/** The last link of the given kind in the newest email to `address`. */
export async function lastLinkTo(address: string, kind: 'auth/email-link' | 'invitations'): Promise<string> {
  const mails = await emailsTo(address);
  for (const mail of mails.reverse()) {
    const m = new RegExp(`/${kind}/([A-Za-z0-9_-]+)`).exec(mail.body.text);
    if (m) return m[1]!;
  }
  throw new Error(`No ${kind} link in mail to ${address}`);
}
