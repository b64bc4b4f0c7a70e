export * from './html';
export * from './i18n';
export * from './templates';
export * from './reasons';
export * from './outbox';
export * from './links';
export * from './email-sender.service';
export * from './mail.module';
