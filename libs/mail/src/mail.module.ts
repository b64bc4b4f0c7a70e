import { Module } from '@nestjs/common';
import { EmailSender } from './email-sender.service';

/** Sending from the outbox (the worker's side of email). */
@Module({ providers: [EmailSender], exports: [EmailSender] })
export class MailModule {}
