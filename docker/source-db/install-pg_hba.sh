#!/bin/sh
# Runs once, when the postgres image initialises an empty data directory. The copy lives in the data directory, owned
# by postgres, so the control plane can rewrite it through superuser SQL (lo_export to current_setting('hba_file')).
cp /etc/pipewright/pg_hba.conf "$PGDATA/pg_hba.conf"
