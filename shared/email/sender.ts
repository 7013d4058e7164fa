/** Sends a rendered email through SES v2 (the SES emulator in local mode). */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '../config.js';
import type { RenderedEmail } from './templates.js';

const ses = new SESv2Client({
  region: config.region,
  requestHandler: { connectionTimeout: 2000 },
  ...(config.sesEndpoint
    ? { endpoint: config.sesEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {}),
});

/**
 * Text that is safe in a header: control characters (CR and LF above all, which
 * would start a new header) and Unicode line separators become a single space.
 * Subjects carry user-chosen names such as the workspace's.
 */
export function headerText(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').replace(/ {2,}/g, ' ').trim();
}

export async function sendEmail(to: string, email: RenderedEmail): Promise<string> {
  const out = await ses.send(new SendEmailCommand({
    FromEmailAddress: config.senderEmail,
    Destination: { ToAddresses: [to] },
    Content: {
      Simple: {
        Subject: { Data: headerText(email.subject), Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
      },
    },
  }));
  return out.MessageId ?? '';
}
