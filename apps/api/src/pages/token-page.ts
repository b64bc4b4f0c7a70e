import { applyDecorators, Controller, Get, Post } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';

/**
 * A controller of token pages, the links of Tandem's emails: public (the token in the path is the credential, checked
 * by the service), and not part of the API's documentation.
 */
export function TokenPageController(path: string) {
  return applyDecorators(ApiExcludeController(), Public(), Controller(path));
}

/** The page a link opens: GET shows and changes nothing (mail scanners fetch links); rate-limited per client. */
export function ShowPage() {
  return applyDecorators(Get(':token'), RouteConfig({ rateLimit: {} }));
}

/** A button press or a form on a token page (`action` after the token, if any): a form post or JSON; rate-limited. */
export function PagePost(action?: string) {
  return applyDecorators(
    Post(action ? `:token/${action}` : ':token'),
    RouteConfig({ rateLimit: {} }),
    Consumes('application/x-www-form-urlencoded', 'application/json'),
  );
}
