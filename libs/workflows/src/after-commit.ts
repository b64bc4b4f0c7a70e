import type { EntityManager } from '@mikro-orm/postgresql';
import { JobName, type JobProducer } from '@tandem/queues';

/** What a transaction that wrote outbox messages answers: their ids, sent once it has committed. */
export interface WithEmails {
  messageIds: readonly string[];
}

/** Queues `email.send` for outbox messages already committed (a job's own retry or the reconciler covers a failure). */
export async function enqueueEmails(producer: JobProducer, messageIds: readonly string[]): Promise<void> {
  await producer.enqueueMany(
    JobName.EmailSend,
    messageIds.map((messageId) => ({ messageId })),
  );
}

/**
 * After a commit: queues `email.send` for the messages it wrote, then its other follow-up jobs. If Redis is away this
 * is logged, never thrown (JobProducer.afterCommit): the change stands, and the reconciler queues what the rows say
 * is due.
 */
export async function sendAfterCommit(
  producer: JobProducer,
  what: string,
  messageIds: readonly string[],
  followUp?: () => Promise<unknown>,
): Promise<void> {
  await producer.afterCommit(what, async () => {
    await enqueueEmails(producer, messageIds);
    if (followUp) await followUp();
  });
}

/**
 * Commit, then send: runs `work` in one transaction of a fresh fork of `em`, and after the commit queues its emails
 * and `followUp` (see sendAfterCommit). Answers what `work` answered.
 */
export async function commitThenSend<T extends WithEmails>(
  em: EntityManager,
  producer: JobProducer,
  what: string,
  work: (tem: EntityManager) => Promise<T>,
  followUp?: (result: T) => Promise<unknown>,
): Promise<T> {
  const result = await em.fork().transactional(work);
  await sendAfterCommit(producer, what, result.messageIds, followUp && (() => followUp(result)));
  return result;
}
