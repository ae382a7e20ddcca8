// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo-pki: the administration tool for groups, users, gateways,
 * certificates and policies. One function per subcommand, a table to
 * find them; --json for machine-readable output.
 */
#include "authority.h"
#include "lib/log.h"
#include "json.h"
#include "pwhash.h"
#include "util.h"
#include "lib/num.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

static bool opt_json;
static const char *opt_db;
static const char *opt_secret;

static const char *actor(void)
{
	static char buf[64];
	const char *u = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");

	snprintf(buf, sizeof(buf), "admin:%s", u ? u : "?");
	return buf;
}

/* A strict number argument; the bad value is quoted. 0 or -EINVAL. */
static int arg_int(const char *what, const char *s, uint32_t min,
		   uint32_t max, int *out)
{
	uint32_t v;
	int err = num_parse_u32(s, min, max, &v);

	if (err) {
		fprintf(stderr, "vpnfo-pki: invalid %s '%s' (%s, want %u-%u)\n",
			what, s, num_strerror(err), min, max);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

static int report(int err, const char *what, const char *name)
{
	if (err)
		fprintf(stderr, "vpnfo-pki: %s '%s': %s\n", what, name,
			err == -EEXIST ? "already exists" :
			err == -ENOENT ? "not found (or refers to something missing)" :
			strerror(-err));
	return err ? 1 : 0;
}

static int open_auth(struct authority *a, bool create)
{
	int err = auth_open(a, opt_db, opt_secret, create);

	if (err)
		fprintf(stderr, "vpnfo-pki: cannot open the store '%s' with secret '%s': %s\n",
			opt_db, opt_secret, strerror(-err));
	return err;
}

static void print_json_str(const char *key, const char *val, bool comma)
{
	struct sbuf b = { 0 };

	json_add_str(&b, val);
	printf("%s\"%s\":%s", comma ? "," : "", key, b.data);
	sbuf_free(&b);
}

typedef int (*lister_fn)(struct store *st, const char *arg, bool *first);

/* Opens the store, prints what fn lists (a JSON array with --json). */
static int run_list(lister_fn fn, const char *arg, const char *what)
{
	struct authority a;
	bool first = true;
	int err;

	if (open_auth(&a, false))
		return 1;
	if (opt_json)
		printf("[");
	err = fn(a.st, arg, &first);
	if (opt_json)
		printf("]\n");
	auth_close(&a);
	return report(err, what, arg ? arg : "");
}

static int cmd_init(int argc, char **argv)
{
	struct authority a;
	X509 *cert;
	char fp[CA_FP_HEX];
	int err;

	(void)argc;
	(void)argv;
	if (open_auth(&a, true))
		return 1;
	err = auth_init(&a, actor());
	if (err == -EEXIST)
		err = 0; /* idempotent */
	if (!err)
		err = auth_service_ca(&a, &cert, NULL);
	if (!err) {
		ca_cert_fingerprint(cert, fp);
		if (opt_json)
			printf("{\"service_ca_sha256\":\"%s\"}\n", fp);
		else
			printf("service CA SHA-256 fingerprint: %s\n", fp);
		X509_free(cert);
	}
	auth_close(&a);
	return report(err, "init", opt_db);
}

static int cmd_group_add(int argc, char **argv)
{
	const char *type = "ec";
	struct authority a;
	int days = 3650, err, i;

	if (argc < 1)
		return -EINVAL;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rsa"))
			type = "rsa";
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			type = argv[++i];
		else if (!strcmp(argv[i], "--days") && i + 1 < argc) {
			if (arg_int("--days", argv[++i], 1, 36500, &days))
				return -EINVAL;
		} else
			return -EINVAL;
	}
	if (open_auth(&a, false))
		return 1;
	err = auth_group_create(&a, argv[0], type, days, actor());
	auth_close(&a);
	if (!err && !opt_json)
		printf("group %s created\n", argv[0]);
	return report(err, "group add", argv[0]);
}

static int print_group(void *ctx, const struct store_group *g)
{
	X509 *cert = NULL;
	char fp[CA_FP_HEX] = "?";
	bool *first = ctx;

	if (!ca_cert_from_pem(g->ca_cert, strlen(g->ca_cert), &cert))
		ca_cert_fingerprint(cert, fp);
	X509_free(cert);
	if (opt_json) {
		printf("%s{", *first ? "" : ",");
		print_json_str("name", g->name, false);
		printf(",\"ca_sha256\":\"%s\",\"created\":%lld}", fp, (long long)g->created);
	} else {
		printf("%-20s CA SHA-256 %s\n", g->name, fp);
	}
	*first = false;
	return 0;
}

static int lst_group_list(struct store *st, const char *arg, bool *first)
{
	(void)arg;
	return store_group_list(st, print_group, first);
}

static int cmd_group_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return run_list(lst_group_list, NULL, "group list");
}

