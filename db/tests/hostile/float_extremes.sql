-- float8 at its limits never raises: a history_weight times a large metric past float8's range
-- ranks at -Infinity, denormal scores (5e-324) and similarities (1e-300) underflow to 0 or stay
-- tiny, and the state still agrees with the window definition.
BEGIN;
SELECT plan(12);

-- a large metric: decay_factor 1 and 1000 intervals scoring 1
UPDATE ranking_config SET decay_factor = 1;
SELECT tests.make_contender('fx1', 'task-f', total_requests_made => 7);
SELECT tests.make_contender('fx2', 'task-f', total_requests_made => 3);
SELECT tests.make_contender('fx3', 'task-f', total_requests_made => 1, consumed_capacity => 10);
SELECT tests.insert_history($$
    SELECT c.contender_id, 1, timestamptz '2026-08-01 00:30+00' + i * interval '1 hour'
    FROM generate_series(0, 999) i, (VALUES ('fx1-task-f'), ('fx2-task-f'), ('fx3-task-f')) c(contender_id)$$);

UPDATE ranking_config SET history_weight = 1e300;
SELECT ok(tests.close_to((SELECT r.rank_value FROM rank_contenders('task-f', 5, '2026-10-01 00:00+00') r
                          WHERE r.contender_id = 'fx1-task-f'), -1e303::float8),
          'history_weight 1e300 times a metric of 1000 gives rank_value -1e303');
UPDATE ranking_config SET history_weight = 1.7e308;
SELECT is(ARRAY(SELECT r.rank_value FROM rank_contenders('task-f', 5, '2026-10-01 00:00+00') r),
          ARRAY['-Infinity', '-Infinity', '-Infinity']::float8[],
          'history_weight 1.7e308 times a metric of 1000 ranks at -Infinity instead of an overflow error');
SELECT is(ARRAY(SELECT r.contender_id FROM rank_contenders('task-f', 5, '2026-10-01 00:00+00') r),
          ARRAY['fx1-task-f', 'fx2-task-f', 'fx3-task-f'],
          'tied at -Infinity: capacity left first, then contender_id');
SELECT ok(tests.all_rankings_agree('2026-10-01 00:00+00'), 'the window definition agrees at -Infinity');

-- denormal scores: 5e-324 alone, beside a 0 in the same interval (a mean below the smallest
-- float8), and decayed across intervals
UPDATE ranking_config SET decay_factor = 0.5, history_weight = 50;
SELECT tests.make_contender('fy1', 'task-d');
SELECT tests.make_contender('fy1', 'task-e');
SELECT tests.add_history('fy1-task-d', 5e-324, '2026-08-01 00:10+00');
SELECT tests.add_history('fy1-task-d', 0, '2026-08-01 00:20+00');
SELECT tests.add_history('fy1-task-d', 5e-324, '2026-08-01 01:10+00');
SELECT lives_ok($$SELECT * FROM rank_contenders('task-d', 5, '2026-08-01 01:30+00')$$,
                'ranking with denormal scores raises no underflow');
SELECT ok((SELECT r.own_metric >= 0 AND r.own_metric <= 5e-324 AND r.rank_value = 0
           FROM rank_contenders('task-d', 5, '2026-08-01 01:30+00') r),
          'the denormal scores give a metric between 0 and the smallest float8, rank_value 0');
SELECT ok((SELECT abs(r.own_metric - w.own_metric) <= 5e-324
           FROM rank_contenders('task-d', 5, '2026-08-01 01:30+00') r,
                contender_rank.rank_contenders_window('task-d', 5, '2026-08-01 01:30+00') w),
          'state and window definition agree to the smallest float8');
SELECT lives_ok($$SELECT * FROM rank_contenders('task-d', 5, '2026-08-01 00:30+00')$$,
                'the window fallback over denormal scores raises no underflow');

-- similarity 1e-300 and 5e-324 applied to a metric of 1
INSERT INTO task_similarity (from_task, to_task, similarity) VALUES ('task-g', 'task-e', 1e-300), ('task-h', 'task-e', 5e-324);
SELECT tests.make_contender('fy1', 'task-g');
SELECT tests.make_contender('fy1', 'task-h');
SELECT tests.add_history('fy1-task-g', 1, '2026-08-01 02:10+00');
SELECT tests.add_history('fy1-task-h', 1, '2026-08-01 02:10+00');
SELECT ok(tests.close_to((SELECT r.similar_metric FROM rank_contenders('task-e', 1, '2026-08-01 02:30+00') r), 1e-300),
          'similarity 1e-300 times a metric of 1 is 1e-300; 5e-324 times 1 underflows to 0');
SELECT ok(tests.close_to((SELECT r.similar_metric FROM rank_contenders('task-e', 1, '2026-08-01 03:30+00') r), 5e-301),
          'an interval later the tiny similar metric halves');
SELECT is((SELECT r.similar_metric FROM rank_contenders('task-e', 1, '2026-08-02 02:30+00') r), 0::float8,
          'a day later it has underflowed to 0, without an error');
SELECT ok(tests.close_to((SELECT r.similar_metric FROM contender_rank.rank_contenders_window('task-e', 1, '2026-08-01 02:30+00') r), 1e-300)
          AND (SELECT r.similar_metric FROM contender_rank.rank_contenders_window('task-e', 1, '2026-08-02 02:30+00') r) = 0,
          'the window definition agrees on the tiny similar metric');

SELECT * FROM finish();
ROLLBACK;
