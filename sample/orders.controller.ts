import { Body, Controller, Post } from '@nestjs/common';
import { ApiErrors } from '../src/openapi/index.js';
import { CreateOrderDto } from './orders.dto.js';

@Controller('orders')
export class OrdersController {
  @Post()
  // VALIDATION_FAILED is documented for the validated DTO without being named
  @ApiErrors('MALFORMED_JSON', 'PAYLOAD_TOO_LARGE')
  create(@Body() order: CreateOrderDto) {
    return { id: 'ord_1', customer: order.customer, items: order.items.length };
  }
}
