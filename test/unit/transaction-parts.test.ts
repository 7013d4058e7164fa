/**
 * Transaction part names: every data module declares its own, none twice, and a
 * transaction with a name nobody declared never reaches DynamoDB. The domain can
 * only match a failure on a declared constant (a bare string does not compile).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { partDeclarations, transact, TransactionConflict, type PartName } from '../../shared/data/core.js';
import { WorkspacePart, takeSeatPart } from '../../shared/data/workspaces.js';
import { ConcurrentModificationError } from '../../shared/errors.js';

const dataDir = join(import.meta.dirname, '../../shared/data');

describe('transaction part names', () => {
  it('are declared once each, across every data module', async () => {
    for (const file of readdirSync(dataDir).filter((f) => f.endsWith('.ts'))) await import(join(dataDir, file));
    const twice = (m: Map<string, number>) => [...m].filter(([, n]) => n > 1).map(([name]) => name);
    expect(twice(partDeclarations.names)).toEqual([]);
    expect(twice(partDeclarations.families)).toEqual([]);
    // A fixed name inside a family's space would be matched by both.
    const families = [...partDeclarations.families.keys()];
    expect([...partDeclarations.names.keys()].filter((n) => families.some((f) => n.startsWith(`${f}:`)))).toEqual([]);
    expect(partDeclarations.names.size).toBeGreaterThan(20);
  });

  it('a part with an undeclared name is refused before anything is written', async () => {
    const forged = { ...takeSeatPart('ws_never', new Date().toISOString()), name: 'seats' as PartName };
    await expect(transact([forged])).rejects.toThrow('Undeclared transaction part names: seats');
  });

  it('the domain matches a failure on the exported constant; a bare string does not compile', () => {
    const err = new TransactionConflict([WorkspacePart.seat], []);
    expect(err.has(WorkspacePart.seat)).toBe(true);
    expect(err.has(WorkspacePart.workspace)).toBe(false);
    // @ts-expect-error a bare string is not a PartName
    err.has('seat');
    // To the API it is a concurrent modification (409), whatever the parts were.
    expect(err).toBeInstanceOf(ConcurrentModificationError);
    expect(err.toJSON()).toEqual({ error: { code: 'concurrent_modification', message: expect.any(String) } });
    expect(JSON.stringify(err.toJSON())).not.toContain('seat');
  });
});
