import { Controller, Get, Param } from '@nestjs/common';
import { DomainException } from '../src/index.js';
import { ApiErrors } from '../src/openapi/index.js';
import { AppErrors } from './app-errors.js';

@Controller('users')
export class UsersController {
  @Get(':id')
  @ApiErrors(AppErrors.USER_NOT_FOUND)
  findOne(@Param('id') id: string) {
    if (id === '1') return { id, name: 'Ada Lovelace' };
    throw new DomainException(AppErrors.USER_NOT_FOUND, { params: { id }, details: { id } });
  }
}
