#!/bin/sh
# The portal's two database roles, neither a superuser. The postgres image runs this once, on an
# empty data directory (docker-compose.yml mounts it in /docker-entrypoint-initdb.d):
#
#   portal_owner  owns the database and, through migrate, every table; migrate and
#                 grant_app_role run as it (MIGRATION_DATABASE_URL).
#   portal_app    what the portal connects as (DATABASE_URL). It owns nothing, so it cannot
#                 disable or drop the audit trail's triggers; grant_app_role gives it the rest.
#
# POSTGRES_USER, the image's superuser, is for the database administrator and neither of these.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$POSTGRES_DB" \
    -v owner="${PORTAL_OWNER_ROLE:-portal_owner}" -v owner_password="$PORTAL_OWNER_PASSWORD" \
    -v app="${PORTAL_APP_ROLE:-portal_app}" -v app_password="$PORTAL_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
SQL
