// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what vpnfoctl reads from others: reply attributes
 * from the kernel (decoded, then printed as JSON and text) and the words
 * of a command line or a key file. Built by `make fuzz` with clang.
 *
 * Input: first byte selects the reader, the rest is its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "vnl.h"
#include "lib/log.h"
#include "output.h"
#include "args.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_NONE);
	sink = fopen("/dev/null", "w");
	return sink ? 0 : -1;
}

static void fuzz_reply(uint8_t which, const uint8_t *data, size_t size)
{
	union {
		struct tunnel_info t;
		struct peer_info p;
		struct reflector_info r;
		struct event_info e;
	} u;
	struct nl_msg *msg;
	struct json j;

	if (vnl_msg_new(VPNFO_CMD_TUNNEL_GET, 0, &msg))
		return;
	if (nlmsg_append(msg, (void *)data, size, NLMSG_ALIGNTO) < 0)
		goto cleanup;
	json_init(&j, sink);
	switch (which % 4) {
	case 0:
		if (!vnl_tunnel_parse(msg, &u.t)) {
			tunnel_json(&j, &u.t, NULL);
			tunnel_print(sink, &u.t);
		}
		break;
	case 1:
		if (!vnl_peer_parse(msg, &u.p)) {
			peer_json(&j, &u.p);
			peers_print(sink, &u.p, 1, u.p.name, "");
		}
		break;
	case 2:
		if (!vnl_reflector_parse(msg, &u.r))
			reflector_json(&j, &u.r);
		break;
	case 3:
		if (!vnl_event_parse(msg, &u.e)) {
			event_json_line(sink, &u.e);
			event_print(sink, &u.e);
		}
		break;
	}
cleanup:
	vnl_msg_free(msg);
}

static void fuzz_word(uint8_t which, const char *s)
{
	uint8_t key[VPNFO_KEY_MAX];
	struct vpnfo_prefix p;
	uint64_t us;
	uint32_t u;
	size_t len;

	switch (which % 6) {
	case 0:
		parse_u32(s, "n", 0, UINT32_MAX, &u);
		break;
	case 1:
		parse_addr(s, &p.addr);
		break;
	case 2:
		parse_prefix(s, &p);
		break;
	case 3:
		parse_duration_us(s, "d", &us);
		break;
	case 4:
		parse_key_hex(s, key, &len);
		break;
	case 5:
		json_escape(sink, s);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 16384)
		return 0;
	if (data[0] & 0x80) {
		fuzz_reply(data[0], data + 1, size - 1);
		return 0;
	}
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	fuzz_word(data[0], s);
	free(s);
	return 0;
}
