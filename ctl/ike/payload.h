/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IKE_PAYLOAD_H
#define IKE_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* RFC 7296 numbers this implementation speaks. */

/* The IKE header (§3.1) and where its fields are. */
#define IKE_HDR_LEN		28
#define IKE_HDR_NEXT_OFF	16	/* Next Payload */
#define IKE_HDR_EXCH_OFF	18	/* Exchange Type */
#define IKE_HDR_FLAGS_OFF	19
#define IKE_HDR_MSGID_OFF	20
#define IKE_HDR_LEN_OFF		24	/* Length, of the whole message */
#define IKE_VERSION		0x20	/* major 2, minor 0 */
#define IKE_MSG_MAX		65535

/* The generic payload header (§3.2). */
#define IKE_PL_HDR_LEN		4
#define IKE_PL_CRITICAL		0x80	/* flags: the critical bit */

enum ike_exchange {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	IKE_CREATE_CHILD_SA = 36,
	IKE_INFORMATIONAL = 37,
};

#define IKE_FLAG_I		0x08
#define IKE_FLAG_V		0x10
#define IKE_FLAG_R		0x20

enum ike_pl_type {
	IKE_PL_NONE = 0,
	IKE_PL_SA = 33,
	IKE_PL_KE = 34,
	IKE_PL_IDI = 35,
	IKE_PL_IDR = 36,
	IKE_PL_CERT = 37,
	IKE_PL_CERTREQ = 38,
	IKE_PL_AUTH = 39,
	IKE_PL_NONCE = 40,
	IKE_PL_N = 41,
	IKE_PL_D = 42,
	IKE_PL_V = 43,
	IKE_PL_TSI = 44,
	IKE_PL_TSR = 45,
	IKE_PL_SK = 46,
	IKE_PL_CP = 47,
	IKE_PL_EAP = 48,
	IKE_PL_SKF = 53,
};

/* Proposal and transform substructures (§3.3.1, §3.3.2). */
#define IKE_PROP_HDR_LEN	8
#define IKE_PROP_MORE		2	/* Last Substruc: another follows */
#define IKE_XFORM_HDR_LEN	8
#define IKE_XFORM_MORE		3
/* SPI Size of a proposal, notify or delete (§3.3.1, §3.10, §3.11). */
#define IKE_SPI_SIZE_IKE	8
#define IKE_SPI_SIZE_ESP	4
/* Transform attributes (§3.3.5): AF set is the 4-byte TV format. */
#define IKE_ATTR_TV		0x8000
#define IKE_ATTR_KEY_LENGTH	14

enum ike_xform_type {
	IKE_XF_ENCR = 1,
	IKE_XF_PRF = 2,
	IKE_XF_INTEG = 3,
	IKE_XF_DH = 4,
	IKE_XF_ESN = 5,
};

enum {
	IKE_ENCR_AES_CBC = 12,
	IKE_ENCR_AES_GCM16 = 20,
	IKE_PRF_HMAC_SHA2_256 = 5,
	IKE_PRF_HMAC_SHA2_384 = 6,
	IKE_PRF_HMAC_SHA2_512 = 7,
	IKE_INTEG_NONE = 0,
	IKE_INTEG_SHA2_256_128 = 12,
	IKE_INTEG_SHA2_384_192 = 13,
	IKE_INTEG_SHA2_512_256 = 14,
	IKE_DH_MODP2048 = 14,
	IKE_DH_ECP256 = 19,
	IKE_DH_ECP384 = 20,
	IKE_DH_CURVE25519 = 31,
};

enum { IKE_PROTO_IKE = 1, IKE_PROTO_AH = 2, IKE_PROTO_ESP = 3 };

/* §3.10.1: types below this are errors, from it on status. */
#define IKE_N_STATUS_FIRST	16384

