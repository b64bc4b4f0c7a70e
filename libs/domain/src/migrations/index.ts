import type { Constructor } from '@mikro-orm/core';
import type { Migration } from '@mikro-orm/migrations';
import { Migration20261126000000Foundation } from './Migration20261126000000Foundation';
import { Migration20261126110000Rounds } from './Migration20261126110000Rounds';
import { Migration20261126120000JobFailures } from './Migration20261126120000JobFailures';
import { Migration20261126130000Cadence } from './Migration20261126130000Cadence';
import { Migration20261126140000Feedback } from './Migration20261126140000Feedback';
import { Migration20261126150000Risk } from './Migration20261126150000Risk';
import { Migration20261126160000Console } from './Migration20261126160000Console';
import { Migration20261203100000ImportSourceHash } from './Migration20261203100000ImportSourceHash';
import { Migration20261203120000Learning } from './Migration20261203120000Learning';
import { Migration20261203130000Pool } from './Migration20261203130000Pool';
import { Migration20261203140000Webhooks } from './Migration20261203140000Webhooks';
import { Migration20261203150000Lease } from './Migration20261203150000Lease';
import { Migration20261204000000PolicyNames } from './Migration20261204000000PolicyNames';
import { Migration20261204010000Sso } from './Migration20261204010000Sso';
import { Migration20261204020000Scim } from './Migration20261204020000Scim';
import { Migration20261204030000Locale } from './Migration20261204030000Locale';
import { Migration20261204040000Invitations } from './Migration20261204040000Invitations';
import { Migration20261204050000ParticipantSignIn } from './Migration20261204050000ParticipantSignIn';

/** Every migration in order; listed explicitly so the built app needs no folder scan. */
export const MIGRATIONS: { name: string; class: Constructor<Migration> }[] = [
  { name: 'Migration20261126000000Foundation', class: Migration20261126000000Foundation },
  { name: 'Migration20261126110000Rounds', class: Migration20261126110000Rounds },
  { name: 'Migration20261126120000JobFailures', class: Migration20261126120000JobFailures },
  { name: 'Migration20261126130000Cadence', class: Migration20261126130000Cadence },
  { name: 'Migration20261126140000Feedback', class: Migration20261126140000Feedback },
  { name: 'Migration20261126150000Risk', class: Migration20261126150000Risk },
  { name: 'Migration20261126160000Console', class: Migration20261126160000Console },
  { name: 'Migration20261203100000ImportSourceHash', class: Migration20261203100000ImportSourceHash },
  { name: 'Migration20261203120000Learning', class: Migration20261203120000Learning },
  { name: 'Migration20261203130000Pool', class: Migration20261203130000Pool },
  { name: 'Migration20261203140000Webhooks', class: Migration20261203140000Webhooks },
  { name: 'Migration20261203150000Lease', class: Migration20261203150000Lease },
  { name: 'Migration20261204000000PolicyNames', class: Migration20261204000000PolicyNames },
  { name: 'Migration20261204010000Sso', class: Migration20261204010000Sso },
  { name: 'Migration20261204020000Scim', class: Migration20261204020000Scim },
  { name: 'Migration20261204030000Locale', class: Migration20261204030000Locale },
  { name: 'Migration20261204040000Invitations', class: Migration20261204040000Invitations },
  { name: 'Migration20261204050000ParticipantSignIn', class: Migration20261204050000ParticipantSignIn },
];
