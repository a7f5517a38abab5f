import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { User } from '@fanout/contracts';
import { CurrentUser, Roles } from '../auth/decorators';
import { CreateUserDto, UpdateUserDto } from './users.dto';
import { UsersService } from './users.service';
import { UuidParam } from '../common/uuid-param';

/** Accounts, for owners and admins (a member gets 403). Owner-only rules live in UsersService. */
@Controller('users')
@Roles('owner', 'admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(): Promise<User[]> {
    return this.users.list();
  }

  /** 201; 409 EMAIL_TAKEN; 403 when an admin asks for an owner. */
  @Post()
  create(@CurrentUser() actor: User, @Body() body: CreateUserDto): Promise<User> {
    return this.users.create(actor, body);
  }

  /** Role and/or password; a new password revokes the user's sessions. 409 LAST_OWNER. */
  @Patch(':id')
  update(@CurrentUser() actor: User, @Param('id', new UuidParam('user')) id: string, @Body() body: UpdateUserDto): Promise<User> {
    return this.users.update(actor, id, body);
  }

  /** 204; 409 CANNOT_DELETE_SELF or LAST_OWNER. */
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() actor: User, @Param('id', new UuidParam('user')) id: string): Promise<void> {
    return this.users.remove(actor, id);
  }
}
