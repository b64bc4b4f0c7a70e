import { traceProcess } from '@tandem/observability';

// The first import of main.ts: OpenTelemetry (when OTEL_TRACES_EXPORTER turns it on) starts before http, pg and
// ioredis are loaded, so their instrumentations patch them as they are first required.
traceProcess('api', require.resolve('./main'));
