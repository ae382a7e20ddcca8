// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl enroll: run steps 100-105 against a gateway, renew, check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "commands.h"
#include "enroll_client.h"
#include "util.h"
#include "lib/num.h"

#define DEFAULT_DIR "/var/lib/vpnfo/enroll"

static void enroll_usage(FILE *f)
{
	fputs("usage: vpnfoctl enroll --server HOST[:PORT] --user NAME\n"
	      "                       (--pin SHA256 | --ca-file FILE) [--dir DIR]\n"
	      "                       [--key ec|ec-p384|rsa] [--timeout S]\n"
	      "       vpnfoctl enroll renew [--dir DIR] [--force] [--before FRACTION]\n"
	      "       vpnfoctl enroll check [--dir DIR]\n"
	      "The password is read from $VPNFO_PASSWORD or the first line of stdin.\n"
	      "--pin is the service CA's SHA-256 (vpnfo-pki init prints it).\n", f);
}

/* "host", "host:port", "[v6]:port", or a bare IPv6 address. */
static int split_server(const char *arg, char *host, size_t n, int *port)
{
	const char *colon = strrchr(arg, ':');

	*port = 8443;
	if (arg[0] == '[') {
		const char *end = strchr(arg, ']');

		if (!end || (size_t)(end - arg - 1) >= n)
			return -EINVAL;
		memcpy(host, arg + 1, (size_t)(end - arg - 1));
		host[end - arg - 1] = '\0';
		colon = end[1] == ':' ? end + 1 : NULL;
	} else if (colon && strchr(arg, ':') == colon) {
		if ((size_t)(colon - arg) >= n)
			return -EINVAL;
		memcpy(host, arg, (size_t)(colon - arg));
		host[colon - arg] = '\0';
	} else {
		if (strlen(arg) >= n)
			return -EINVAL;
		strcpy(host, arg);
		colon = NULL;
	}
	if (colon) {
		uint32_t p;

		if (num_parse_u32(colon + 1, 1, 65535, &p))
			return -EINVAL;
		*port = (int)p;
	}
	return host[0] ? 0 : -EINVAL;
}

static int enroll_renew_cmd(int argc, char **argv)
{
	const char *dir = DEFAULT_DIR;
	double before = 1.0 / 3;
	bool force = false, renewed;
	int i, err;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--before") && i + 1 < argc)
			before = atof(argv[++i]);
		else {
			enroll_usage(stderr);
			return 2;
		}
	}
	err = enroll_renew(dir, before, force, 30, &renewed);
	if (err) {
		fprintf(stderr, "vpnfoctl: renewal in '%s' failed: %s\n", dir, strerror(-err));
		return 1;
	}
	printf("%s\n", renewed ? "renewed" : "not due");
	return 0;
}

int cmd_enroll(int argc, char **argv)
{
	struct enroll_cfg cfg = { .dir = DEFAULT_DIR, .timeout = 30 };
	struct enroll_times t;
	char host[256], pw[300];
	const char *server = NULL;
	int i, err;

	argc--;
	argv++;
	if (argc && (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))) {
		enroll_usage(stdout);
		return 0;
	}
	if (argc && !strcmp(argv[0], "renew"))
		return enroll_renew_cmd(argc - 1, argv + 1);
	if (argc && !strcmp(argv[0], "check")) {
		const char *dir = argc == 3 && !strcmp(argv[1], "--dir") ? argv[2] : DEFAULT_DIR;

		err = enroll_policy_check(dir);
		printf("policy signature in %s: %s\n", dir, err ? "INVALID" : "valid");
		return err ? 1 : 0;
	}
	for (i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			enroll_usage(stderr);
			return 2;
		}
		if (!strcmp(argv[i], "--server"))
			server = v;
		else if (!strcmp(argv[i], "--user"))
			cfg.user = v;
		else if (!strcmp(argv[i], "--pin"))
			cfg.pin_sha256 = v;
		else if (!strcmp(argv[i], "--ca-file"))
			cfg.ca_file = v;
		else if (!strcmp(argv[i], "--dir"))
			cfg.dir = v;
		else if (!strcmp(argv[i], "--key"))
			cfg.key_type = v;
		else if (!strcmp(argv[i], "--timeout"))
			cfg.timeout = atof(v);
		else {
			fprintf(stderr, "vpnfoctl: enroll: unknown argument '%s'\n", argv[i]);
			enroll_usage(stderr);
			return 2;
		}
		i++;
	}
	if (!server || !cfg.user || (!cfg.pin_sha256 && !cfg.ca_file) ||
	    split_server(server, host, sizeof(host), &cfg.port)) {
		enroll_usage(stderr);
		return 2;
	}
	cfg.host = host;
	if (password_read(pw, sizeof(pw))) {
		fprintf(stderr, "vpnfoctl: enroll: no password given\n");
		return 2;
	}
	cfg.password = pw;
	err = enroll_run(&cfg, &t);
	OPENSSL_cleanse(pw, sizeof(pw));
	if (err) {
		fprintf(stderr, "vpnfoctl: enrollment of '%s' with %s failed: %s\n", cfg.user, server,
			strerror(-err));
		return 1;
	}
	printf("enrolled '%s' in %s: steps 100/101 %.1f ms, 102/103 %.1f ms, 104/105 %.1f ms, "
	       "storing %.1f ms, total %.1f ms\n", cfg.user, cfg.dir, t.start * 1000,
	       t.csr * 1000, t.policy * 1000, t.store * 1000, t.total * 1000);
	return 0;
}
