import { describe, expect, it } from 'vitest';
import { clientSource } from '../../shared/http/client-source.js';

describe('clientSource: the unit abuse limits count', () => {
  it('is the IPv4 address, also when it arrives IPv4-mapped', () => {
    expect(clientSource('203.0.113.7')).toBe('203.0.113.7');
    expect(clientSource('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientSource('203.0.113.8')).not.toBe(clientSource('203.0.113.7'));
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    const a = clientSource('2001:db8:0:1::1');
    expect(a).toBe('2001:db8:0:1::/64');
    expect(clientSource('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe(a);
    expect(clientSource('2001:db8:0:2::1')).not.toBe(a);
  });

  it('is one shared bucket for anything that is not an address', () => {
    expect(clientSource(undefined)).toBe('unknown');
    expect(clientSource('')).toBe('unknown');
    expect(clientSource('not-an-ip')).toBe('unknown');
  });
});
