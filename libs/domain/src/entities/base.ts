import { randomUUID } from 'node:crypto';

/** Fresh primary key; ids are UUIDs so they reveal nothing about volume and never collide across processes. */
export const newId = (): string => randomUUID();
