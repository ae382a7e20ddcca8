-- vpnfo pki schema, version 2: each group's policy-signing certificate,
-- issued by the group CA, whose key signs the served policy (step 105).
-- A group created before this version has no row until it next signs a
-- policy. The key is encrypted PKCS#8, like groups.ca_key.
CREATE TABLE policy_signers (
	group_name TEXT PRIMARY KEY REFERENCES groups(name),
	cert TEXT NOT NULL,
	key_enc TEXT NOT NULL,
	not_after BIGINT NOT NULL
);