enum ike_notify {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	IKE_N_INVALID_IKE_SPI = 4,
	IKE_N_INVALID_MAJOR_VERSION = 5,
	IKE_N_INVALID_SYNTAX = 7,
	IKE_N_INVALID_MESSAGE_ID = 9,
	IKE_N_INVALID_SPI = 11,
	IKE_N_NO_PROPOSAL_CHOSEN = 14,
	IKE_N_INVALID_KE_PAYLOAD = 17,
	IKE_N_AUTHENTICATION_FAILED = 24,
	IKE_N_SINGLE_PAIR_REQUIRED = 34,
	IKE_N_NO_ADDITIONAL_SAS = 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE = 36,
	IKE_N_FAILED_CP_REQUIRED = 37,
	IKE_N_TS_UNACCEPTABLE = 38,
	IKE_N_INVALID_SELECTORS = 39,
	IKE_N_TEMPORARY_FAILURE = 43,
	IKE_N_CHILD_SA_NOT_FOUND = 44,
	IKE_N_INITIAL_CONTACT = 16384,
	IKE_N_SET_WINDOW_SIZE = 16385,
	IKE_N_NAT_DETECTION_SOURCE_IP = 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP = 16389,
	IKE_N_COOKIE = 16390,
	IKE_N_USE_TRANSPORT_MODE = 16391,
	IKE_N_REKEY_SA = 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	IKE_N_SIGNATURE_HASH_ALGORITHMS = 16431,
};

enum { IKE_ID_IPV4 = 1, IKE_ID_FQDN = 2, IKE_ID_RFC822 = 3, IKE_ID_IPV6 = 5,
       IKE_ID_DER_ASN1_DN = 9 };
enum { IKE_CERT_X509_SIG = 4 };
enum { IKE_AUTH_RSA_SIG = 1, IKE_AUTH_ECDSA256 = 9, IKE_AUTH_DIGSIG = 14 };
enum { IKE_TS_IPV4 = 7, IKE_TS_IPV6 = 8 };
/* Traffic selector header and payload header (§3.13, §3.13.1). */
#define IKE_TS_HDR_LEN		8
#define IKE_TS_PL_HDR_LEN	4

/* Nonce Data is 16 to 256 octets (§3.9). */
#define IKE_NONCE_LEN_MIN	16
#define IKE_NONCE_LEN_MAX	256

/*
 * SHA-1 length: NAT_DETECTION_*_IP hashes (§2.23) and the CA key IDs of
 * CERTREQ for X.509 (§3.7).
 */
#define IKE_SHA1_LEN		20

struct ike_hdr {
	uint64_t spi_i;
	uint64_t spi_r;
	uint8_t next;
	uint8_t version;
	uint8_t exch;
	uint8_t flags;
	uint32_t msgid;
	uint32_t length;
};

/* One payload of a chain, not yet interpreted. */
struct ike_payload {
	uint8_t type;
	bool critical;
	const uint8_t *body;
	size_t len;
};

#define IKE_PAYLOADS_MAX	48

struct ike_chain {
	unsigned int n;
	struct ike_payload pl[IKE_PAYLOADS_MAX];
	/* Type of the first unknown payload with the critical bit, or 0. */
	uint8_t unsupported_critical;
	/* An SK payload is always last; its inner chain starts with sk_next. */
	const struct ike_payload *sk;
	uint8_t sk_next;
	const char *why;	/* on failure: what was malformed */
};

#define IKE_XFORMS_MAX		32
#define IKE_PROPS_MAX		16

struct ike_xform {
	uint8_t type;
	uint16_t id;
	uint16_t keylen;	/* bits, 0 if no attribute */
	bool unusable;		/* carried an attribute we do not know */
};

struct ike_prop {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t spi[8];
	unsigned int nx;
	struct ike_xform x[IKE_XFORMS_MAX];
};

struct ike_sa_pl {
	unsigned int np;
	struct ike_prop p[IKE_PROPS_MAX];
};

struct ike_ts {
	uint8_t type;
	uint8_t proto;
	uint16_t sport, eport;
	uint8_t start[16], end[16];
};

#define IKE_TS_MAX		8

struct ike_ts_pl {
	unsigned int n;
	struct ike_ts ts[IKE_TS_MAX];
};

struct ike_notify_pl {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
	const uint8_t *spi;
	const uint8_t *data;
	size_t len;
};

struct ike_delete_pl {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;
	const uint8_t *spis;
};

struct ike_blob {
	const uint8_t *p;
	size_t len;
};

#define IKE_NOTIFY_MAX		16
#define IKE_CERTS_MAX		4
#define IKE_DELETES_MAX		8

