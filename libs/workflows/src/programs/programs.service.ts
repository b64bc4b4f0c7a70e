import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { LockMode } from '@mikro-orm/core';
import { AuditEvent, ConflictError, isUuid, NotFoundError, Program, ProgramStatus } from '@tandem/domain';
import { parseCommand } from '../validation';
import {
  checkDurationBounds,
  createProgramSchema,
  DEFAULT_CADENCE,
  DEFAULT_FEEDBACK,
  DEFAULT_OFFER_TTL,
  DEFAULT_POLICY,
  DEFAULT_SKILLS,
  mergePolicy,
  updateProgramSchema,
} from './program-settings';

/** Who is acting, for the audit log and tenant checks. */
export interface Actor {
  organizationId: string;
  actor: string;
}

/** A program as the API shows it. */
export type ProgramView = ReturnType<typeof toProgramView>;

/** Creates, reads, updates and lists programs within one organization. */
@Injectable()
export class ProgramsService {
  constructor(
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  async create(actor: Actor, input: unknown): Promise<ProgramView> {
    const command = parseCommand(createProgramSchema, input);
    checkDurationBounds(command, this.config.allowShortDurations);
    const em = this.em.fork();
    const program = em.create(Program, {
      organization: actor.organizationId,
      name: command.name,
      skills: command.skills ?? DEFAULT_SKILLS,
      policy: mergePolicy(DEFAULT_POLICY, command.policy),
      cadence: { ...DEFAULT_CADENCE, ...command.cadence },
      offerTtl: command.offerTtl ?? DEFAULT_OFFER_TTL,
      feedback: { ...DEFAULT_FEEDBACK, ...command.feedback },
      autoPublish: command.autoPublish ?? false,
      adminEmail: command.adminEmail?.toLowerCase() ?? null,
    });
    em.create(AuditEvent, {
      organization: actor.organizationId,
      actor: actor.actor,
      action: 'program.created',
      subjectType: 'program',
      subjectId: program.id,
    });
    await em.flush();
    return toProgramView(program);
  }

  async get(organizationId: string, id: string): Promise<ProgramView> {
    return toProgramView(await this.find(this.em.fork(), organizationId, id));
  }

  async list(organizationId: string): Promise<{ items: ProgramView[] }> {
    const programs = await this.em
      .fork()
      .find(Program, { organization: organizationId }, { orderBy: { createdAt: 'desc', id: 'asc' } });
    return { items: programs.map(toProgramView) };
  }

  async update(actor: Actor, id: string, input: unknown): Promise<ProgramView> {
    const command = parseCommand(updateProgramSchema, input);
    checkDurationBounds(command, this.config.allowShortDurations);
    const em = this.em.fork();
    return em.transactional(async (tem) => {
      const program = await this.find(tem, actor.organizationId, id, true);
      if (command.version !== undefined && command.version !== program.version) {
        throw new ConflictError(
          'stale_version',
          `program ${id} was changed by someone else (version ${program.version}, you sent ${command.version})`,
        );
      }
      if (command.name !== undefined) program.name = command.name;
      if (command.status !== undefined) program.status = command.status as ProgramStatus;
      if (command.skills !== undefined) program.skills = command.skills;
      if (command.policy !== undefined) program.policy = mergePolicy(program.policy, command.policy);
      if (command.cadence !== undefined) program.cadence = { ...program.cadence, ...command.cadence };
      if (command.offerTtl !== undefined) program.offerTtl = command.offerTtl;
      if (command.feedback !== undefined) program.feedback = { ...program.feedback, ...command.feedback };
      if (command.autoPublish !== undefined) program.autoPublish = command.autoPublish;
      if (command.adminEmail !== undefined) program.adminEmail = command.adminEmail?.toLowerCase() ?? null;
      const { version: _version, ...changes } = command;
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'program.updated',
        subjectType: 'program',
        subjectId: program.id,
        data: { fields: Object.keys(changes) },
      });
      await tem.flush();
      return toProgramView(program);
    });
  }

  /** Loads a program of the organization or throws NotFound (also for another organization's ids). */
  async find(em: EntityManager, organizationId: string, id: string, lock = false): Promise<Program> {
    if (!isUuid(id)) throw new NotFoundError('program', id.slice(0, 64));
    const program = await em.findOne(
      Program,
      { id, organization: organizationId },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!program) throw new NotFoundError('program', id);
    return program;
  }
}

function toProgramView(program: Program) {
  return {
    id: program.id,
    name: program.name,
    status: program.status,
    skills: program.skills,
    policy: program.policy,
    cadence: program.cadence,
    offerTtl: program.offerTtl,
    feedback: program.feedback,
    autoPublish: program.autoPublish,
    adminEmail: program.adminEmail ?? null,
    version: program.version,
    createdAt: program.createdAt,
    updatedAt: program.updatedAt,
  };
}
