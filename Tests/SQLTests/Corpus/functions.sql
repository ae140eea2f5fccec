/* Functions in every quoting style.
   /* Comments nest: this one is still open; */
   and so is the outer one until here: */
CREATE OR REPLACE FUNCTION audit() RETURNS trigger
LANGUAGE plpgsql AS $body$
DECLARE
  msg text := 'changed; by ' || current_user;   -- ';' inside a string in a body
BEGIN
  EXECUTE $q$INSERT INTO audit_log VALUES ($1, 'it''s $$ fine')$q$ USING msg;
  RAISE NOTICE E'done\t\'%\'', TG_OP;
  RETURN NEW;
END;
$body$;

CREATE FUNCTION clamp(v int, lo int, hi int) RETURNS int
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT CASE WHEN v < lo THEN lo WHEN v > hi THEN hi ELSE v END;
END;

CREATE PROCEDURE log_twice(m text)
LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO audit_log VALUES (m);
  INSERT INTO audit_log VALUES (m || ';');
END;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app') THEN
    CREATE ROLE app;
  END IF;
END
$$;

SELECT U&'\0041;' AS a, U&"col;""x" FROM (SELECT 1 AS U&"col;""x") s;
SELECT 'x' -- comment between
  'y' AS continuation;