static int cmd_group_ca(int argc, char **argv)
{
	struct store_group g;
	struct authority a;
	int err;

	if (argc != 1)
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = store_group_get(a.st, argv[0], &g);
	if (!err) {
		fputs(g.ca_cert, stdout);
		store_group_free(&g);
	}
	auth_close(&a);
	return report(err, "group", argv[0]);
}

static int cmd_policy_show(int argc, char **argv)
{
	struct authority a;
	struct sbuf b = { 0 };
	int err;

	if (argc != 1)
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = auth_policy_served(&a, argv[0], &b);
	if (!err)
		printf("%s\n", b.data);
	sbuf_free(&b);
	auth_close(&a);
	return report(err, "policy of group", argv[0]);
}

static int cmd_policy_set(int argc, char **argv)
{
	struct authority a;
	struct sbuf b = { 0 };
	char why[256] = "";
	int err;

	if (argc != 2)
		return -EINVAL;
	err = file_read(strcmp(argv[1], "-") ? argv[1] : "/dev/stdin", 65536, &b);
	if (err || !b.data)
		return report(err ? err : -EINVAL, "policy file", argv[1]);
	if (open_auth(&a, false)) {
		sbuf_free(&b);
		return 1;
	}
	err = auth_policy_set(&a, argv[0], b.data, actor(), why, sizeof(why));
	auth_close(&a);
	sbuf_free(&b);
	if (err == -EINVAL && why[0]) {
		fprintf(stderr, "vpnfo-pki: policy refused: %s\n", why);
		return 1;
	}
	return report(err, "policy of group", argv[0]);
}

static int cmd_user_add(int argc, char **argv)
{
	struct authority a;
	char pw[PWHASH_PASS_MAX + 2];
	int err;

	if (argc != 2)
		return -EINVAL;
	if (password_read(pw, sizeof(pw)))
		return report(-EINVAL, "password for", argv[0]);
	if (open_auth(&a, false))
		return 1;
	err = auth_user_add(&a, argv[0], argv[1], pw, actor());
	OPENSSL_cleanse(pw, sizeof(pw));
	auth_close(&a);
	return report(err, "user add", argv[0]);
}

static int cmd_user_passwd(int argc, char **argv)
{
	struct authority a;
	char pw[PWHASH_PASS_MAX + 2];
	int err;

	if (argc != 1)
		return -EINVAL;
	if (password_read(pw, sizeof(pw)))
		return report(-EINVAL, "password for", argv[0]);
	if (open_auth(&a, false))
		return 1;
	err = auth_user_passwd(&a, argv[0], pw, actor());
	OPENSSL_cleanse(pw, sizeof(pw));
	auth_close(&a);
	return report(err, "user passwd", argv[0]);
}

typedef int (*toggle_fn)(struct authority *a, const char *name, bool disabled,
			 const char *actor);

static int toggle(int argc, char **argv, toggle_fn fn, bool disabled, const char *what)
{
	struct authority a;
	int err;

	if (argc != 1)
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = fn(&a, argv[0], disabled, actor());
	auth_close(&a);
	return report(err, what, argv[0]);
}

static int cmd_user_disable(int argc, char **argv)
{
	return toggle(argc, argv, auth_user_disable, true, "user");
}

static int cmd_user_enable(int argc, char **argv)
{
	return toggle(argc, argv, auth_user_disable, false, "user");
}

static int print_user(void *ctx, const struct store_user *u)
{
	bool *first = ctx;

	if (opt_json) {
		printf("%s{", *first ? "" : ",");
		print_json_str("name", u->name, false);
		print_json_str("group", u->group, true);
		printf(",\"disabled\":%s}", u->disabled ? "true" : "false");
	} else {
		printf("%-20s %-20s %s\n", u->name, u->group, u->disabled ? "disabled" : "");
	}
	*first = false;
	return 0;
}

static int lst_user_list(struct store *st, const char *arg, bool *first)
{
	(void)arg;
	return store_user_list(st, print_user, first);
}

static int cmd_user_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return run_list(lst_user_list, NULL, "user list");
}

