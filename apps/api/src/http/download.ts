import type { FastifyReply } from 'fastify';

/** Sends a file download (a CSV export, a JSON data export): never cached, never sniffed as another type. */
export function sendDownload(
  reply: FastifyReply,
  filename: string,
  contentType: 'text/csv' | 'application/json',
  body: string,
) {
  return reply
    .status(200)
    .header('content-type', `${contentType}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}
