-- f = 0.5, 1-hour intervals, as of 10:30. Own metrics: n1-big 0.8 + 0.4/2 = 1.0, n2-big 0.6,
-- n1-other 0.5 (capacity 0), n1-big on netuid 20: 1.0, n1-small 0.3.
-- Similarity big -> small 0.5, other -> small 0.2, small -> big 0.1 (directed).
-- n1-small: 0.5 * 1.0 + 0.2 * 0.5 = 0.6 (not n2-big: other node; not netuid 20: other node;
-- not its own 0.3). n1-big: 0.1 * 0.3 = 0.03. n1-none: no pair -> 0.
BEGIN;
SELECT plan(11);

SELECT tests.make_contender('n1', 'big');
SELECT tests.make_contender('n1', 'small');
SELECT tests.make_contender('n1', 'other', capacity => 0);
SELECT tests.make_contender('n1', 'none');
SELECT tests.make_contender('n2', 'big');
SELECT tests.make_contender('n1', 'big', netuid => 20, contender_id => 'n1-big-on-20');
INSERT INTO task_similarity VALUES ('big', 'small', 0.5), ('other', 'small', 0.2), ('small', 'big', 0.1);
SELECT tests.add_history(h.id, h.score, h.at)
FROM (VALUES ('n1-big', 0.8, '2024-01-01 10:00:00+00'::timestamptz), ('n1-big', 0.4, '2024-01-01 09:00:00+00'),
             ('n2-big', 0.6, '2024-01-01 10:00:00+00'), ('n1-other', 0.5, '2024-01-01 10:00:00+00'),
             ('n1-big-on-20', 1.0, '2024-01-01 10:00:00+00'), ('n1-small', 0.3, '2024-01-01 10:00:00+00')) h(id, score, at);

SELECT ok(tests.close_to((tests.ranked('n1-small', '2024-01-01 10:30:00+00')).similar_metric, 0.6, 1e-12),
          'similar metric: same node and netuid only, other contenders only, capacity 0 ones included');
SELECT ok(tests.close_to((tests.ranked_window('n1-small', '2024-01-01 10:30:00+00')).similar_metric, 0.6, 1e-12),
          'the window definition gives the same hand-computed value');
SELECT set_eq($$SELECT contender_id, round(similar_metric::numeric, 12)
                FROM contender_rank.similar_metrics_window(ARRAY['n1-small', 'n1-big', 'n1-none', 'n2-big', 'n1-big-on-20'],
                                                           '2024-01-01 10:30:00+00', '1 hour', 0.5)$$,
              $$VALUES ('n1-small', 0.6), ('n1-big', 0.03)$$,
              'similar_metrics_window, many at once: a row for each contender that borrows, none for the others');
-- with f = 0.9: n1-big 0.8 + 0.4 * 0.9 = 1.16, n1-other 0.5 -> n1-small 0.5 * 1.16 + 0.2 * 0.5 = 0.68
SELECT ok(tests.close_to((SELECT similar_metric FROM contender_rank.similar_metrics_window(
                              ARRAY['n1-small'], '2024-01-01 10:30:00+00', '1 hour', 0.9)), 0.68, 1e-12),
          'similar_metrics_window values the lenders under the settings it is given');
SELECT ok(tests.close_to((tests.ranked('n1-small', '2024-01-01 10:30:00+00')).global_metric, 0.9, 1e-12),
          'global metric = own 0.3 + similar 0.6');
SELECT ok(tests.close_to((tests.ranked('n1-big', '2024-01-01 10:30:00+00')).similar_metric, 0.03, 1e-12),
          'similarity is directed: small -> big uses its own factor 0.1');
SELECT is((tests.ranked('n1-none', '2024-01-01 10:30:00+00')).similar_metric, 0::float8,
          'a missing similarity pair counts 0');
SELECT is((tests.ranked('n2-big', '2024-01-01 10:30:00+00')).similar_metric, 0::float8,
          'a contender alone on its node borrows nothing from other nodes');
SELECT is((SELECT similar_metric FROM rank_contenders('big', 5, '2024-01-01 10:30:00+00') WHERE contender_id = 'n1-big-on-20'),
          0::float8, 'the same hotkey on another netuid is another node');

UPDATE contenders SET consumed_capacity = 100 WHERE contender_id = 'n1-big';
SELECT ok(tests.close_to((tests.ranked('n1-small', '2024-01-01 10:30:00+00')).similar_metric, 0.6, 1e-12),
          'an exhausted contender still lends its metric');
DELETE FROM task_similarity WHERE from_task = 'other';
SELECT ok(tests.close_to((tests.ranked('n1-small', '2024-01-01 10:30:00+00')).similar_metric, 0.5, 1e-12),
          'removing a pair makes it count 0');

SELECT * FROM finish();
ROLLBACK;
