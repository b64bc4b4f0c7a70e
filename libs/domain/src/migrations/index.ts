import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { Migration20261126000000Foundation } from './Migration20261126000000Foundation';

/** Every migration in order; listed explicitly so the built app needs no folder scan. */
export const MIGRATIONS: { name: string; class: Constructor<Migration> }[] = [
  { name: 'Migration20261126000000Foundation', class: Migration20261126000000Foundation },
];
