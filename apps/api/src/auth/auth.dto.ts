import { changePasswordSchema, createApiTokenSchema, loginSchema, setupSchema } from '@fanout/contracts';
import { zodDto } from '../common/zod-dto';

export class LoginDto extends zodDto(loginSchema) {}
export class SetupDto extends zodDto(setupSchema) {}
export class CreateApiTokenDto extends zodDto(createApiTokenSchema) {}
export class ChangePasswordDto extends zodDto(changePasswordSchema) {}
