-- A person's job title, as address books and contact exports carry it ("Network Engineer").
-- Shown on their page and filled in by imports; never part of search ranking.
ALTER TABLE people ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
