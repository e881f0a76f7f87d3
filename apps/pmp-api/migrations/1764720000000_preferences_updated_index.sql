-- Up Migration
-- Exports read the users changed since a moment: an index on updated_at serves them. CONCURRENTLY
-- is not used: node-pg-migrate runs each migration in a transaction, and the table is new.
CREATE INDEX preferences_updated_at ON preferences (updated_at);

-- Down Migration
DROP INDEX preferences_updated_at;
