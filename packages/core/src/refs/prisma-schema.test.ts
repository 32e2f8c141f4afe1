import { describe, expect, it } from 'vitest';
import { prismaModels } from './prisma-schema.js';

const schema = [
  'datasource db {',
  '  provider = "postgresql"',
  '}',
  '// model Commented { x Int }',
  'model SupportContract {',
  '  id         Int       @id @default(autoincrement())',
  '  customer   Customer  @relation(fields: [customerId], references: [id])',
  '  customerId Int       @map("customer_id")',
  '  tier       String?   // the plan',
  '  endDate    DateTime? @map("end_date") @db.Date',
  '  @@map("support_contract")',
  '  @@index([customerId])',
  '}',
  'model Customer {',
  '  id        Int               @id',
  '  contracts SupportContract[]',
  '}',
].join('\n');

describe('prismaModels', () => {
  it('reads tables, mapped columns and the client delegate name, skipping relation fields and comments', () => {
    const [contract, customer, ...rest] = prismaModels('prisma/schema.prisma', schema);
    expect(rest).toEqual([]);
    expect(contract).toMatchObject({ kind: 'prisma', names: ['SupportContract', 'supportContract'], table: 'support_contract', line: 5 });
    expect(Object.fromEntries(contract!.columns!)).toEqual({ id: 'id', customerId: 'customer_id', tier: 'tier', endDate: 'end_date' });
    expect(contract!.columnLines).toContainEqual({ column: 'end_date', line: 10 });
    expect(customer).toMatchObject({ names: ['Customer', 'customer'], line: 14 });
    expect(customer!.table).toBeUndefined();
    expect([...customer!.columns!.keys()]).toEqual(['id']);
  });
});
