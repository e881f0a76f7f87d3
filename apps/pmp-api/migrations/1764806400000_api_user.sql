-- Up Migration
-- The user the function connects as (DB_USER): only what the API does to preferences. On RDS it signs
-- in with IAM tokens through RDS Proxy (the rds_iam role); elsewhere (kit's PostgreSQL) that role
-- does not exist and the user is only granted its tables.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pmp_api') THEN
    CREATE ROLE pmp_api LOGIN;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN
    GRANT rds_iam TO pmp_api;
  END IF;
END
$$;
GRANT SELECT, INSERT, UPDATE ON preferences TO pmp_api;

-- Down Migration
REVOKE ALL ON preferences FROM pmp_api;
DROP ROLE pmp_api;
