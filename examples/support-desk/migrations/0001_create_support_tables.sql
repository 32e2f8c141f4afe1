-- The support desk's schema as deployed today: a customer and its contract.
CREATE TABLE support_customer (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL DEFAULT 'default',
  contact_name text NOT NULL,
  company_name text NOT NULL,
  address text
);

CREATE TABLE support_contract (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES support_customer (id),
  start_date date NOT NULL DEFAULT current_date,
  tier text,
  end_date date
);
CREATE INDEX support_contract_customer_id ON support_contract (customer_id);