/* Every payload of a message (or of its SK), validated and decoded. */
struct ike_pls {
	bool has_sa, has_ke, has_nonce, has_idi, has_idr, has_auth;
	bool has_tsi, has_tsr;
	struct ike_sa_pl sa;
	uint16_t ke_group;
	struct ike_blob ke;
	struct ike_blob nonce;
	uint8_t idi_type, idr_type;
	struct ike_blob idi, idr;	/* data after the 4-byte ID header */
	struct ike_blob idi_body, idr_body; /* whole body, for AUTH */
	unsigned int ncert;
	uint8_t cert_enc[IKE_CERTS_MAX];
	struct ike_blob cert[IKE_CERTS_MAX];
	bool has_certreq;
	struct ike_blob certreq;
	uint8_t auth_method;
	struct ike_blob auth;
	struct ike_ts_pl tsi, tsr;
	unsigned int nn;
	struct ike_notify_pl n[IKE_NOTIFY_MAX];
	unsigned int nd;
	struct ike_delete_pl d[IKE_DELETES_MAX];
	uint8_t bad_type;	/* the payload that failed to decode */
	const char *why;	/* and what was wrong with it */
};

/*
 * The parsers fail with -EBADMSG (-E2BIG: more than we keep,
 * -EPROTONOSUPPORT: a critical payload we do not speak) and say why in
 * a constant string: *why, or the why of the chain or payloads.
 */
int ike_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h);
int ike_hdr_parse_why(const uint8_t *p, size_t len, struct ike_hdr *h,
		      const char **why);
/* Splits a chain; checks generic headers only. */
int ike_chain_parse(uint8_t first, const uint8_t *p, size_t len,
		    struct ike_chain *c);
/* Validates and decodes every payload of a chain (SK excluded). */
int ike_pls_decode(const struct ike_chain *c, struct ike_pls *out);
int ike_sa_pl_parse(const uint8_t *p, size_t len, struct ike_sa_pl *sa,
		    const char **why);
int ike_ts_pl_parse(const uint8_t *p, size_t len, struct ike_ts_pl *ts,
		    const char **why);

const struct ike_notify_pl *ike_pls_notify(const struct ike_pls *pls,
					   uint16_t type);
/* The first error notify (type < 16384), or NULL. */
const struct ike_notify_pl *ike_pls_error(const struct ike_pls *pls);

/*
 * Builder: writes a payload chain, linking each generic header's "next
 * payload" to the following one. The first type is written at first_off
 * (the IKE header's next-payload byte) or, for an inner chain, kept in
 * first.
 */
struct ike_bld {
	struct ike_wr w;
	size_t next_off;	/* SIZE_MAX: record into first */
	uint8_t first;
};

void ike_bld_init(struct ike_bld *b, uint8_t *buf, size_t cap);
void ike_bld_hdr(struct ike_bld *b, const struct ike_hdr *h);
/* Patches the header's length field. Returns total length or -errno. */
int ike_bld_finish(struct ike_bld *b);
size_t ike_pl_begin(struct ike_bld *b, uint8_t type);
void ike_pl_end(struct ike_bld *b, size_t start);

void ike_pl_sa(struct ike_bld *b, const struct ike_sa_pl *sa);
void ike_pl_ke(struct ike_bld *b, uint16_t group, const uint8_t *p, size_t n);
void ike_pl_blob(struct ike_bld *b, uint8_t type, const uint8_t *p, size_t n);
void ike_pl_id(struct ike_bld *b, uint8_t type, uint8_t id_type,
	       const uint8_t *p, size_t n);
void ike_pl_cert(struct ike_bld *b, uint8_t type, uint8_t enc,
		 const uint8_t *p, size_t n);
void ike_pl_auth(struct ike_bld *b, uint8_t method, const uint8_t *p,
		 size_t n);
void ike_pl_notify(struct ike_bld *b, uint8_t proto, const uint8_t *spi,
		   uint8_t spi_size, uint16_t type, const uint8_t *data,
		   size_t n);
void ike_pl_ts(struct ike_bld *b, uint8_t type, const struct ike_ts_pl *ts);
void ike_pl_delete(struct ike_bld *b, uint8_t proto, uint8_t spi_size,
		   const uint8_t *spis, uint16_t nspi);

#endif
