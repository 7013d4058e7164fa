/** Users (people) and the email → user uniqueness item. */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, declareParts, tableName, transact, TransactionConflict, type TxPart } from './core.js';
import { isConditionFailure } from './conditions.js';

/** Transaction part names (see PartName): the user, and the email → user index that keeps emails unique. */
export const UserPart = declareParts({ user: 'user', email: 'userEmail' });

export interface User {
  id: string;
  email: string;
  fullName: string;
  createdAt: string;
  updatedAt: string;
}

export const userKey = (userId: string) => ({ PK: `USER#${userId}`, SK: 'PROFILE' });
export const emailKey = (email: string) => ({ PK: `EMAIL#${email}`, SK: 'EMAIL' });

const toUser = (item: Record<string, unknown>): User => ({
  id: item.id as string,
  email: item.email as string,
  fullName: item.fullName as string,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

export async function getUser(userId: string): Promise<User | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: userKey(userId) }));
  return out.Item ? toUser(out.Item) : undefined;
}

export async function findUserIdByEmail(email: string, consistent = false): Promise<string | undefined> {
  const out = await db.send(new GetCommand({ TableName: tableName(), Key: emailKey(email), ConsistentRead: consistent }));
  return out.Item?.userId as string | undefined;
}

export async function getUserByEmail(email: string): Promise<User | undefined> {
  const id = await findUserIdByEmail(email, true);
  return id ? getUser(id) : undefined;
}

/** Transaction parts creating a user; fails with part `UserPart.email` if the email is taken. */
export function putUserParts(user: User): TxPart[] {
  return [
    {
      name: UserPart.user,
      item: { Put: { TableName: tableName(), Item: { ...userKey(user.id), type: 'user', ...user }, ConditionExpression: 'attribute_not_exists(PK)' } },
    },
    {
      name: UserPart.email,
      item: { Put: { TableName: tableName(), Item: { ...emailKey(user.email), type: 'userEmail', userId: user.id }, ConditionExpression: 'attribute_not_exists(PK)' } },
    },
  ];
}

/** Create the user, or return the one that already holds this email (a concurrent sign-up won). */
export async function createUserOrGetExisting(user: User): Promise<{ user: User; created: boolean }> {
  try {
    await transact(putUserParts(user));
    return { user, created: true };
  } catch (err) {
    if (err instanceof TransactionConflict && err.has(UserPart.email)) {
      const existing = await getUserByEmail(user.email);
      if (existing) return { user: existing, created: false };
    }
    throw err;
  }
}

export async function updateUserName(userId: string, fullName: string, now: string): Promise<User | undefined> {
  const out = await db.send(new UpdateCommand({
    TableName: tableName(),
    Key: userKey(userId),
    UpdateExpression: 'SET fullName = :n, updatedAt = :u',
    ConditionExpression: 'attribute_exists(PK)',
    ExpressionAttributeValues: { ':n': fullName, ':u': now },
    ReturnValues: 'ALL_NEW',
  })).catch((err) => {
    if (isConditionFailure(err)) return { Attributes: undefined };
    throw err;
  });
  return out.Attributes ? toUser(out.Attributes) : undefined;
}

export const exampleUser = (over: Partial<User> = {}): User => ({
  id: 'usr_01JEXAMPLE0000000000000000',
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  ...over,
});
