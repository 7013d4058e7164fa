/**
 * Where a request comes from, as abuse limits count it: an IPv4 address, or the
 * /64 of an IPv6 address (one subscriber usually holds a whole /64, so counting
 * single IPv6 addresses would let one host take 2^64 fresh budgets).
 * API Gateway sets `requestContext.http.sourceIp` itself; client headers such as
 * X-Forwarded-For are never trusted for this.
 */
import ipaddr from 'ipaddr.js';

export function clientSource(sourceIp: string | undefined): string {
  if (!sourceIp || !ipaddr.isValid(sourceIp)) return 'unknown';
  const addr = ipaddr.process(sourceIp); // IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes plain IPv4
  if (addr.kind() === 'ipv4') return addr.toString();
  const prefix = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':');
  return `${prefix}::/64`;
}
