-- account_summaries totals are unbounded (deposits and withdrawals add up
-- while the balance stays bounded), and a BIGINT overflows after about 92,000
-- maximal deposits, failing every later command on the account. Each total
-- becomes two limbs: total = hi * 10^18 + lo, lo in [0, 10^18), carried over
-- in SQL by the projection's UPDATE (src/accounts/projections.ts).
ALTER TABLE "account_summaries" ADD COLUMN "total_deposits_hi" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "total_withdrawals_hi" BIGINT NOT NULL DEFAULT 0;

-- Existing rows: the same totals, split into limbs (a BIGINT never held a wrong total here: it raised).
UPDATE "account_summaries"
   SET "total_deposits_hi" = "total_deposits" / 1000000000000000000,
       "total_deposits" = "total_deposits" % 1000000000000000000,
       "total_withdrawals_hi" = "total_withdrawals" / 1000000000000000000,
       "total_withdrawals" = "total_withdrawals" % 1000000000000000000
 WHERE "total_deposits" >= 1000000000000000000 OR "total_withdrawals" >= 1000000000000000000;
