-- Task names and node hotkeys are data, never SQL: 100 kB names, emoji,
-- right-to-left text, combining marks and SQL fragments go through rank_contenders,
-- close_period and similarity rows byte for byte (no normalisation: a composed and a
-- decomposed "café" are different tasks).
BEGIN;
SELECT plan(17);

CREATE TEMP TABLE strange (label text PRIMARY KEY, task text NOT NULL) ON COMMIT DROP;
INSERT INTO strange (label, task) VALUES
    ('100k ascii', repeat('chat-llama-', 9091)),
    ('100 kB emoji', repeat('🦙', 25000)),
    ('emoji', '🦙 chat-llama 🚀'),
    ('rtl', 'نموذج‏-دردشة ‮gnirts‬'),
    ('combining nfd', U&'cafe\0301-task'),
    ('combining nfc', U&'caf\00e9-task'),
    ('injection', '''; DROP TABLE contenders; --'),
    ('quotes', 'it''s "quoted" \ back\slash $$ $x$ %s %I');

-- two contenders per task, one of them on a node whose hotkey is hostile too; each first one
-- also serves a base task that is similar to the strange one, so the similar metric is used
SELECT tests.make_contender('node-a', s.task) FROM strange s;
SELECT tests.make_contender('''); DELETE FROM nodes; --', s.task) FROM strange s;
SELECT tests.make_contender('node-a', 'base-task');
INSERT INTO task_similarity (from_task, to_task, similarity) SELECT 'base-task', s.task, 0.5 FROM strange s;
INSERT INTO task_similarity (from_task, to_task, similarity) SELECT s.task, 'base-task', 0.25 FROM strange s;
SELECT tests.add_history('node-a-base-task', 0.8, '2026-07-01 09:30+00');
SELECT tests.add_history('node-a-' || s.task, 0.6, '2026-07-01 09:30+00') FROM strange s;
UPDATE contenders SET total_requests_made = 3, requests_429 = 1;

SELECT is((SELECT count(*) FROM strange WHERE octet_length(task) >= 100000), 2::bigint,
          'two of the task names are at least 100,000 bytes long');
SELECT isnt(U&'cafe\0301-task'::text, U&'caf\00e9-task'::text, 'the composed and decomposed names are different strings');

SELECT is(ARRAY(SELECT s.label || ':' || r.contender_id
                FROM strange s, rank_contenders(s.task, 10, '2026-07-01 10:00+00') r
                WHERE r.contender_id NOT IN ('node-a-' || s.task, '''); DELETE FROM nodes; --' || '-' || s.task)
                   OR r.task <> s.task),
          '{}'::text[], 'every ranking returns only the contenders of its own task, names intact');
SELECT is(ARRAY(SELECT s.label FROM strange s
                WHERE (SELECT count(*) FROM rank_contenders(s.task, 10, '2026-07-01 10:00+00')) <> 2),
          '{}'::text[], 'every strange task ranks both of its contenders');
SELECT is(ARRAY(SELECT s.label FROM strange s, rank_contenders(s.task, 10, '2026-07-01 10:00+00') r
                WHERE r.contender_id = 'node-a-' || s.task AND NOT (r.own_metric > 0 AND r.similar_metric > 0)),
          '{}'::text[], 'own history and the similarity row both count for every strange task');
-- as of the interval of the history rows, so nothing has decayed yet
SELECT ok(tests.close_to((SELECT r.similar_metric FROM rank_contenders('base-task', 1, '2026-07-01 09:45+00') r),
                         (SELECT sum(0.25 * 0.6) FROM strange)::float8),
          'the base task borrows from every strange task through similarity rows naming them');
SELECT ok(tests.all_rankings_agree('2026-07-01 10:00+00'),
          'rank_contenders equals the window definition for every strange task');

-- the period closes: by close_period in the standalone layout, by nineteen's own INSERT when adopted
SELECT contender_rank.layout() = 'standalone' AS standalone \gset
\if :standalone
SELECT is(close_period('2026-07-01 10:30+00'), (SELECT 2 * count(*) + 1 FROM strange)::int,
          'close_period closes every contender of the strange tasks');
\else
SELECT is(tests.insert_history($$SELECT contender_id, 0.5, timestamptz '2026-07-01 10:30+00' FROM contenders$$)::int,
          (SELECT 2 * count(*) + 1 FROM strange)::int, 'nineteen closes the period for every contender of the strange tasks');
\endif
SELECT is(ARRAY(SELECT s.label FROM strange s
                WHERE (SELECT count(*) FROM tests.history h
                       WHERE h.task = s.task AND h.expired_at = '2026-07-01 10:30+00'
                         AND h.contender_id IN ('node-a-' || s.task, '''); DELETE FROM nodes; --' || '-' || s.task)) <> 2),
          '{}'::text[], 'the history holds the strange names byte for byte');
SELECT is(tests.check_both_paths('2026-07-01 11:00+00'), '{}'::text[],
          'after the close both paths still equal the definition');

SELECT is((SELECT count(*) FROM rank_contenders(U&'cafe\0301-task', 10, '2026-07-01 11:00+00') r
           WHERE r.task = U&'caf\00e9-task'), 0::bigint,
          'a decomposed task name never matches the composed one');
SELECT has_table('public', 'contenders', 'the injection text left contenders in place');
SELECT is((SELECT count(*) FROM nodes), 2::bigint, 'the injection text in a hotkey deleted no node');

-- names PostgreSQL cannot store: a clear error, nothing changed
SELECT is((SELECT count(*) FROM rank_contenders((SELECT string_agg(md5(i::text), '') FROM generate_series(1, 3125) i),
                                                  1000000000)),
          0::bigint, 'ranking an incompressible 100,000-character task with no contender returns nothing, no error');
-- a btree entry holds at most 2704 bytes after compression
SELECT throws_ok($$SELECT tests.make_contender('node-a', repeat('🦙', 100000))$$, '54000', NULL,
                 'a 100,000-emoji task (400 kB) is refused by the btree index (program_limit_exceeded)');
SELECT throws_ok($$SELECT tests.make_contender('node-a', 'nul' || chr(0))$$, '54000', NULL,
                 'a NUL character in a task name is refused');
SELECT is((SELECT count(*) FROM contenders), (SELECT 2 * count(*) + 1 FROM strange),
          'the refused names added no contender');

SELECT * FROM finish();
ROLLBACK;
