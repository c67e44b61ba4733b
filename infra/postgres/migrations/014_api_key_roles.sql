-- What a key may do. admin: everything; approver: a member that may also approve (experiments,
-- and every workflow signal declared as an approval); member: everything but approvals and the
-- admin endpoints; read-only: reads and queries only.
ALTER TABLE api_keys
  ADD COLUMN role text NOT NULL DEFAULT 'member'
  CHECK (role IN ('admin', 'approver', 'member', 'read-only'));

UPDATE api_keys SET role = 'admin' WHERE is_admin;

-- is_admin stays for the code and queries that read it; it can no longer disagree with the role.
ALTER TABLE api_keys ADD CONSTRAINT api_keys_is_admin_matches_role CHECK (is_admin = (role = 'admin'));
