// SPDX-License-Identifier: GPL-2.0
#include "server.h"
#include "lib/log.h"
#include "util.h"

#include <errno.h>

#include <openssl/err.h>

static int verify_later(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	/* Accepted here, judged per request: which CA is right depends on
	 * the user named in the certificate (api_peer_check). The TLS layer
	 * still proves the client holds the certificate's key. */
	return 1;
}

int tls_server_ctx(struct authority *a, const char *const *sans, SSL_CTX **out)
{
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	SSL_CTX *ctx = NULL;
	int err;

	err = auth_service_ca(a, &ca, &cakey);
	if (err) {
		log_error("no service CA (run 'vpnfo-pki init'): %s", strerror(-err));
		return err;
	}
	err = ca_key_generate("ec", &key);
	if (!err)
		err = ca_issue(ca, cakey, key, sans[0], 30, CA_KIND_SERVICE, sans, &cert);
	if (err)
		goto out;
	ctx = SSL_CTX_new(TLS_server_method());
	err = -EIO;
	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    /* TLS 1.2: forward-secret AEAD suites only. */
	    !SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_add1_chain_cert(ctx, ca) != 1 || SSL_CTX_check_private_key(ctx) != 1)
		goto out;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
				 SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_later);
	*out = ctx;
	ctx = NULL;
	err = 0;
out:
	if (err)
		log_error("cannot set up TLS: %s", ERR_reason_error_string(ERR_peek_last_error()));
	ERR_clear_error();
	SSL_CTX_free(ctx);
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	return err;
}
