// SPDX-License-Identifier: GPL-2.0
/*
 * Table and JSON output. JSON is compact (one line per value), so that a
 * monitor stream is one object per line; strings from the kernel are
 * escaped and invalid UTF-8 is replaced, so the output always parses.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

bool output_json;

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

/* Length of the valid UTF-8 sequence at @s (RFC 3629), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void utf8_put(FILE *f, const unsigned char **s, const char *bad)
{
	size_t n = utf8_len(*s);

	if (!n) {
		fputs(bad, f);
		(*s)++;
		return;
	}
	fwrite(*s, 1, n, f);
	*s += n;
}

void json_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		switch (*s) {
		case '"':  fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		utf8_put(f, &s, "\\ufffd");
	}
	fputc('"', f);
}

static void json_key(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		json_escape(j->f, key);
		fputc(':', j->f);
	}
}

static void json_open(struct json *j, const char *key, char c)
{
	json_key(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_DEPTH_MAX - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_end(struct json *j)
{
	json_close(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_end(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	if (val)
		json_escape(j->f, val);
	else
		fputs("null", j->f);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_key(j, key);
	fputs(val ? "true" : "false", j->f);
}

const char *state_name(uint8_t state)
{
	switch (state) {
	case VPNFO_STATE_PROBING:	return "probing";
	case VPNFO_STATE_UP:		return "up";
	case VPNFO_STATE_DOWN:		return "down";
	}
	return "unknown";
}

const char *event_name(uint8_t event)
{
	switch (event) {
	case VPNFO_EVENT_PEER_UP:	return "peer-up";
	case VPNFO_EVENT_PEER_DOWN:	return "peer-down";
	case VPNFO_EVENT_SWITCH:	return "switch";
	case VPNFO_EVENT_ALL_DOWN:	return "all-down";
	case VPNFO_EVENT_RECOVERED:	return "recovered";
	}
	return "unknown";
}

const char *reason_name(uint8_t reason)
{
	switch (reason) {
	case VPNFO_REASON_NONE:		return "none";
	case VPNFO_REASON_INITIAL:	return "initial";
	case VPNFO_REASON_PEER_DOWN:	return "peer-down";
	case VPNFO_REASON_FAILBACK:	return "failback";
	case VPNFO_REASON_FORCED:	return "forced";
	case VPNFO_REASON_PEER_DELETED:	return "peer-deleted";
	case VPNFO_REASON_PRIORITY:	return "priority";
	}
	return "unknown";
}

struct stat_name {
	int attr;
	const char *json;
};

static const struct stat_name tunnel_stats[] = {
	{ VPNFO_STATS_A_TX_PACKETS,		"tx_packets" },
	{ VPNFO_STATS_A_DROP_PACKETS,		"drop_packets" },
	{ VPNFO_STATS_A_SWITCHES,		"switches" },
	{ VPNFO_STATS_A_SWITCH_LAT_LAST_NS,	"switch_lat_last_ns" },
	{ VPNFO_STATS_A_SWITCH_LAT_MAX_NS,	"switch_lat_max_ns" },
	{ VPNFO_STATS_A_SWITCH_LAT_SUM_NS,	"switch_lat_sum_ns" },
	{ VPNFO_STATS_A_SWITCH_LAT_COUNT,	"switch_lat_count" },
	{ VPNFO_STATS_A_PROBE_CPU_NS,		"probe_cpu_ns" },
	{ VPNFO_STATS_A_SWITCH_FIRST_PKT_NS,	"switch_first_pkt_ns" },
};

static const struct stat_name peer_stats[] = {
	{ VPNFO_STATS_A_PROBES_TX,	"probes_tx" },
	{ VPNFO_STATS_A_PROBES_RX,	"probes_rx" },
	{ VPNFO_STATS_A_PROBES_BAD,	"probes_bad" },
	{ VPNFO_STATS_A_PROBES_LOST,	"probes_lost" },
	{ VPNFO_STATS_A_RTT_LAST_NS,	"rtt_last_ns" },
	{ VPNFO_STATS_A_UP_EVENTS,	"up_events" },
	{ VPNFO_STATS_A_DOWN_EVENTS,	"down_events" },
	{ VPNFO_STATS_A_TX_PACKETS,	"tx_packets" },
};

static const struct stat_name reflector_stats[] = {
	{ VPNFO_STATS_A_REFLECTED,	"reflected" },
	{ VPNFO_STATS_A_REFUSED,	"refused" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void stats_json(struct json *j, const uint64_t *stats,
		       const struct stat_name *names, size_t n)
{
	size_t i;

	json_obj_begin(j, "stats");
	for (i = 0; i < n; i++)
		json_u64(j, names[i].json, stats[names[i].attr]);
	json_obj_end(j);
}

static void addr_json(struct json *j, const char *key, const struct vpnfo_addr *a)
{
	char buf[ADDR_STRLEN];

	if (addr_format(a, buf, sizeof(buf)))
		json_str(j, key, NULL);
	else
		json_str(j, key, buf);
}

static void prefix_format(const struct vpnfo_prefix *p, char *buf, size_t size)
{
	char addr[ADDR_STRLEN];

	if (addr_format(&p->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, size, "%s/%u", addr, p->plen);
}

void tunnel_json(struct json *j, const struct tunnel_info *t,
		 const struct peer_list *peers)
{
	char buf[PREFIX_STRLEN];
	unsigned int i;

	json_obj_begin(j, NULL);
	json_str(j, "name", t->name);
	json_u64(j, "id", t->id);
	json_u64(j, "mark_mask", t->mark_mask);
	json_arr_begin(j, "selectors");
	for (i = 0; i < t->nsel; i++) {
		json_obj_begin(j, NULL);
		prefix_format(&t->sel_src[i], buf, sizeof(buf));
		json_str(j, "src", buf);
		prefix_format(&t->sel_dst[i], buf, sizeof(buf));
		json_str(j, "dst", buf);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_u64(j, "failback_hold_ms", t->hold_ms);
	json_str(j, "active", t->has_active ? t->active : NULL);
	json_bool(j, "pinned", t->pinned);
	json_u64(j, "peer_count", t->peer_count);
	stats_json(j, t->stats, tunnel_stats, ARRAY_SIZE(tunnel_stats));
	if (peers) {
		json_arr_begin(j, "peers");
		for (i = 0; i < peers->n; i++)
			peer_json(j, &peers->v[i]);
		json_arr_end(j);
	}
	json_obj_end(j);
}

/* A time in nanoseconds, short and human: 850ns, 12.3us, 4.56ms, 1.20s. */
static void ns_format(uint64_t ns, char *buf, size_t size)
{
	if (ns < 1000)
		snprintf(buf, size, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, size, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, size, "%.2fms", ns / 1e6);
	else
		snprintf(buf, size, "%.2fs", ns / 1e9);
}

