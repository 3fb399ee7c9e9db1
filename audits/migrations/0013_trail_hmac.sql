-- Issue 15: the audit trail is chained with HMAC-SHA256 under a trail key kept outside the
-- database, so that writing the file is not enough to forge it. SQL cannot compute that
-- MAC: every old entry keeps its SHA-256 hash here, and the mark below asks
-- audits/trail.py (attach, once the keys are bound) to verify the old chain, chain its
-- intact entries anew under the key and record a trail.upgrade entry, a break included.
ALTER TABLE trail ADD COLUMN legacy_hash VARCHAR;
UPDATE trail SET legacy_hash = hash;
INSERT INTO settings VALUES ('trail_upgrade', 'pending');
