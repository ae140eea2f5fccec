CREATE TABLE t (
  id int
);
-- CreateIndex
CREATE INDEX t_id ON t (id);
