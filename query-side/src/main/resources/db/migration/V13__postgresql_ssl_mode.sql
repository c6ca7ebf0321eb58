-- How connections to a PostgreSQL service are secured (ssl_mode). Services registered before the field existed keep
-- what pgjdbc and Debezium did for them, prefer, as their ManagedServiceRegistered events read back.
UPDATE managed_service_view SET postgresql = postgresql || '{"ssl_mode": "prefer"}'::jsonb
 WHERE postgresql IS NOT NULL AND postgresql->>'ssl_mode' IS NULL;
