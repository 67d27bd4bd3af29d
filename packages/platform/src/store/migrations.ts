/**
 * The schema, as ordered migrations. Money columns are bigint fen (DESIGN.md §6); uniqueness and the
 * money invariant live in constraints, not in application memory.
 */
export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    id: '0001_center',
    sql: `
-- Simulated FSI core: the mutable part of each insured person (balances, yearly accumulations).
CREATE TABLE psn_accounts (
  psn_no text PRIMARY KEY,
  balance_fen bigint NOT NULL CHECK (balance_fen >= 0),
  year int NOT NULL,
  ytd_fund_fen bigint NOT NULL DEFAULT 0 CHECK (ytd_fund_fen >= 0),
  ytd_deductible_fen bigint NOT NULL DEFAULT 0 CHECK (ytd_deductible_fen >= 0),
  ytd_medfee_fen bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Simulated e-voucher center: ecToken, payAuthNo (and the terminal's authNo/fecToken later).
CREATE TABLE ev_tokens (
  token text PRIMARY KEY,
  kind text NOT NULL,
  psn_no text NOT NULL,
  org_codg text,
  detail jsonb,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ev_tokens_psn ON ev_tokens (psn_no, kind);

-- Simulated FSI core: registrations (2201) and settlements (2207), with their reversal.
CREATE TABLE fsi_visits (
  mdtrt_id text PRIMARY KEY,
  hi_rgst_sn text NOT NULL UNIQUE,
  psn_no text NOT NULL,
  org_codg text NOT NULL,
  med_type text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE fsi_settlements (
  hi_doc_sn text PRIMARY KEY,
  mdtrt_id text NOT NULL REFERENCES fsi_visits (mdtrt_id),
  psn_no text NOT NULL,
  pay_ord_id text NOT NULL,
  year int NOT NULL,
  medfee_fen bigint NOT NULL,
  fund_pay_fen bigint NOT NULL,
  psn_acct_pay_fen bigint NOT NULL,
  deductible_fen bigint NOT NULL,
  breakdown jsonb NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reversed_at timestamptz
);
CREATE UNIQUE INDEX fsi_settlements_active ON fsi_settlements (pay_ord_id) WHERE status = 'SETTLED';

-- Simulated payment channels (WX / ALI / UP / BANK): the cash part and its refunds.
CREATE TABLE channel_trades (
  trade_no text PRIMARY KEY,
  chnl_type text NOT NULL,
  kind text NOT NULL,
  pay_ord_id text NOT NULL,
  org_codg text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
  status text NOT NULL,
  out_trade_no text,
  detail jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_trades_order ON channel_trades (pay_ord_id);
CREATE INDEX channel_trades_org_day ON channel_trades (org_codg, created_at);

-- Orders of the mobile payment center (6201 → 6202 → 6203 / 6401).
CREATE TABLE orders (
  pay_ord_id text PRIMARY KEY,
  app_id text NOT NULL,
  org_codg text NOT NULL,
  org_name text NOT NULL,
  med_org_ord text NOT NULL,
  psn_no text NOT NULL,
  id_no text NOT NULL,
  id_type text NOT NULL,
  user_name text NOT NULL,
  insutype text NOT NULL,
  med_type text NOT NULL,
  insuplc_admdvs text NOT NULL,
  pay_token text NOT NULL,
  ord_stas text NOT NULL,
  fee_sumamt_fen bigint NOT NULL CHECK (fee_sumamt_fen >= 0),
  fund_pay_fen bigint NOT NULL DEFAULT 0 CHECK (fund_pay_fen >= 0),
  psn_acct_pay_fen bigint NOT NULL DEFAULT 0 CHECK (psn_acct_pay_fen >= 0),
  own_pay_amt_fen bigint NOT NULL DEFAULT 0 CHECK (own_pay_amt_fen >= 0),
  oth_fee_amt_fen bigint NOT NULL DEFAULT 0 CHECK (oth_fee_amt_fen >= 0),
  deposit_fen bigint NOT NULL DEFAULT 0 CHECK (deposit_fen >= 0),
  acct_used_flag text NOT NULL,
  chrg_bchno text NOT NULL,
  mdtrt_id text NOT NULL,
  hi_rgst_sn text NOT NULL,
  setl_type text,
  chnl_type text,
  hi_doc_sn text,
  hi_chrg_time text,
  trace_time text,
  settled_at timestamptz,
  revs_token text,
  revs_token_expires_at timestamptz,
  cash_paid_fen bigint NOT NULL DEFAULT 0,
  cash_refunded_fen bigint NOT NULL DEFAULT 0,
  hi_refunded boolean NOT NULL DEFAULT false,
  ec_code text,
  breakdown jsonb,
  upload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The money invariant of every order (issue: feeSumamt == fundPay + psnAcctPay + ownPayAmt + othFeeAmt).
  CONSTRAINT orders_money_invariant CHECK (fee_sumamt_fen = fund_pay_fen + psn_acct_pay_fen + own_pay_amt_fen + oth_fee_amt_fen),
  CONSTRAINT orders_cash_refund_bound CHECK (cash_refunded_fen >= 0 AND cash_refunded_fen <= cash_paid_fen)
);
-- medOrgOrd is unique per institution among live orders; a revoked order's medOrgOrd may be reused.
CREATE UNIQUE INDEX orders_med_org_ord_live ON orders (org_codg, med_org_ord) WHERE ord_stas <> '12';
CREATE INDEX orders_org_created ON orders (org_codg, created_at DESC);
CREATE INDEX orders_stas ON orders (ord_stas);
CREATE INDEX orders_psn ON orders (psn_no);

CREATE TABLE order_events (
  id bigserial PRIMARY KEY,
  pay_ord_id text NOT NULL REFERENCES orders (pay_ord_id),
  txn text NOT NULL,
  from_stas text,
  to_stas text NOT NULL,
  detail jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (pay_ord_id, id);

-- 6202/6205 idempotency: orgBizSer is unique per institution; the first answer is kept.
CREATE TABLE pay_requests (
  org_codg text NOT NULL,
  org_biz_ser text NOT NULL,
  txn text NOT NULL,
  pay_ord_id text NOT NULL,
  response jsonb NOT NULL,
  -- 6205: what the bank-card page needs to settle later (payAuthNo, acctUsedFlag, page token).
  session jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_codg, org_biz_ser)
);

-- 6203 refunds; appRefdSn is unique per institution, the first answer is kept.
CREATE TABLE refunds (
  refd_sn text PRIMARY KEY,
  pay_ord_id text NOT NULL REFERENCES orders (pay_ord_id),
  org_codg text NOT NULL,
  app_refd_sn text NOT NULL,
  refd_type text NOT NULL,
  totl_refd_fen bigint NOT NULL,
  fund_refd_fen bigint NOT NULL,
  psn_acct_refd_fen bigint NOT NULL,
  cash_refd_fen bigint NOT NULL,
  ref_status text NOT NULL,
  hi_fefd_sn text,
  hi_trns_date text,
  hi_trns_time text,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_codg, app_refd_sn)
);
CREATE INDEX refunds_order ON refunds (pay_ord_id);

-- Callback outbox (6302): drained with FOR UPDATE SKIP LOCKED by any instance (DESIGN.md §6).
CREATE TABLE callbacks (
  id bigserial PRIMARY KEY,
  app_id text NOT NULL,
  org_codg text NOT NULL,
  pay_ord_id text NOT NULL,
  call_type text NOT NULL,
  url text NOT NULL,
  data jsonb NOT NULL,
  status text NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX callbacks_due ON callbacks (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX callbacks_order ON callbacks (pay_ord_id);
CREATE TABLE callback_attempts (
  id bigserial PRIMARY KEY,
  callback_id bigint NOT NULL REFERENCES callbacks (id),
  attempt int NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms int NOT NULL,
  http_status int,
  response_body text,
  error text,
  success boolean NOT NULL
);
CREATE INDEX callback_attempts_cb ON callback_attempts (callback_id, attempt);

-- Replay protection: a signData is accepted once per app (mobile-payment: 010010 重放).
CREATE TABLE seen_signatures (
  app_id text NOT NULL,
  sign_hash text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, sign_hash)
);
CREATE INDEX seen_signatures_at ON seen_signatures (seen_at);
`,
  },
  {
    id: '0002_systems',
    sql: `
-- 刷脸一码付: a person's signing with a payment channel (4.1 step 1), and payment credentials.
CREATE TABLE onecode_signings (
  psn_no text PRIMARY KEY,
  chnl_type text NOT NULL,
  status text NOT NULL,
  pay_chnl_user_name text NOT NULL,
  risk text NOT NULL DEFAULT 'PASS',
  abn_rea text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE onecode_certs (
  pay_cert text PRIMARY KEY,
  psn_no text NOT NULL,
  org_codg text NOT NULL,
  chnl_type text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  fixmedins_trns_sn text NOT NULL,
  pay_ord_id text,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  trade_no text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX onecode_certs_trns ON onecode_certs (org_codg, fixmedins_trns_sn) WHERE used_at IS NOT NULL;

-- Regional payment portal: pushed messages (医疗消息推送) and the drug tips they carry (药品核销).
CREATE TABLE portal_messages (
  id bigserial PRIMARY KEY,
  app_id text NOT NULL,
  org_code text NOT NULL,
  med_org_ord text NOT NULL,
  pay_ord_id text,
  order_status text NOT NULL,
  push_type text NOT NULL,
  patient_name text NOT NULL,
  id_type text NOT NULL,
  id_no text NOT NULL,
  data jsonb NOT NULL,
  drug_tips_id text UNIQUE,
  drug_type text,
  drug_status text,
  verified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_messages_org ON portal_messages (org_code, id DESC);
CREATE INDEX portal_messages_patient ON portal_messages (id_no, id DESC);

-- Service terminal: face scans waiting at a counter (sandbox), authorisations, settlement notices.
CREATE TABLE terminal_faces (
  org_codg text PRIMARY KEY,
  psn_no text NOT NULL,
  proxy boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE terminal_auths (
  auth_no text PRIMARY KEY,
  org_codg text NOT NULL,
  out_biz_no text NOT NULL,
  psn_no text NOT NULL,
  f_token text NOT NULL,
  proxy boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_codg, out_biz_no)
);
CREATE TABLE terminal_notices (
  id bigserial PRIMARY KEY,
  org_codg text NOT NULL,
  out_biz_no text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX terminal_notices_org ON terminal_notices (org_codg, id DESC);
`,
  },
  {
    id: '0003_fsi_fee_upload',
    sql: `
-- Simulated FSI core: the fee lines uploaded for a visit (2204); settlement settles exactly these.
ALTER TABLE fsi_visits ADD COLUMN fee_lines jsonb;
`,
  },
  {
    id: '0004_refund_per_trade_push_once',
    sql: `
-- Simulated channels: a refund of one trade (一码付 4.2) names it, so its limit is that trade's amount.
ALTER TABLE channel_trades ADD COLUMN orig_trade_no text;
CREATE INDEX channel_trades_orig ON channel_trades (orig_trade_no) WHERE orig_trade_no IS NOT NULL;
-- Portal: one message per order and status (a partial refund may happen several times, so those stay
-- apart); a repeated push updates it and keeps its one drug tip. Of earlier duplicates the one whose
-- tip was collected is kept (else the first), so a collected tip is never reopened by the upgrade.
DELETE FROM portal_messages a USING portal_messages b
  WHERE a.org_code = b.org_code AND a.med_org_ord = b.med_org_ord AND a.order_status = b.order_status
    AND a.order_status <> 'MERCHANT_PART_REFUNDED' AND a.id <> b.id
    AND ((COALESCE(b.drug_status, '') = 'DONE' AND COALESCE(a.drug_status, '') <> 'DONE')
      OR ((COALESCE(b.drug_status, '') = 'DONE') = (COALESCE(a.drug_status, '') = 'DONE') AND a.id > b.id));
CREATE UNIQUE INDEX portal_messages_once ON portal_messages (org_code, med_org_ord, order_status) WHERE order_status <> 'MERCHANT_PART_REFUNDED';
ALTER TABLE portal_messages ADD COLUMN updated_at timestamptz;
`,
  },
  {
    id: '0005_callback_attempt_claimed',
    sql: `
-- A delivery attempt is recorded when it is claimed (outcome still empty), so an instance that dies
-- mid-delivery leaves a trace; the next claim marks it interrupted.
ALTER TABLE callback_attempts ALTER COLUMN duration_ms DROP NOT NULL;
ALTER TABLE callback_attempts ALTER COLUMN success DROP NOT NULL;
`,
  },
  {
    id: '0006_channel_trades_out_trade_no',
    sql: `
-- Simulated channels: a payment or refund is looked up by the institution's own number before it is
-- made (idempotency). Without this index every 6202 with a cash part scanned channel_trades.
CREATE INDEX channel_trades_out_trade_no ON channel_trades (org_codg, out_trade_no);
`,
  },
  {
    id: '0007_unresolved',
    sql: `
-- The background reconciler (issue 14 point 9): one row per order left 异常 (14) and per order with a
-- cash refund the channel answered EXP, while it is asked about; flagged_at marks one still unknown
-- after reconciler.flagAfter, for an operator (GET /admin/unresolved, the console). Rows stay after
-- resolution (resolved_at, resolution) as the history of what the reconciler did.
CREATE TABLE unresolved (
  kind text NOT NULL CHECK (kind IN ('ORDER_14', 'REFUND_EXP')),
  org_codg text NOT NULL,
  pay_ord_id text NOT NULL,
  since timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_attempt_at timestamptz,
  next_attempt_at timestamptz NOT NULL,
  last_result text,
  flagged_at timestamptz,
  resolved_at timestamptz,
  resolution text,
  PRIMARY KEY (kind, org_codg, pay_ord_id)
);
CREATE INDEX unresolved_open ON unresolved (next_attempt_at) WHERE resolved_at IS NULL;
CREATE INDEX unresolved_flagged ON unresolved (flagged_at) WHERE flagged_at IS NOT NULL AND resolved_at IS NULL;
`,
  },
  {
    id: '0008_audit_log',
    sql: `
-- Every operator action (resend, reconcile, app change, key change, statement regeneration…) with who,
-- when, what and a required reason (issue 13). Append-only: a trigger refuses UPDATE and DELETE, so
-- nobody edits the log through the application's own connection.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL DEFAULT '',
  reason text NOT NULL CHECK (btrim(reason) <> ''),
  detail jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
`,
  },
  {
    id: '0009_apps_statements',
    sql: `
-- Apps live in the database (issue 13): the config file seeds them; edits through the admin API or
-- \`yibao app\` bump \`version\` (from one sequence), which every instance polls to re-read them.
-- \`seed\` is the config entry as last seeded: a changed config entry is applied again at start.
CREATE SEQUENCE apps_version;
CREATE TABLE apps (
  app_id text PRIMARY KEY,
  ord bigserial,
  config jsonb NOT NULL,
  seed jsonb,
  disabled boolean NOT NULL DEFAULT false,
  version bigint NOT NULL DEFAULT nextval('apps_version'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX apps_version_idx ON apps (version);

-- Daily statements (对账单) per app and Beijing-time day; regenerating bumps version.
CREATE TABLE statements (
  app_id text NOT NULL,
  stmt_date date NOT NULL,
  version int NOT NULL DEFAULT 1,
  content jsonb NOT NULL,
  generated_at timestamptz NOT NULL DEFAULT now(),
  generated_by text NOT NULL,
  PRIMARY KEY (app_id, stmt_date)
);
-- One row per day: the instance that claimed the day's run writes every app's statement.
CREATE TABLE statement_jobs (
  stmt_date date PRIMARY KEY,
  instance text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  statements int
);

-- Differences between the center's settlements and the FSI core's (对明细账), kept until resolved.
CREATE TABLE fsi_recon_diffs (
  id bigserial PRIMARY KEY,
  stmt_date date NOT NULL,
  diff_key text NOT NULL,
  kind text NOT NULL,
  org_codg text,
  detail jsonb NOT NULL,
  found_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolved_by text,
  resolution text,
  UNIQUE (stmt_date, diff_key, kind)
);
CREATE INDEX orders_settled_at ON orders (settled_at) WHERE settled_at IS NOT NULL;
CREATE INDEX order_events_created ON order_events (created_at);
CREATE INDEX refunds_created ON refunds (created_at);
`,
  },
  {
    id: '0010_console',
    sql: `
-- Operator console (docs/console.md): accounts with scrypt password hashes and a role, lockout after
-- repeated failures, sessions and per-operator API tokens. Only hashes of session ids and tokens are
-- kept, so a database dump opens no session.
CREATE TABLE operators (
  name text PRIMARY KEY,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  disabled boolean NOT NULL DEFAULT false,
  failed_logins int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE operator_sessions (
  id_hash text PRIMARY KEY,
  operator text NOT NULL REFERENCES operators (name),
  csrf text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);
CREATE TABLE operator_tokens (
  id bigserial PRIMARY KEY,
  operator text NOT NULL REFERENCES operators (name),
  token_hash text NOT NULL UNIQUE,
  label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
-- Search by ID number and name without keeping them searchable in clear: a keyed hash (HMAC-SHA256
-- with the server's search key) of each, per order. The key is in the configuration, or else here.
CREATE TABLE order_search (
  pay_ord_id text PRIMARY KEY REFERENCES orders (pay_ord_id),
  id_no_hash text NOT NULL,
  name_hash text NOT NULL
);
CREATE INDEX order_search_id_no ON order_search (id_no_hash);
CREATE INDEX order_search_name ON order_search (name_hash);
-- Signature failures per app and Beijing day (dashboard), counted in memory and added every few seconds.
CREATE TABLE signature_failures (
  day date NOT NULL,
  app_id text NOT NULL,
  failures bigint NOT NULL,
  PRIMARY KEY (day, app_id)
);
CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    // 6301 reads the order in one statement (docs/performance.md): whether a cash refund is still
    // unknown at the channel (answered EXP) is now the order's own flag, set in the transaction that
    // got EXP and cleared once the channel answered — not a lookup of the channel's trades per 6301.
    id: '0011_orders_cash_refund_unknown',
    sql: `
ALTER TABLE orders ADD COLUMN cash_refund_unknown boolean NOT NULL DEFAULT false;
UPDATE orders o SET cash_refund_unknown = true
 WHERE EXISTS (SELECT 1 FROM channel_trades t WHERE t.org_codg = o.org_codg AND t.pay_ord_id = o.pay_ord_id AND t.kind = 'REFUND' AND t.status = 'EXP');
`,
  },
  {
    // Issue 16 (PostgreSQL CPU per order): the transition UPDATE of an order (6202 above all) is a HOT
    // update — the new row version stays on its page and no index gets an entry — only when no
    // indexed column (key or partial-index predicate) changes and the page has room. ord_stas was in
    // two indexes (orders_stas, the predicate of orders_med_org_ord_live) and settled_at in one, so
    // every transition copied the whole row and inserted into all six indexes (docs/performance.md).
    //  - revoked / abnormal: stored generated flags; they change only on entering or leaving 12 / 14,
    //    so the partial unique index (6201 idempotency) and the reconciler's index of orders in 14
    //    rest on them instead of on ord_stas. orders_stas served nothing else (the console filters by
    //    state within an institution or a time range, through orders_org_created). orders_abnormal
    //    is keyed by pay_ord_id: a key of updated_at, which every transition sets, would undo it all.
    //  - order_settlements: the settlement times, insert-only, written in the transition's statement
    //    whenever it sets settled_at (orders.ts); the day's totals, the FSI reconciliation and the
    //    dashboard find the day's settled orders through it and check orders.settled_at again (an
    //    order reversed and settled again has two rows, the old one no longer matches).
    //  - fillfactor 70: room on each page for the new versions of its orders' transitions (HOT needs
    //    the new version on the same page; pruning then reclaims the old one).
    //    Measured and left out: toast_tuple_target 1536 with breakdown STORAGE MAIN (the upload out
    //    of line at the insert) cost more blocks and WAL per 6201 and 6202 than it saved.
    id: '0012_orders_hot_transition',
    sql: `
ALTER TABLE orders ADD COLUMN revoked boolean GENERATED ALWAYS AS (ord_stas = '12') STORED;
ALTER TABLE orders ADD COLUMN abnormal boolean GENERATED ALWAYS AS (ord_stas = '14') STORED;
DROP INDEX orders_med_org_ord_live;
CREATE UNIQUE INDEX orders_med_org_ord_live ON orders (org_codg, med_org_ord) WHERE NOT revoked;
DROP INDEX orders_stas;
CREATE INDEX orders_abnormal ON orders (pay_ord_id) WHERE abnormal;
CREATE TABLE order_settlements (
  settled_at timestamptz NOT NULL,
  pay_ord_id text NOT NULL
);
CREATE INDEX order_settlements_at ON order_settlements (settled_at);
INSERT INTO order_settlements (settled_at, pay_ord_id) SELECT settled_at, pay_ord_id FROM orders WHERE settled_at IS NOT NULL;
DROP INDEX orders_settled_at;
ALTER TABLE orders SET (fillfactor = 70);
`,
  },
];
