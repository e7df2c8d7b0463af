-- account_summaries totals are unbounded (deposits and withdrawals add up
-- while the balance stays bounded). SQLite turned a total past 2^63 cents
-- into a float, silently inexact. Each total becomes two limbs:
-- total = hi * 10^18 + lo, lo in [0, 10^18), carried over in SQL by the
-- projection's UPDATE (src/accounts/projections.ts).
ALTER TABLE "account_summaries" ADD COLUMN "total_deposits_hi" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "account_summaries" ADD COLUMN "total_withdrawals_hi" BIGINT NOT NULL DEFAULT 0;

-- Rows already turned into floats are recomputed exactly from the log (the
-- events each row has applied, up to its last_position). Amounts are written
-- with two fraction digits ("1200.50"), so dropping the point gives cents.
-- Sums are taken in 10^9 chunks so that no intermediate value overflows.
CREATE TEMP TABLE "summary_recount" AS
SELECT s."account_id",
       COALESCE(SUM(CASE WHEN e."type" = 'money_deposited' THEN e."cents" / 1000000000 END), 0) AS "dep_high",
       COALESCE(SUM(CASE WHEN e."type" = 'money_deposited' THEN e."cents" % 1000000000 END), 0) AS "dep_low",
       COALESCE(SUM(CASE WHEN e."type" = 'money_withdrawn' THEN e."cents" / 1000000000 END), 0) AS "wd_high",
       COALESCE(SUM(CASE WHEN e."type" = 'money_withdrawn' THEN e."cents" % 1000000000 END), 0) AS "wd_low"
  FROM "account_summaries" AS s
  LEFT JOIN (SELECT "stream_id", "type", "position", CAST(REPLACE(json_extract("data", '$.amount'), '.', '') AS INTEGER) AS "cents"
               FROM "events"
              WHERE "stream_type" = 'BankAccount' AND "type" IN ('money_deposited', 'money_withdrawn')) AS e
    ON e."stream_id" = s."account_id" AND e."position" <= s."last_position"
 WHERE typeof(s."total_deposits") <> 'integer' OR typeof(s."total_withdrawals") <> 'integer'
 GROUP BY s."account_id";

-- total = high * 10^9 + low = (h / 10^9) * 10^18 + (h % 10^9) * 10^9 + low % 10^9, with h = high + low / 10^9.
UPDATE "account_summaries"
   SET "total_deposits_hi" = (r."dep_high" + r."dep_low" / 1000000000) / 1000000000,
       "total_deposits" = ((r."dep_high" + r."dep_low" / 1000000000) % 1000000000) * 1000000000 + r."dep_low" % 1000000000,
       "total_withdrawals_hi" = (r."wd_high" + r."wd_low" / 1000000000) / 1000000000,
       "total_withdrawals" = ((r."wd_high" + r."wd_low" / 1000000000) % 1000000000) * 1000000000 + r."wd_low" % 1000000000
  FROM "summary_recount" AS r
 WHERE r."account_id" = "account_summaries"."account_id";
DROP TABLE "summary_recount";

-- Every other row: the same totals, split into limbs.
UPDATE "account_summaries"
   SET "total_deposits_hi" = "total_deposits" / 1000000000000000000,
       "total_deposits" = "total_deposits" % 1000000000000000000,
       "total_withdrawals_hi" = "total_withdrawals" / 1000000000000000000,
       "total_withdrawals" = "total_withdrawals" % 1000000000000000000
 WHERE "total_deposits" >= 1000000000000000000 OR "total_withdrawals" >= 1000000000000000000;
