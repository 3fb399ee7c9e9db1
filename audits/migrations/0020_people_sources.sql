-- Which people a directory Vern pulls (a [sources.<name>] of kind entra_directory or
-- google_directory) wrote: only that source replaces them, and the CSV import
-- (`vern import people`) leaves them be. A person with no row here came from the CSV, as
-- everyone did before. A table of its own, not a column of `people`: rows written with
-- `INSERT INTO people VALUES (…)` keep their meaning.
CREATE TABLE people_sources (
    person  VARCHAR PRIMARY KEY,   -- pseudonym, as in people
    source  VARCHAR NOT NULL       -- the name in [sources.<name>]
);
