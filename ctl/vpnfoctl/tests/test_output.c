// SPDX-License-Identifier: GPL-2.0
/* JSON escaping and numbers, records as JSON and as text lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "output.h"

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

/* Closes the stream, compares, frees. */
static void capture_check(struct capture *c, const char *want)
{
	fclose(c->f);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

static void escape_is(const char *in, const char *want)
{
	struct capture c;

	json_escape(capture_open(&c), in);
	capture_check(&c, want);
}

static void escape_specials(void **state)
{
	(void)state;
	escape_is("", "\"\"");
	escape_is("gw1", "\"gw1\"");
	escape_is("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	escape_is("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	escape_is("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
}

static void escape_utf8(void **state)
{
	(void)state;
	/* Valid UTF-8 passes through unchanged, up to four bytes. */
	escape_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"");
	/* Invalid bytes become U+FFFD, so the output always parses. */
	escape_is("\xff", "\"\\ufffd\"");
	escape_is("a\x80z", "\"a\\ufffdz\"");
	escape_is("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong */
	escape_is("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	escape_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	escape_is("\xf4\x90\x80\x80",
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	escape_is("\xe2\x82", "\"\\ufffd\\ufffd\"");		/* truncated */
}

static void numbers_and_nesting(void **state)
{
	struct capture c;
	struct json j;

	(void)state;
	json_init(&j, capture_open(&c));
	json_obj_begin(&j, NULL);
	json_u64(&j, "zero", 0);
	json_u64(&j, "max", UINT64_MAX);
	json_arr_begin(&j, "list");
	json_u64(&j, NULL, 1);
	json_obj_begin(&j, NULL);
	json_obj_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	capture_check(&c, "{\"zero\":0,\"max\":18446744073709551615,"
		      "\"list\":[1,{}]}");
	json_init(&j, capture_open(&c));
	json_obj_begin(&j, NULL);
	json_str(&j, "s", NULL);
	json_bool(&j, "t", true);
	json_bool(&j, "f", false);
	json_arr_begin(&j, "e");
	json_arr_end(&j);
	json_obj_begin(&j, "o");
	json_str(&j, "k\"", "v\n");
	json_obj_end(&j);
	json_obj_end(&j);
	capture_check(&c, "{\"s\":null,\"t\":true,\"f\":false,\"e\":[],"
		      "\"o\":{\"k\\\"\":\"v\\n\"}}");
}

static void prefix_set(struct vpnfo_prefix *p, int family, const char *addr,
		       uint8_t plen)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = family;
	assert_int_equal(inet_pton(family, addr, p->addr.bytes), 1);
	p->plen = plen;
}

static void fill_tunnel(struct tunnel_info *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->name, "t1");
	t->id = 1;
	t->mark_mask = 0xff00;
	t->hold_ms = 1000;
	t->peer_count = 3;
	t->nsel = 2;
	prefix_set(&t->sel_src[0], AF_INET, "192.0.2.100", 32);
	prefix_set(&t->sel_dst[0], AF_INET, "203.0.113.0", 24);
	prefix_set(&t->sel_src[1], AF_INET6, "2001:db8:c::100", 128);
	prefix_set(&t->sel_dst[1], AF_INET6, "2001:db8:100::", 64);
	t->has_active = true;
	strcpy(t->active, "gw1");
	t->stats[VPNFO_STATS_A_TX_PACKETS] = 600;
	t->stats[VPNFO_STATS_A_DROP_PACKETS] = 2;
	t->stats[VPNFO_STATS_A_SWITCHES] = 1;
	t->stats[VPNFO_STATS_A_SWITCH_LAT_LAST_NS] = 12345;
	t->stats[VPNFO_STATS_A_SWITCH_LAT_MAX_NS] = 12345;
	t->stats[VPNFO_STATS_A_SWITCH_LAT_SUM_NS] = 12345;
	t->stats[VPNFO_STATS_A_SWITCH_LAT_COUNT] = 1;
	t->stats[VPNFO_STATS_A_PROBE_CPU_NS] = UINT64_MAX;
	t->stats[VPNFO_STATS_A_SWITCH_FIRST_PKT_NS] = 700000;
}

static void tunnel_as_json(void **state)
{
	struct tunnel_info t;
	struct capture c;
	struct json j;

	(void)state;
	fill_tunnel(&t);
	json_init(&j, capture_open(&c));
	json_arr_begin(&j, NULL);
	tunnel_json(&j, &t, NULL);
	t.has_active = false;
	t.pinned = true;
	strcpy(t.name, "t\"2");
	t.nsel = 0;
	tunnel_json(&j, &t, NULL);
	json_arr_end(&j);
	capture_check(&c,
		"[{\"name\":\"t1\",\"id\":1,\"mark_mask\":65280,\"selectors\":["
		"{\"src\":\"192.0.2.100/32\",\"dst\":\"203.0.113.0/24\"},"
		"{\"src\":\"2001:db8:c::100/128\",\"dst\":\"2001:db8:100::/64\"}],"
		"\"failback_hold_ms\":1000,\"active\":\"gw1\",\"pinned\":false,"
		"\"peer_count\":3,\"stats\":{\"tx_packets\":600,"
		"\"drop_packets\":2,\"switches\":1,\"switch_lat_last_ns\":12345,"
		"\"switch_lat_max_ns\":12345,\"switch_lat_sum_ns\":12345,"
		"\"switch_lat_count\":1,"
		"\"probe_cpu_ns\":18446744073709551615,"
		"\"switch_first_pkt_ns\":700000}},"
		"{\"name\":\"t\\\"2\",\"id\":1,\"mark_mask\":65280,"
		"\"selectors\":[],\"failback_hold_ms\":1000,\"active\":null,"
		"\"pinned\":true,\"peer_count\":3,\"stats\":{\"tx_packets\":600,"
		"\"drop_packets\":2,\"switches\":1,\"switch_lat_last_ns\":12345,"
		"\"switch_lat_max_ns\":12345,\"switch_lat_sum_ns\":12345,"
		"\"switch_lat_count\":1,"
		"\"probe_cpu_ns\":18446744073709551615,"
		"\"switch_first_pkt_ns\":700000}}]");
}

static void fill_peer(struct peer_info *p)
{
	struct vpnfo_prefix tmp;

	memset(p, 0, sizeof(*p));
	strcpy(p->tunnel, "t1");
	strcpy(p->name, "gw2");
	p->id = 2;
	p->priority = 20;
	p->mark = 0x200;
	prefix_set(&tmp, AF_INET, "198.18.2.1", 32);
	p->remote = tmp.addr;
	prefix_set(&tmp, AF_INET, "203.0.113.2", 32);
	p->probe = tmp.addr;
	p->interval_us = 10000;
	p->threshold = 3;
	p->rise = 3;
	p->state = VPNFO_STATE_DOWN;
	p->stats[VPNFO_STATS_A_PROBES_TX] = 10;
	p->stats[VPNFO_STATS_A_PROBES_LOST] = 4;
	p->stats[VPNFO_STATS_A_RTT_LAST_NS] = 410000;
}

static void peer_as_json(void **state)
{
	struct peer_info p;
	struct capture c;
	struct json j;

	(void)state;
	fill_peer(&p);
	json_init(&j, capture_open(&c));
	peer_json(&j, &p);
	capture_check(&c,
		"{\"tunnel\":\"t1\",\"name\":\"gw2\",\"id\":2,\"priority\":20,"
		"\"mark\":512,\"remote\":\"198.18.2.1\",\"probe\":\"203.0.113.2\","
		"\"src\":null,\"interval_us\":10000,\"threshold\":3,\"rise\":3,"
		"\"state\":\"down\",\"stats\":{\"probes_tx\":10,\"probes_rx\":0,"
		"\"probes_bad\":0,\"probes_lost\":4,\"rtt_last_ns\":410000,"
		"\"up_events\":0,\"down_events\":0,\"tx_packets\":0}}");
}

static void peer_table_marks_active(void **state)
{
	struct peer_info p[2];
	struct capture c;

	(void)state;
	fill_peer(&p[0]);
	strcpy(p[0].name, "gw1");
	p[0].state = VPNFO_STATE_UP;
	fill_peer(&p[1]);
	peers_print(capture_open(&c), p, 2, "gw1", "  ");
	fclose(c.f);
	/* Header, then one row per peer; only the active one starts "*". */
	assert_non_null(strstr(c.buf, "  " " PEER"));
	assert_non_null(strstr(c.buf, "\n  *gw1 "));
	assert_non_null(strstr(c.buf, "\n   gw2 "));
	assert_non_null(strstr(c.buf, " 410.0us "));
	assert_non_null(strstr(c.buf, " down "));
	free(c.buf);
}

/* Two tunnels, t1 with the peers gw1 (its active one) and gw2, t2 none. */
struct show_fixture {
	struct tunnel_info t[2];
	struct peer_info p[2];
	struct tunnel_list tunnels;
	struct peer_list peers[2];
};

static void show_fill(struct show_fixture *s)
{
	fill_tunnel(&s->t[0]);
	fill_tunnel(&s->t[1]);
	strcpy(s->t[1].name, "t2");
	s->t[1].has_active = false;
	fill_peer(&s->p[0]);
	strcpy(s->p[0].name, "gw1");
	fill_peer(&s->p[1]);
	s->tunnels = (struct tunnel_list){ s->t, 2 };
	s->peers[0] = (struct peer_list){ s->p, 2 };
	s->peers[1] = (struct peer_list){ NULL, 0 };
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

static void show_lists_as_one_json_line(void **state)
{
	struct show_fixture s;
	struct capture c;

	(void)state;
	show_fill(&s);
	output_json = true;
	peer_list_print(capture_open(&c), &s.peers[0]);
	fclose(c.f);
	assert_true(starts_with(c.buf, "[{\"tunnel\":\"t1\",\"name\":\"gw1\","));
	assert_non_null(strstr(c.buf, "}},{\"tunnel\":\"t1\",\"name\":\"gw2\""));
	assert_int_equal(count_of(c.buf, "\n"), 1);
	assert_true(ends_with(c.buf, "}}]\n"));
	free(c.buf);
	/* `tunnel show`: no peers member; `show`: each tunnel's own. */
	tunnel_list_print(capture_open(&c), &s.tunnels, NULL);
	fclose(c.f);
	assert_null(strstr(c.buf, "\"peers\""));
	assert_int_equal(count_of(c.buf, "{\"name\":"), 2);
	assert_int_equal(count_of(c.buf, "\n"), 1);
	free(c.buf);
	tunnel_list_print(capture_open(&c), &s.tunnels, s.peers);
	fclose(c.f);
	assert_non_null(strstr(c.buf, "\"peers\":[{\"tunnel\":\"t1\",\"name\":\"gw1\""));
	assert_true(ends_with(c.buf, ",\"peers\":[]}]\n"));
	free(c.buf);
	s.peers[0].n = 0;
	peer_list_print(capture_open(&c), &s.peers[0]);
	capture_check(&c, "[]\n");
	output_json = false;
}

static void show_lists_as_text(void **state)
{
	struct show_fixture s;
	struct capture c, want;

	(void)state;
	show_fill(&s);
	output_json = false;
	/* `peer show`: the table alone, no active mark. */
	peers_print(capture_open(&want), s.p, 2, NULL, "");
	fclose(want.f);
	peer_list_print(capture_open(&c), &s.peers[0]);
	capture_check(&c, want.buf);
	free(want.buf);
	/* `tunnel show`: one block after the other. */
	tunnel_list_print(capture_open(&c), &s.tunnels, NULL);
	fclose(c.f);
	assert_true(starts_with(c.buf, "tunnel t1 "));
	assert_non_null(strstr(c.buf, "\ntunnel t2 "));
	assert_null(strstr(c.buf, "\n\n"));
	assert_null(strstr(c.buf, "PEER"));
	free(c.buf);
	/* `show`: a blank line between tunnels, a peer table (indented, the
	 * active peer marked) under a tunnel that has peers. */
	tunnel_list_print(capture_open(&c), &s.tunnels, s.peers);
	fclose(c.f);
	assert_non_null(strstr(c.buf, "\n\ntunnel t2 "));
	assert_int_equal(count_of(c.buf, "  " " PEER"), 1);
	assert_non_null(strstr(c.buf, "\n  *gw1 "));
	assert_non_null(strstr(c.buf, "\n   gw2 "));
	assert_int_equal(count_of(c.buf, "\n\n"), 1);
	free(c.buf);
}

static void event_fill(struct event_info *e, uint8_t event)
{
	memset(e, 0, sizeof(*e));
	e->event = event;
	strcpy(e->tunnel, "t1");
	e->timestamp_ns = 12345678901ULL;
}

static void event_lines(void **state)
{
	struct event_info e;
	struct capture c;

	(void)state;
	event_fill(&e, VPNFO_EVENT_SWITCH);
	e.has_from = e.has_to = true;
	strcpy(e.from, "gw1");
	strcpy(e.to, "gw2");
	e.reason = VPNFO_REASON_PEER_DOWN;
	event_print(capture_open(&c), &e);
	capture_check(&c, "12.345678 t1 switch gw1 -> gw2 (peer-down)\n");
	event_json_line(capture_open(&c), &e);
	capture_check(&c, "{\"event\":\"switch\",\"tunnel\":\"t1\",\"peer\":null,"
		      "\"from\":\"gw1\",\"to\":\"gw2\",\"reason\":\"peer-down\","
		      "\"timestamp_ns\":12345678901}\n");
	e.has_from = false;
	e.reason = VPNFO_REASON_INITIAL;
	event_print(capture_open(&c), &e);
	capture_check(&c, "12.345678 t1 switch none -> gw2 (initial)\n");

	event_fill(&e, VPNFO_EVENT_PEER_DOWN);
	e.has_peer = true;
	strcpy(e.peer, "gw1");
	event_print(capture_open(&c), &e);
	capture_check(&c, "12.345678 t1 peer gw1 down\n");
	event_json_line(capture_open(&c), &e);
	capture_check(&c, "{\"event\":\"peer-down\",\"tunnel\":\"t1\","
		      "\"peer\":\"gw1\",\"from\":null,\"to\":null,"
		      "\"reason\":\"none\",\"timestamp_ns\":12345678901}\n");
	event_fill(&e, VPNFO_EVENT_ALL_DOWN);
	event_print(capture_open(&c), &e);
	capture_check(&c, "12.345678 t1 all-down\n");
}

static void enum_names(void **state)
{
	(void)state;
	assert_string_equal(state_name(VPNFO_STATE_PROBING), "probing");
	assert_string_equal(state_name(VPNFO_STATE_UP), "up");
	assert_string_equal(state_name(3), "unknown");
	assert_string_equal(event_name(VPNFO_EVENT_RECOVERED), "recovered");
	assert_string_equal(reason_name(VPNFO_REASON_PEER_DELETED),
			    "peer-deleted");
	assert_string_equal(reason_name(VPNFO_REASON_PRIORITY), "priority");
	assert_string_equal(reason_name(VPNFO_REASON_FAILBACK), "failback");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_specials),
		cmocka_unit_test(escape_utf8),
		cmocka_unit_test(numbers_and_nesting),
		cmocka_unit_test(tunnel_as_json),
		cmocka_unit_test(peer_as_json),
		cmocka_unit_test(peer_table_marks_active),
		cmocka_unit_test(show_lists_as_one_json_line),
		cmocka_unit_test(show_lists_as_text),
		cmocka_unit_test(event_lines),
		cmocka_unit_test(enum_names),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
