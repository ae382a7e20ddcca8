-- vpnfo pki schema, version 1. Portable SQL for SQLite and PostgreSQL;
-- @AUTOID@ is the backend's auto-increment primary key column type.
CREATE TABLE meta (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE groups (
	name TEXT PRIMARY KEY,
	ca_cert TEXT NOT NULL,
	ca_key TEXT NOT NULL,
	policy TEXT NOT NULL,
	created BIGINT NOT NULL
);
CREATE TABLE users (
	name TEXT PRIMARY KEY,
	group_name TEXT NOT NULL REFERENCES groups(name),
	pwhash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created BIGINT NOT NULL
);
CREATE TABLE gateways (
	name TEXT PRIMARY KEY,
	addresses TEXT NOT NULL,
	priority INTEGER NOT NULL,
	enabled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE gateway_groups (
	gateway TEXT NOT NULL REFERENCES gateways(name),
	group_name TEXT NOT NULL REFERENCES groups(name),
	PRIMARY KEY (gateway, group_name)
);
CREATE TABLE certs (
	serial TEXT PRIMARY KEY,
	subject TEXT NOT NULL,
	group_name TEXT NOT NULL REFERENCES groups(name),
	kind TEXT NOT NULL,
	not_before BIGINT NOT NULL,
	not_after BIGINT NOT NULL,
	revoked_at BIGINT,
	reason INTEGER,
	pem TEXT NOT NULL
);
CREATE INDEX certs_group ON certs(group_name);
CREATE TABLE audit (
	id @AUTOID@,
	at BIGINT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL
);