static int cmd_gateway_add(int argc, char **argv)
{
	const char *groups[17] = { 0 }, *addrs = NULL;
	struct authority a;
	int prio = -1, ng = 0, i, err;

	if (argc < 1)
		return -EINVAL;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--addr") && i + 1 < argc)
			addrs = argv[++i];
		else if (!strcmp(argv[i], "--priority") && i + 1 < argc) {
			if (arg_int("--priority", argv[++i], 0, INT32_MAX,
				    &prio))
				return -EINVAL;
		} else if (!strcmp(argv[i], "--group") && i + 1 < argc && ng < 16)
			groups[ng++] = argv[++i];
		else
			return -EINVAL;
	}
	if (!addrs || prio < 0)
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = auth_gateway_add(&a, argv[0], addrs, prio, groups, actor());
	auth_close(&a);
	return report(err, "gateway add", argv[0]);
}

static int cmd_gateway_prio(int argc, char **argv)
{
	struct authority a;
	int err;

	int prio;

	if (argc != 2 || arg_int("priority", argv[1], 0, INT32_MAX, &prio))
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = auth_gateway_set_priority(&a, argv[0], prio, actor());
	auth_close(&a);
	return report(err, "gateway", argv[0]);
}

static int cmd_gateway_disable(int argc, char **argv)
{
	return toggle(argc, argv, auth_gateway_disable, true, "gateway");
}

static int cmd_gateway_enable(int argc, char **argv)
{
	return toggle(argc, argv, auth_gateway_disable, false, "gateway");
}

static int print_gw(void *ctx, const struct store_gateway *gw)
{
	bool *first = ctx;

	if (opt_json) {
		printf("%s{", *first ? "" : ",");
		print_json_str("name", gw->name, false);
		print_json_str("addresses", gw->addresses, true);
		printf(",\"priority\":%d,\"enabled\":%s}", gw->priority,
		       gw->enabled ? "true" : "false");
	} else {
		printf("%-20s prio %-5d %-30s %s\n", gw->name, gw->priority, gw->addresses,
		       gw->enabled ? "" : "disabled");
	}
	*first = false;
	return 0;
}

static int lst_gateway_list(struct store *st, const char *arg, bool *first)
{
	return store_gateway_list(st, arg, false, print_gw, first);
}

static int cmd_gateway_list(int argc, char **argv)
{
	if (argc > 1)
		return -EINVAL;
	return run_list(lst_gateway_list, argc ? argv[0] : NULL, "gateway list");
}

struct export_ctx {
	struct authority *a;
	struct store_gateway gw;
	const char *dir;
	bool issue;
	int err;
	int n;
};

static int write_text(const char *dir, const char *group, const char *suffix, const char *s,
		      unsigned int mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s%s", dir, group, suffix);
	return file_write(path, s, strlen(s), mode);
}

/* For one group the gateway serves: its CA, policy, CRL and (issue) a
 * fresh gateway key and certificate from the group's CA. */
static int export_group(void *ctx, const char *group)
{
	struct export_ctx *e = ctx;
	const char *sans[POLICY_MAX_ADDRS + 1] = { 0 };
	char addrs[512], *tok, *save, *kpem = NULL, *cpem = NULL, *capem = NULL;
	struct sbuf pol = { 0 };
	X509_CRL *crl = NULL;
	X509 *cert = NULL, *ca = NULL;
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	int err, i = 0;

	err = auth_group_load(e->a, group, &ca, NULL, NULL);
	if (!err)
		err = ca_cert_to_pem(ca, &capem);
	if (!err)
		err = write_text(e->dir, group, "-ca.crt", capem, 0644);
	if (!err)
		err = auth_policy_served(e->a, group, &pol);
	if (!err)
		err = write_text(e->dir, group, "-policy.json", pol.data, 0644);
	if (!err)
		err = auth_crl(e->a, group, &crl);
	if (!err) {
		char *data;
		long n;

		bio = BIO_new(BIO_s_mem());
		if (!bio || !PEM_write_bio_X509_CRL(bio, crl))
			err = -EIO;
		n = bio ? BIO_get_mem_data(bio, &data) : 0;
		if (!err) {
			data[n - 1] = '\0'; /* PEM ends with a newline */
			err = write_text(e->dir, group, ".crl", data, 0644);
		}
	}
	if (!err && e->issue) {
		snprintf(addrs, sizeof(addrs), "%s", e->gw.addresses);
		for (tok = strtok_r(addrs, ",", &save); tok && i < POLICY_MAX_ADDRS;
		     tok = strtok_r(NULL, ",", &save))
			sans[i++] = tok;
		err = ca_key_generate("ec", &key);
		if (!err)
			err = auth_issue(e->a, group, key, e->gw.name, CA_KIND_GATEWAY, sans, 825,
					 actor(), &cert);
		if (!err)
			err = ca_key_to_pem(key, &kpem);
		if (!err)
			err = write_text(e->dir, group, ".key", kpem, 0600);
		if (!err)
			err = ca_cert_to_pem(cert, &cpem);
		if (!err)
			err = write_text(e->dir, group, ".crt", cpem, 0644);
	}
	if (!err && !opt_json)
		printf("group %s: %s/%s{-ca.crt,-policy.json,.crl%s}\n", group, e->dir, group,
		       e->issue ? ",.key,.crt" : "");
	if (kpem) {
		OPENSSL_cleanse(kpem, strlen(kpem));
		free(kpem);
	}
	free(cpem);
	free(capem);
	sbuf_free(&pol);
	BIO_free(bio);
	X509_CRL_free(crl);
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	e->n++;
	if (err)
		e->err = err;
	return err;
}

