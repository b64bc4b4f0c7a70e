import { Module } from '@nestjs/common';
import { IntakeService } from './intake/intake.service';
import { ReconcilerService } from './maintenance/reconciler.service';
import { OrganizationsService } from './organizations/organizations.service';
import { ProgramsService } from './programs/programs.service';

/** The use cases shared by the api and the worker. Needs the database, queues and config modules. */
@Module({
  providers: [OrganizationsService, ProgramsService, IntakeService, ReconcilerService],
  exports: [OrganizationsService, ProgramsService, IntakeService, ReconcilerService],
})
export class WorkflowsModule {}
