// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "addr.h"

int addr_parse(const char *s, struct vpnfo_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -EINVAL;
}

int prefix_parse(const char *s, struct vpnfo_prefix *p)
{
	char buf[PREFIX_STRLEN];
	unsigned int plen = 0;
	const char *d;
	char *slash;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (addr_parse(buf, &p->addr))
		return -EINVAL;
	if (!slash) {
		p->plen = addr_len(&p->addr) * 8;
		return 0;
	}
	/* Decimal digits only: "/010" is ten, "/+8" and "/0x8" nothing. */
	d = slash + 1;
	if (!*d)
		return -EINVAL;
	for (; *d; d++) {
		if (!isdigit((unsigned char)*d))
			return -EINVAL;
		plen = plen * 10 + (unsigned int)(*d - '0');
		if (plen > 128)
			return -EINVAL;
	}
	if (plen > addr_len(&p->addr) * 8u)
		return -EINVAL;
	p->plen = (uint8_t)plen;
	return 0;
}

int addr_from_bytes(const void *data, size_t len, struct vpnfo_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len == 4)
		a->family = AF_INET;
	else if (len == 16)
		a->family = AF_INET6;
	else
		return -EBADMSG;
	memcpy(a->bytes, data, len);
	return 0;
}

void addr_set(struct vpnfo_addr *a, int family, const void *raw)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, raw, addr_len(a));
}

int addr_format(const struct vpnfo_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)size))
		return -errno;
	return 0;
}
