/**
 * Random tokens and their hashes.
 *
 * Every bearer secret we mint (sign-in links, invitation links, refresh tokens,
 * client secrets) is 256 bits from the OS CSPRNG. We store only
 * HMAC-SHA256(pepper, token): for a 256-bit random secret a slow password hash
 * buys nothing (there is no dictionary to slow down), while the keyed hash means a
 * leaked table alone cannot even confirm a guessed token. Lookups go by the hash
 * (a DynamoDB key), and where a stored hash is compared we use timingSafeEqual.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { loadPepper } from './key-material.js';

export const newToken = (prefix = ''): string => prefix + randomBytes(32).toString('base64url');

export async function hashToken(token: string): Promise<string> {
  const pepper = await loadPepper();
  return createHmac('sha256', pepper).update(token, 'utf8').digest('base64url');
}

export function hashesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}
