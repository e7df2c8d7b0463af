-- account_summaries counts transfers: money moved out to and in from other
-- accounts, each total exact as two limbs like the deposit and withdrawal
-- totals (total = hi * 10^18 + lo). No transfer was written before this
-- release, so zero is every existing row's exact total.
ALTER TABLE "account_summaries" ADD COLUMN "total_transfers_in" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "account_summaries" ADD COLUMN "total_transfers_in_hi" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "account_summaries" ADD COLUMN "total_transfers_out" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "account_summaries" ADD COLUMN "total_transfers_out_hi" BIGINT NOT NULL DEFAULT 0;
