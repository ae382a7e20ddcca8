/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOCTL_OUTPUT_H
#define VPNFOCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vnl.h"

/* Set by --json before the subcommand runs. */
extern bool output_json;

/* A compact JSON writer: commas and nesting are tracked for the caller. */
#define JSON_DEPTH_MAX 8

struct json {
	FILE *f;
	int depth;
	bool first[JSON_DEPTH_MAX];
};

void json_init(struct json *j, FILE *f);
/*
 * Writes the valid UTF-8 sequence (RFC 3629) at *@s and moves past it, or
 * writes @bad for an invalid byte and moves past that: the writers replace
 * invalid bytes so that what they print always parses.
 */
void utf8_put(FILE *f, const unsigned char **s, const char *bad);
void json_escape(FILE *f, const char *s);
/* @key is NULL for array elements and for the top-level value. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val); /* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, bool val);

/* Names of the enums of the uapi, as the command line and JSON spell them. */
const char *state_name(uint8_t state);
const char *event_name(uint8_t event);
const char *reason_name(uint8_t reason);

/* Records, as JSON objects (array elements) or as text. */
/* @peers NULL: no "peers" member. */
void tunnel_json(struct json *j, const struct tunnel_info *t,
		 const struct peer_list *peers);
void tunnel_print(FILE *f, const struct tunnel_info *t);
void peer_json(struct json *j, const struct peer_info *p);
void reflector_json(struct json *j, const struct reflector_info *r);
void reflector_print(FILE *f, const struct reflector_info *r);
/* One line each, newline included. */
void event_json_line(FILE *f, const struct event_info *e);
void event_print(FILE *f, const struct event_info *e);

/* Peers as an aligned table; @active marks the tunnel's active peer. */
void peers_print(FILE *f, const struct peer_info *peers, unsigned int n,
		 const char *active, const char *indent);

/*
 * The lists of the show commands, as output_json asks: one JSON array on
 * one line, or text. @peers NULL: the tunnels alone (`tunnel show`); else
 * @peers[i] are the peers of tunnel i (`show`), in its JSON object and as
 * a table under it, with a blank line between tunnels.
 */
void tunnel_list_print(FILE *f, const struct tunnel_list *l,
		       const struct peer_list *peers);
void peer_list_print(FILE *f, const struct peer_list *l);

#endif
