-- What a finding concerns, in columns of its own (audits.checking.api.Finding), so that
-- the risk of a processing activity joins on them instead of reading subjects and details.
ALTER TABLE findings ADD COLUMN activity VARCHAR;         -- a processing activity's name
ALTER TABLE findings ADD COLUMN processor VARCHAR;        -- a processor's name in the register
ALTER TABLE findings ADD COLUMN systems VARCHAR[];        -- systems whose use the finding counts
ALTER TABLE findings ADD COLUMN record_category VARCHAR;  -- a category of records

-- Existing findings, from what the built-in checks wrote until now.
UPDATE findings SET activity = subject WHERE check_id = 'activities';
UPDATE findings SET processor = split_part(subject, ' – ', 1) WHERE check_id = 'processors';
UPDATE findings SET systems = CAST(json_extract(details, '$.system_list') AS VARCHAR[])
    WHERE check_id IN ('access_logs', 'training') AND json_array_length(details, '$.system_list') > 0;
UPDATE findings SET record_category = json_extract_string(details, '$.category') WHERE check_id = 'retention';
