import { createUserSchema, updateUserSchema } from '@fanout/contracts';
import { zodDto } from '../common/zod-dto';

export class CreateUserDto extends zodDto(createUserSchema) {}
export class UpdateUserDto extends zodDto(updateUserSchema) {}
