-- own_metrics_window is the definition for many contenders at once, under the settings it is given
-- (not ranking_config's): a row per id with history, current or not; none for an id without.
-- History (scores at times on 2024-01-01), as of 10:30:
--   p-a  0.8 at 10:10, 0.4 at 09:10      p-b  1.0 at 08:30      gone-a (no contender)  0.6 at 10:00
--   1 hour, f 0.5:     p-a 0.8 + 0.4 / 2 = 1.0         p-b 1.0 / 4 = 0.25            gone-a 0.6
--   1 hour, f 0.9:     p-a 0.8 + 0.4 * 0.9 = 1.16      p-b 0.81
--   30 minutes, f 0.5: as of 10:30 the interval [10:30, 11:00) is current and empty:
--                      p-a 0.8 / 2 + 0.4 / 8 = 0.45    p-b 1.0 / 16 = 0.0625         gone-a 0.6 / 2 = 0.3
BEGIN;
SELECT plan(7);

SELECT tests.make_contender('p', 'a');
SELECT tests.make_contender('p', 'b');
SELECT tests.make_contender('q', 'a');
SELECT tests.insert_history($$VALUES ('p-a', 0.8, '2024-01-01 10:10:00+00'), ('p-a', 0.4, '2024-01-01 09:10:00+00'),
                                     ('p-b', 1.0, '2024-01-01 08:30:00+00'), ('gone-a', 0.6, '2024-01-01 10:00:00+00')$$);

CREATE TEMP VIEW rounded AS
SELECT s.label, w.contender_id, round(w.own_metric::numeric, 12) AS own_metric
FROM (VALUES ('1 hour, 0.5', interval '1 hour', 0.5::float8), ('1 hour, 0.9', '1 hour', 0.9),
             ('30 minutes, 0.5', '30 minutes', 0.5)) s(label, decay_interval, decay_factor),
     contender_rank.own_metrics_window(ARRAY['p-a', 'p-b', 'q-a', 'gone-a', 'nobody'], '2024-01-01 10:30:00+00',
                                       s.decay_interval, s.decay_factor) w;

SELECT set_eq($$SELECT contender_id, own_metric FROM rounded WHERE label = '1 hour, 0.5'$$,
              $$VALUES ('p-a', 1.0), ('p-b', 0.25), ('gone-a', 0.6)$$,
              '1 hour, f 0.5: a row per id with history (a contender or not), none for ids without');
SELECT set_eq($$SELECT contender_id, own_metric FROM rounded WHERE label = '1 hour, 0.9'$$,
              $$VALUES ('p-a', 1.16), ('p-b', 0.81), ('gone-a', 0.6)$$,
              'the decay_factor given is the one used');
SELECT set_eq($$SELECT contender_id, own_metric FROM rounded WHERE label = '30 minutes, 0.5'$$,
              $$VALUES ('p-a', 0.45), ('p-b', 0.0625), ('gone-a', 0.3)$$,
              'the decay_interval given regroups the rows');

UPDATE ranking_config SET decay_factor = 1, decay_interval = '1 day';
SELECT set_eq($$SELECT contender_id, own_metric FROM rounded WHERE label = '1 hour, 0.9'$$,
              $$VALUES ('p-a', 1.16), ('p-b', 0.81), ('gone-a', 0.6)$$,
              'ranking_config does not enter the definition: its settings are parameters');

SELECT is((SELECT count(*)::int FROM contender_rank.own_metrics_window(ARRAY['p-a', 'p-a', 'p-a'],
                                                                       '2024-01-01 10:30:00+00', '1 hour', 0.5)),
          1, 'an id given several times gives one row');
SELECT is_empty($$SELECT * FROM contender_rank.own_metrics_window('{}', '2024-01-01 10:30:00+00', '1 hour', 0.5)$$,
                'no ids, no rows');
SELECT is_empty($$SELECT * FROM contender_rank.own_metrics_window(ARRAY['p-a'], '2024-01-01 09:00:00+00', '1 hour', 0.5)
                  WHERE own_metric <> 0$$,
                'as of a time before every row, nothing counts');

SELECT * FROM finish();
ROLLBACK;
