-- Up Migration
-- One row per user: the consent choices of the Preference Management Platform, as JSON, with the
-- version of the consent notice (the S3 object) they were given against.
CREATE TABLE preferences (
  user_id        text PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 128),
  choices        jsonb NOT NULL DEFAULT '{}'::jsonb,
  notice_version text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE preferences;