/* A duration the way the command line takes it back: 10ms, 1s, 1500us. */
static void us_format(uint64_t us, char *buf, size_t size)
{
	if (us && us % 1000000 == 0)
		snprintf(buf, size, "%" PRIu64 "s", us / 1000000);
	else if (us % 1000 == 0)
		snprintf(buf, size, "%" PRIu64 "ms", us / 1000);
	else
		snprintf(buf, size, "%" PRIu64 "us", us);
}

void tunnel_print(FILE *f, const struct tunnel_info *t)
{
	const uint64_t *s = t->stats;
	char buf[PREFIX_STRLEN], last[32], max[32], avg[32], cpu[32];
	char first[32];
	unsigned int i;

	us_format((uint64_t)t->hold_ms * 1000, buf, sizeof(buf));
	fprintf(f, "tunnel %s  id %u  mark-mask 0x%x  hold %s  peers %u  active %s%s\n",
		t->name, t->id, t->mark_mask, buf, t->peer_count,
		t->has_active ? t->active : "none", t->pinned ? " (pinned)" : "");
	for (i = 0; i < t->nsel; i++) {
		prefix_format(&t->sel_src[i], buf, sizeof(buf));
		fprintf(f, "  sel %s -> ", buf);
		prefix_format(&t->sel_dst[i], buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
	ns_format(s[VPNFO_STATS_A_SWITCH_LAT_LAST_NS], last, sizeof(last));
	ns_format(s[VPNFO_STATS_A_SWITCH_LAT_MAX_NS], max, sizeof(max));
	ns_format(s[VPNFO_STATS_A_SWITCH_LAT_COUNT] ?
		  s[VPNFO_STATS_A_SWITCH_LAT_SUM_NS] /
		  s[VPNFO_STATS_A_SWITCH_LAT_COUNT] : 0, avg, sizeof(avg));
	ns_format(s[VPNFO_STATS_A_PROBE_CPU_NS], cpu, sizeof(cpu));
	ns_format(s[VPNFO_STATS_A_SWITCH_FIRST_PKT_NS], first, sizeof(first));
	fprintf(f, "  tx %" PRIu64 "  drop %" PRIu64 "  switches %" PRIu64
		"  switch-latency last %s max %s avg %s  first-packet %s"
		"  probe-cpu %s\n",
		s[VPNFO_STATS_A_TX_PACKETS], s[VPNFO_STATS_A_DROP_PACKETS],
		s[VPNFO_STATS_A_SWITCHES], last, max, avg, first, cpu);
}

void peer_json(struct json *j, const struct peer_info *p)
{
	json_obj_begin(j, NULL);
	json_str(j, "tunnel", p->tunnel);
	json_str(j, "name", p->name);
	json_u64(j, "id", p->id);
	json_u64(j, "priority", p->priority);
	json_u64(j, "mark", p->mark);
	addr_json(j, "remote", &p->remote);
	addr_json(j, "probe", &p->probe);
	if (p->has_src)
		addr_json(j, "src", &p->src);
	else
		json_str(j, "src", NULL);
	json_u64(j, "interval_us", p->interval_us);
	json_u64(j, "threshold", p->threshold);
	json_u64(j, "rise", p->rise);
	json_str(j, "state", state_name(p->state));
	stats_json(j, p->stats, peer_stats, ARRAY_SIZE(peer_stats));
	json_obj_end(j);
}

enum {
	COL_ACTIVE, COL_PEER, COL_PRIO, COL_MARK, COL_REMOTE, COL_PROBE,
	COL_STATE, COL_INTERVAL, COL_RTT, COL_TX, COL_RX, COL_LOST, COL_BAD,
	COL_UPDOWN, COL_PACKETS, NCOLS
};

static const char *const col_head[NCOLS] = {
	"", "PEER", "PRIO", "MARK", "REMOTE", "PROBE", "STATE", "INTERVAL",
	"RTT", "PROBES-TX", "RX", "LOST", "BAD", "UP/DOWN", "PACKETS",
};

#define CELL_MAX 48

static void peer_row(const struct peer_info *p, const char *active,
		     char cells[NCOLS][CELL_MAX])
{
	const uint64_t *s = p->stats;

	snprintf(cells[COL_ACTIVE], CELL_MAX, "%s",
		 active && !strcmp(active, p->name) ? "*" : "");
	snprintf(cells[COL_PEER], CELL_MAX, "%s", p->name);
	snprintf(cells[COL_PRIO], CELL_MAX, "%u", p->priority);
	snprintf(cells[COL_MARK], CELL_MAX, "0x%x", p->mark);
	if (addr_format(&p->remote, cells[COL_REMOTE], CELL_MAX))
		snprintf(cells[COL_REMOTE], CELL_MAX, "?");
	if (addr_format(&p->probe, cells[COL_PROBE], CELL_MAX))
		snprintf(cells[COL_PROBE], CELL_MAX, "?");
	snprintf(cells[COL_STATE], CELL_MAX, "%s", state_name(p->state));
	us_format(p->interval_us, cells[COL_INTERVAL], CELL_MAX);
	if (s[VPNFO_STATS_A_RTT_LAST_NS])
		ns_format(s[VPNFO_STATS_A_RTT_LAST_NS], cells[COL_RTT], CELL_MAX);
	else
		snprintf(cells[COL_RTT], CELL_MAX, "-");
	snprintf(cells[COL_TX], CELL_MAX, "%" PRIu64, s[VPNFO_STATS_A_PROBES_TX]);
	snprintf(cells[COL_RX], CELL_MAX, "%" PRIu64, s[VPNFO_STATS_A_PROBES_RX]);
	snprintf(cells[COL_LOST], CELL_MAX, "%" PRIu64,
		 s[VPNFO_STATS_A_PROBES_LOST]);
	snprintf(cells[COL_BAD], CELL_MAX, "%" PRIu64,
		 s[VPNFO_STATS_A_PROBES_BAD]);
	snprintf(cells[COL_UPDOWN], CELL_MAX, "%" PRIu64 "/%" PRIu64,
		 s[VPNFO_STATS_A_UP_EVENTS], s[VPNFO_STATS_A_DOWN_EVENTS]);
	snprintf(cells[COL_PACKETS], CELL_MAX, "%" PRIu64,
		 s[VPNFO_STATS_A_TX_PACKETS]);
}

static void row_print(FILE *f, const char *indent, const int *width,
		      const char *const *cells)
{
	int c;

	fputs(indent, f);
	for (c = 0; c < NCOLS; c++) {
		/* Names and addresses align left, numbers right. */
		bool left = c <= COL_STATE;

		if (c == NCOLS - 1 && left)
			fprintf(f, "%s", cells[c]);
		else
			fprintf(f, left ? "%-*s" : "%*s", width[c], cells[c]);
		fputs(c == NCOLS - 1 ? "\n" : c == COL_ACTIVE ? "" : "  ", f);
	}
}

void peers_print(FILE *f, const struct peer_info *peers, unsigned int n,
		 const char *active, const char *indent)
{
	char cells[NCOLS][CELL_MAX];
	const char *ptrs[NCOLS];
	int width[NCOLS];
	unsigned int i;
	int c;

	for (c = 0; c < NCOLS; c++)
		width[c] = (int)strlen(col_head[c]);
	width[COL_ACTIVE] = 1;
	for (i = 0; i < n; i++) {
		peer_row(&peers[i], active, cells);
		for (c = 0; c < NCOLS; c++)
			if ((int)strlen(cells[c]) > width[c])
				width[c] = (int)strlen(cells[c]);
	}
	row_print(f, indent, width, col_head);
	for (i = 0; i < n; i++) {
		peer_row(&peers[i], active, cells);
		for (c = 0; c < NCOLS; c++)
			ptrs[c] = cells[c];
		row_print(f, indent, width, ptrs);
	}
}

static void json_line_begin(struct json *j, FILE *f)
{
	json_init(j, f);
	json_arr_begin(j, NULL);
}

static void json_line_end(struct json *j)
{
	json_arr_end(j);
	fputc('\n', j->f);
}

void tunnel_list_print(FILE *f, const struct tunnel_list *l,
		       const struct peer_list *peers)
{
	unsigned int i;
	struct json j;

	if (output_json) {
		json_line_begin(&j, f);
		for (i = 0; i < l->n; i++)
			tunnel_json(&j, &l->v[i], peers ? &peers[i] : NULL);
		json_line_end(&j);
		return;
	}
	for (i = 0; i < l->n; i++) {
		const struct tunnel_info *t = &l->v[i];

		if (i && peers)
			fputc('\n', f);
		tunnel_print(f, t);
		if (peers && peers[i].n)
			peers_print(f, peers[i].v, peers[i].n,
				    t->has_active ? t->active : NULL, "  ");
	}
}

void peer_list_print(FILE *f, const struct peer_list *l)
{
	unsigned int i;
	struct json j;

	if (!output_json) {
		peers_print(f, l->v, l->n, NULL, "");
		return;
	}
	json_line_begin(&j, f);
	for (i = 0; i < l->n; i++)
		peer_json(&j, &l->v[i]);
	json_line_end(&j);
}

void reflector_json(struct json *j, const struct reflector_info *r)
{
	json_obj_begin(j, NULL);
	json_bool(j, "enabled", r->enabled);
	stats_json(j, r->stats, reflector_stats, ARRAY_SIZE(reflector_stats));
	json_obj_end(j);
}

void reflector_print(FILE *f, const struct reflector_info *r)
{
	fprintf(f, "reflector %s  reflected %" PRIu64 "  refused %" PRIu64 "\n",
		r->enabled ? "on" : "off", r->stats[VPNFO_STATS_A_REFLECTED],
		r->stats[VPNFO_STATS_A_REFUSED]);
}

void event_json_line(FILE *f, const struct event_info *e)
{
	struct json j;

	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "event", event_name(e->event));
	json_str(&j, "tunnel", e->tunnel);
	json_str(&j, "peer", e->has_peer ? e->peer : NULL);
	json_str(&j, "from", e->has_from ? e->from : NULL);
	json_str(&j, "to", e->has_to ? e->to : NULL);
	json_str(&j, "reason", reason_name(e->reason));
	json_u64(&j, "timestamp_ns", e->timestamp_ns);
	json_obj_end(&j);
	fputc('\n', f);
}

void event_print(FILE *f, const struct event_info *e)
{
	const char *from = e->has_from ? e->from : "none";
	const char *to = e->has_to ? e->to : "none";

	fprintf(f, "%" PRIu64 ".%06" PRIu64 " %s ", e->timestamp_ns / 1000000000,
		e->timestamp_ns % 1000000000 / 1000, e->tunnel);
	switch (e->event) {
	case VPNFO_EVENT_SWITCH:
		fprintf(f, "switch %s -> %s (%s)\n", from, to,
			reason_name(e->reason));
		break;
	case VPNFO_EVENT_PEER_UP:
	case VPNFO_EVENT_PEER_DOWN:
		fprintf(f, "peer %s %s\n", e->has_peer ? e->peer : "?",
			e->event == VPNFO_EVENT_PEER_UP ? "up" : "down");
		break;
	case VPNFO_EVENT_ALL_DOWN:
		if (e->has_from)
			fprintf(f, "all-down (was %s)\n", from);
		else
			fprintf(f, "all-down\n");
		break;
	case VPNFO_EVENT_RECOVERED:
		fprintf(f, "recovered%s%s\n", e->has_to ? " -> " : "",
			e->has_to ? to : "");
		break;
	default:
		fprintf(f, "event %u\n", e->event);
		break;
	}
}
