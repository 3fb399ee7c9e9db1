-- The categories of data subjects a breach concerns (Art. 33(3)(a)): members, volunteers,
-- staff … — a notification names them beside the approximate number of people.
ALTER TABLE breaches ADD COLUMN subject_categories VARCHAR[] DEFAULT []::VARCHAR[];
UPDATE breaches SET subject_categories = []::VARCHAR[];
