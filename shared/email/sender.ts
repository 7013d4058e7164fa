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

export async function sendEmail(to: string, email: RenderedEmail): Promise<string> {
  const out = await ses.send(new SendEmailCommand({
    FromEmailAddress: config.senderEmail,
    Destination: { ToAddresses: [to] },
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
      },
    },
  }));
  return out.MessageId ?? '';
}
