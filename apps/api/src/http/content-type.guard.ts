import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnsupportedMediaTypeException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

export const CONSUMES = 'tandem:consumes';

/** The media types a route accepts for its body; JSON when not declared. */
export const Consumes = (...types: string[]) => SetMetadata(CONSUMES, types);

/** A request with a body must send one of the route's media types (415 otherwise, before any work). */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const hasBody = request.body !== undefined && request.body !== null && request.headers['content-length'] !== '0';
    if (!hasBody) return true;
    const accepted = this.reflector.getAllAndOverride<string[]>(CONSUMES, [context.getHandler(), context.getClass()]) ?? ['application/json'];
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!accepted.includes(type)) {
      throw new UnsupportedMediaTypeException(`send the body as ${accepted.join(' or ')}, not ${type || 'no content type'}`);
    }
    return true;
  }
}
