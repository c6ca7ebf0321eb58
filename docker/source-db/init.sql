-- Sample source for pipelines. Both tables have primary keys, so publishing them keeps UPDATE and DELETE working.
CREATE DATABASE defaultdb;
\connect defaultdb

CREATE TABLE public.customers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    amount      numeric(12, 2) NOT NULL,
    status      text NOT NULL DEFAULT 'new',
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.customers (email, name) VALUES
    ('ada@example.com', 'Ada Lovelace'),
    ('grace@example.com', 'Grace Hopper'),
    ('edsger@example.com', 'Edsger Dijkstra');

INSERT INTO public.orders (customer_id, amount, status) VALUES
    (1, 19.99, 'paid'),
    (1, 5.00, 'new'),
    (2, 120.50, 'shipped'),
    (3, 42.00, 'paid');
