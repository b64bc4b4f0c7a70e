import { CLOSE_AT_SQL } from '../feedback/close-time';

/**
 * Whether an active pairing (aliased `p`, its program `prog`) is due to complete: it has sessions, and each one not
 * cancelled has closed (its feedback was requested, or, with feedback off, its close time has passed). Derived from
 * the rows alone, so the closing job and the reconciler agree. Takes one parameter: the current time.
 */
export const COMPLETION_DUE_SQL = `(
  p.status = 'active'
  and exists (select 1 from coaching_session s where s.pairing_id = p.id)
  and not exists (
    select 1 from coaching_session s
     where s.pairing_id = p.id and s.status <> 'cancelled'
       and (${CLOSE_AT_SQL} > ?::timestamptz or ((prog.feedback ->> 'enabled')::boolean and not exists (select 1 from feedback f where f.session_id = s.id)))))`;
