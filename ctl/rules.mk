# SPDX-License-Identifier: GPL-2.0
#
# What every ctl/ Makefile shares: compiler flags and the two libraries
# below them. Included with CTL set to the path of ctl/ from the including
# folder (e.g. CTL := ..).

CC ?= cc
CLANG ?= clang
PKG_CONFIG ?= pkg-config

CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra -Werror -fstack-protector-strong
CPPFLAGS += -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -I$(CTL)/../kmod/uapi -I. \
	    -I$(CTL) -I$(CTL)/..

# lib/: the userspace base library (log, numbers, addresses).
BASE_LIB := $(CTL)/../lib/libvpnfo.a
# ctl/nl/: the module's generic netlink client.
NL_LIB := $(CTL)/nl/libvpnfonl.a
NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0)
NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

.SUFFIXES:
.DEFAULT_GOAL := all

# Always asked: their own Makefiles know whether they are up to date.
$(BASE_LIB): FORCE
	$(MAKE) -C $(CTL)/../lib

$(NL_LIB): FORCE
	$(MAKE) -C $(CTL)/nl

.PHONY: FORCE
FORCE:

# run-tests LIST: each cmocka program, TAP out, non-zero if any failed.
define run-tests
	@rc=0; for t in $(1); do \
		CMOCKA_MESSAGE_OUTPUT=TAP ./$$t || rc=1; \
	done; exit $$rc
endef
