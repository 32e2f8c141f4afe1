export { SupportCustomerReader } from './customers/support-customer-reader.js';
export { ContractWriter } from './contracts/contract-writer.js';
export { SupportDeskApp, APP_NAME, type SupportDeskOptions } from './support-desk-app.js';
export { Workload, type WorkloadStats } from './workload.js';
export { files, schemaSql, seedSql, TIERS, TENANTS } from './schema.js';
export { tables, type AppDb, type Customer, type ContractDetails } from './sql.js';