static int gateway_export(int argc, char **argv, bool issue)
{
	struct export_ctx e = { .issue = issue };
	struct authority a;
	int i, err;

	if (argc < 1)
		return -EINVAL;
	e.dir = ".";
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			e.dir = argv[++i];
		else
			return -EINVAL;
	}
	if (mkdir(e.dir, 0755) < 0 && errno != EEXIST)
		return report(-errno, "directory", e.dir);
	if (open_auth(&a, false))
		return 1;
	e.a = &a;
	err = store_gateway_get(a.st, argv[0], &e.gw);
	if (!err) {
		err = store_gateway_groups(a.st, argv[0], export_group, &e);
		if (!err && e.err)
			err = e.err;
		store_gateway_free(&e.gw);
	}
	if (!err) {
		X509 *svc;
		char *pem = NULL;

		/* Clients of this gateway's enrollment service pin this CA. */
		err = auth_service_ca(&a, &svc, NULL);
		if (!err) {
			err = ca_cert_to_pem(svc, &pem);
			if (!err)
				err = write_text(e.dir, "service", "-ca.crt", pem, 0644);
			free(pem);
			X509_free(svc);
		}
	}
	if (!err && opt_json)
		printf("{\"gateway\":\"%s\",\"groups\":%d,\"dir\":\"%s\"}\n", argv[0], e.n, e.dir);
	auth_close(&a);
	return report(err, "gateway export", argv[0]);
}

static int cmd_gateway_issue(int argc, char **argv)
{
	return gateway_export(argc, argv, true);
}

static int cmd_gateway_export(int argc, char **argv)
{
	return gateway_export(argc, argv, true);
}

static int print_cert(void *ctx, const struct store_cert *c)
{
	bool *first = ctx;
	char nb[32], na[32];
	time_t t;

	t = (time_t)c->not_before;
	strftime(nb, sizeof(nb), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	t = (time_t)c->not_after;
	strftime(na, sizeof(na), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	if (opt_json) {
		printf("%s{\"serial\":\"%s\"", *first ? "" : ",", c->serial);
		print_json_str("subject", c->subject, true);
		print_json_str("group", c->group, true);
		printf(",\"kind\":\"%s\",\"not_before\":%lld,\"not_after\":%lld,\"revoked_at\":",
		       c->kind, (long long)c->not_before, (long long)c->not_after);
		if (c->revoked_at)
			printf("%lld,\"reason\":%d}", (long long)c->revoked_at, c->reason);
		else
			printf("null}");
	} else {
		printf("%s %-8s %-16s %-20s %s..%s%s\n", c->serial, c->kind, c->group, c->subject,
		       nb, na, c->revoked_at ? " REVOKED" : "");
	}
	*first = false;
	return 0;
}

static int lst_cert_list(struct store *st, const char *arg, bool *first)
{
	return store_cert_list(st, arg, false, print_cert, first);
}

static int cmd_cert_list(int argc, char **argv)
{
	if (argc && (argc != 2 || strcmp(argv[0], "--group")))
		return -EINVAL;
	return run_list(lst_cert_list, argc ? argv[1] : NULL, "cert list");
}

static int cmd_cert_revoke(int argc, char **argv)
{
	struct authority a;
	int reason = 0, err;

	if (argc == 3 && !strcmp(argv[1], "--reason")) {
		/* RFC 5280 5.3.1 CRLReason: 0-10, 7 unused */
		if (arg_int("--reason", argv[2], 0, 10, &reason))
			return -EINVAL;
	} else if (argc != 1)
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = auth_revoke(&a, argv[0], reason, actor());
	auth_close(&a);
	return report(err, "certificate", argv[0]);
}

static int cmd_crl(int argc, char **argv)
{
	struct authority a;
	X509_CRL *crl = NULL;
	int err;

	if (argc != 1)
		return -EINVAL;
	if (open_auth(&a, false))
		return 1;
	err = auth_crl(&a, argv[0], &crl);
	if (!err) {
		BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);

		PEM_write_bio_X509_CRL(out, crl);
		BIO_free(out);
		X509_CRL_free(crl);
	}
	auth_close(&a);
	return report(err, "crl of group", argv[0]);
}

static int print_audit(void *ctx, int64_t at, const char *who, const char *action,
		       const char *detail)
{
	bool *first = ctx;

	if (opt_json) {
		printf("%s{\"at\":%lld", *first ? "" : ",", (long long)at);
		print_json_str("actor", who, true);
		print_json_str("action", action, true);
		print_json_str("detail", detail, true);
		printf("}");
	} else {
		printf("%lld %-16s %-16s %s\n", (long long)at, who, action, detail);
	}
	*first = false;
	return 0;
}

static int lst_audit(struct store *st, const char *arg, bool *first)
{
	(void)arg;
	return store_audit_list(st, print_audit, first);
}

static int cmd_audit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return run_list(lst_audit, NULL, "audit");
}

