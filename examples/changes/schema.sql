-- The tables the example changes in this directory are planned against:
--   switchback plan --schema examples/changes/schema.sql examples/changes/<change>.yaml
CREATE TABLE support_customer (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL DEFAULT 'default',
  contact_name text NOT NULL,
  company_name text NOT NULL,
  email text,
  address text
);

CREATE TYPE ticket_status AS ENUM ('open', 'pending', 'closed');

-- Created years ago with a 32-bit key; it grows by millions of rows a month.
CREATE TABLE support_ticket (
  id serial PRIMARY KEY,
  customer_id bigint,
  status ticket_status NOT NULL DEFAULT 'open',
  priority integer NOT NULL DEFAULT 3,
  subject text,
  opened_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX support_ticket_priority ON support_ticket (priority);
