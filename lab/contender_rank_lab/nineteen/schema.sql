-- A nineteen validator's database, as nineteen's own migrations create it: the tables
-- contender_rank reads (nodes, contenders, contenders_history), two of the tables beside them,
-- and nothing else. Written from the description of nineteen's schema, for the demo, the
-- benchmark and the tests that play nineteen's side; contender_rank never runs it on a real
-- validator's database, where nineteen's migrations have already created these tables.
--
-- As in nineteen: every timestamp is `timestamp without time zone` holding UTC, NOT NULL
-- columns contender_rank never reads, no foreign keys, no CHECK constraints and no indexes
-- besides the primary keys.

CREATE TABLE public.nodes (
    hotkey             text             NOT NULL,
    coldkey            text             NOT NULL,
    node_id            integer          NOT NULL,
    incentive          double precision NOT NULL,
    netuid             integer          NOT NULL,
    stake              double precision NOT NULL,
    trust              double precision NOT NULL,
    vtrust             double precision NOT NULL,
    last_updated       double precision,
    ip                 text             NOT NULL,
    ip_type            integer          NOT NULL,
    port               integer          NOT NULL,
    protocol           integer          NOT NULL DEFAULT 4,
    network            text             NOT NULL,
    symmetric_key      text,
    symmetric_key_uuid text,
    our_validator      boolean          NOT NULL DEFAULT false,
    created_at         timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC'),
    PRIMARY KEY (hotkey, netuid)
);

CREATE TABLE public.nodes_history (
    id                 serial PRIMARY KEY,
    hotkey             text             NOT NULL,
    coldkey            text             NOT NULL,
    node_id            integer          NOT NULL,
    incentive          double precision NOT NULL,
    netuid             integer          NOT NULL,
    stake              double precision NOT NULL,
    trust              double precision NOT NULL,
    vtrust             double precision NOT NULL,
    last_updated       double precision,
    ip                 text             NOT NULL,
    ip_type            integer          NOT NULL,
    port               integer          NOT NULL,
    protocol           integer          NOT NULL DEFAULT 4,
    network            text             NOT NULL,
    symmetric_key      text,
    symmetric_key_uuid text,
    our_validator      boolean          NOT NULL DEFAULT false,
    created_at         timestamp without time zone NOT NULL,
    expired_at         timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE public.contenders (
    contender_id        text             NOT NULL PRIMARY KEY,
    node_hotkey         text             NOT NULL,
    node_id             integer          NOT NULL,
    netuid              integer          NOT NULL,
    task                text             NOT NULL,
    validator_hotkey    text             NOT NULL,
    raw_capacity        double precision NOT NULL,
    capacity            double precision NOT NULL,
    capacity_to_score   double precision NOT NULL,
    consumed_capacity   double precision NOT NULL,
    total_requests_made integer          NOT NULL DEFAULT 0,
    requests_429        integer          NOT NULL DEFAULT 0,
    requests_500        integer          NOT NULL DEFAULT 0,
    period_score        double precision,
    created_at          timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC'),
    updated_at          timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE public.contenders_history (
    id                  serial PRIMARY KEY,
    contender_id        text             NOT NULL,
    node_hotkey         text             NOT NULL,
    node_id             integer          NOT NULL,
    netuid              integer          NOT NULL,
    task                text             NOT NULL,
    validator_hotkey    text             NOT NULL,
    raw_capacity        double precision NOT NULL,
    capacity            double precision NOT NULL,
    capacity_to_score   double precision NOT NULL,
    consumed_capacity   double precision NOT NULL,
    total_requests_made integer          NOT NULL DEFAULT 0,
    requests_429        integer          NOT NULL DEFAULT 0,
    requests_500        integer          NOT NULL DEFAULT 0,
    period_score        double precision,
    created_at          timestamp without time zone NOT NULL,
    updated_at          timestamp without time zone NOT NULL,
    expired_at          timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC')
);

-- Beside them, read by nineteen's organic-query selection, never by contender_rank.
CREATE TABLE public.tasks (
    task_name  text PRIMARY KEY,
    created_at timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC')
);

CREATE TABLE public.contenders_weights_stats (
    id                   serial PRIMARY KEY,
    version              integer          NOT NULL DEFAULT 0,
    netuid               integer          NOT NULL,
    task                 text             NOT NULL,
    node_hotkey          text             NOT NULL,
    average_quality      double precision,
    metric               double precision,
    stake                double precision,
    normalised_net_score double precision,
    created_at           timestamp without time zone DEFAULT (now() AT TIME ZONE 'UTC')
);
