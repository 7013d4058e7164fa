/** Did a single-item write fail its ConditionExpression? The one test for it (transactions fail as TransactionConflict). */
export const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';
