import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error';
import type { Role } from './auth.types';
import { ROLES } from './decorators';

/** Global, after AuthGuard: enforces @Roles(...) where a route declares it. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, [ctx.getHandler(), ctx.getClass()]);
    if (!roles || roles.length === 0) return true;
    const auth = ctx.switchToHttp().getRequest<FastifyRequest>().auth;
    if (!auth) throw new AppError('UNAUTHENTICATED', { internal: '@Roles on a route without authentication' });
    if (!roles.includes(auth.user.role)) {
      throw new AppError('FORBIDDEN', { internal: `role ${auth.user.role} is not one of ${roles.join(', ')}` });
    }
    return true;
  }
}
