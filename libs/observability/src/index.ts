export * from './logger';
export * from './http-route';
export * from './cidr';
export * from './job-metrics';
export * from './tracing';