static const struct {
	const char *obj, *verb, *usage;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "init", NULL, "init", cmd_init },
	{ "group", "add", "group add NAME [--rsa | --key TYPE] [--days N]", cmd_group_add },
	{ "group", "list", "group list", cmd_group_list },
	{ "group", "ca", "group ca NAME", cmd_group_ca },
	{ "policy", "show", "policy show GROUP", cmd_policy_show },
	{ "policy", "set", "policy set GROUP FILE|-", cmd_policy_set },
	{ "user", "add", "user add NAME GROUP   (password: $VPNFO_PASSWORD or stdin)",
	  cmd_user_add },
	{ "user", "passwd", "user passwd NAME", cmd_user_passwd },
	{ "user", "disable", "user disable NAME", cmd_user_disable },
	{ "user", "enable", "user enable NAME", cmd_user_enable },
	{ "user", "list", "user list", cmd_user_list },
	{ "gateway", "add", "gateway add NAME --addr IP[,IP] --priority N --group G...",
	  cmd_gateway_add },
	{ "gateway", "set-priority", "gateway set-priority NAME N", cmd_gateway_prio },
	{ "gateway", "disable", "gateway disable NAME", cmd_gateway_disable },
	{ "gateway", "enable", "gateway enable NAME", cmd_gateway_enable },
	{ "gateway", "list", "gateway list [GROUP]", cmd_gateway_list },
	{ "gateway", "issue", "gateway issue NAME [--out DIR]", cmd_gateway_issue },
	{ "gateway", "export", "gateway export NAME [--out DIR]", cmd_gateway_export },
	{ "cert", "list", "cert list [--group G]", cmd_cert_list },
	{ "cert", "revoke", "cert revoke SERIAL [--reason N]", cmd_cert_revoke },
	{ "crl", NULL, "crl GROUP", cmd_crl },
	{ "audit", NULL, "audit", cmd_audit },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vpnfo-pki [--db URI] [--secret FILE] [--json] COMMAND\n"
		   "  --db      sqlite:PATH | PATH | postgresql://... (default $VPNFO_PKI_DB)\n"
		   "  --secret  file (mode 0600) whose secret encrypts CA keys\n"
		   "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "secret", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t i;
	int c;

	log_init("vpnfo-pki");

	opt_db = getenv("VPNFO_PKI_DB") ? getenv("VPNFO_PKI_DB") : "/var/lib/vpnfo/pki.db";
	opt_secret = getenv("VPNFO_PKI_SECRET") ? getenv("VPNFO_PKI_SECRET") :
						  "/etc/vpnfo/pki.secret";
	umask(077);
	while ((c = getopt_long(argc, argv, "+d:s:jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': opt_db = optarg; break;
		case 's': opt_secret = optarg; break;
		case 'j': opt_json = true; break;
		case 'v': log_set_level(LOG_LEVEL_DEBUG); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int skip = 1, ret;

		if (strcmp(commands[i].obj, argv[optind]))
			continue;
		if (commands[i].verb) {
			if (optind + 1 >= argc || strcmp(commands[i].verb, argv[optind + 1]))
				continue;
			skip = 2;
		}
		ret = commands[i].fn(argc - optind - skip, argv + optind + skip);
		if (ret == -EINVAL) {
			fprintf(stderr, "usage: vpnfo-pki %s\n", commands[i].usage);
			return 2;
		}
		return ret;
	}
	fprintf(stderr, "vpnfo-pki: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
