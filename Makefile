# SPDX-License-Identifier: GPL-2.0
#
# vpnfo top-level build.
#   make          module (kmod/vpnfo.ko) and userspace tools
#   make check    unit tests, then the kselftests inside QEMU
#   make demo     the failover lab in QEMU, as a timeline
#
# The module builds against Debian's 6.1 headers by default, not against
# the running kernel: the build machines run another kernel.

KVER ?= $(shell ls /lib/modules 2>/dev/null | grep '^6\.1\.' | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

.PHONY: all deps module ctl pki check check-unit check-kselftest demo bench clean

all: module ctl pki

deps:
	@scripts/install-deps

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

ctl:
	$(MAKE) -C ctl

pki:
	$(MAKE) -C pki

check: deps
	@scripts/check

demo: deps all
	@scripts/demo

bench: deps all
	@scripts/bench-failover

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C ctl clean
	$(MAKE) -C pki clean
	$(MAKE) -C lib clean
	rm -rf build
