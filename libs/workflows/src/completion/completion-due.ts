import { PairingStatus, pairingStatusSql } from '@tandem/domain';
import { CLOSE_AT_SQL } from '../cadence/session-plan';

/**
 * Whether an active pairing (aliased `p`, its program `prog`) is due to complete: it has sessions, and each one not
 * cancelled has closed (its feedback was requested, or, with feedback off, its close time has passed). With feedback
 * on, at least one session must also be reported held: coaching nobody held does not complete (it stays active until
 * a coach reports a session held, or the inactivity rule ends it). Derived from the rows alone, so the closing job,
 * the feedback form and the reconciler agree. Takes one parameter: the current time.
 */
export const COMPLETION_DUE_SQL = `(
  p.status in ${pairingStatusSql(PairingStatus.Active)}
  and exists (select 1 from coaching_session s where s.pairing_id = p.id)
  and (not (prog.feedback ->> 'enabled')::boolean or exists (select 1 from coaching_session s where s.pairing_id = p.id and s.status = 'held'))
  and not exists (
    select 1 from coaching_session s
     where s.pairing_id = p.id and s.status <> 'cancelled'
       and (${CLOSE_AT_SQL} > ?::timestamptz or ((prog.feedback ->> 'enabled')::boolean and not exists (select 1 from feedback f where f.session_id = s.id)))))`;
