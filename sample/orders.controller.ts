import { Body, Controller, Post } from '@nestjs/common';
import { CreateOrderDto } from './orders.dto.js';

@Controller('orders')
export class OrdersController {
  @Post()
  create(@Body() order: CreateOrderDto) {
    return { id: 'ord_1', customer: order.customer, items: order.items.length };
  }
}
