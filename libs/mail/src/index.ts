export * from './html';
export * from './templates';
export * from './reasons';
export * from './outbox';
export * from './links';
export * from './email-sender.service';
export * from './mail.module';
