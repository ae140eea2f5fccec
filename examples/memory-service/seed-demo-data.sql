-- Demo data: 3,000 memories with random 1536-dimensional embeddings, so the IVFFlat
-- preflight and build have something real to work on.
INSERT INTO "Memory" ("id", "userId", "content", "embedding")
SELECT 'm' || g, 'user' || (g % 50), 'memory ' || g,
       (SELECT array_agg(random())::vector(1536) FROM generate_series(1, 1536) WHERE g > 0)
FROM generate_series(1, 3000) AS g
ON CONFLICT ("id") DO NOTHING;
