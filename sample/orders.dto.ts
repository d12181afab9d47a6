import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsInt,
  IsString,
  Length,
  Min,
  ValidateNested,
} from 'class-validator';

export class OrderItemDto {
  @ApiProperty({ minLength: 1, maxLength: 32, example: 'A-1' })
  @IsString()
  @Length(1, 32)
  sku!: string;

  @ApiProperty({ minimum: 1, example: 2 })
  @IsInt()
  @Min(1)
  qty!: number;
}

export class CreateOrderDto {
  @ApiProperty({ minLength: 3, maxLength: 40, example: 'Alice' })
  @IsString()
  @Length(3, 40)
  customer!: string;

  @ApiProperty({ format: 'email', example: 'alice@example.com' })
  @IsEmail()
  email!: string;

  @ApiProperty({ type: [OrderItemDto], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}
