import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendScimError } from '../scim/scim-auth';
import { toErrorResponse } from './error-body';

/** Every error leaves as `{ code, message, details? }`; a 500 is logged, never explained to the client. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (host.switchToHttp().getRequest<FastifyRequest | undefined>()?.url?.startsWith('/scim/v2/'))
      return sendScimError(reply, exception, this.logger);
    const { status, body } = toErrorResponse(exception);
    if (status >= 500) this.logger.error(`${body.code}: ${(exception as Error)?.stack ?? String(exception)}`);
    if (status === 401) reply.header('WWW-Authenticate', 'Bearer');
    void reply.status(status).send(body);
  }
}
