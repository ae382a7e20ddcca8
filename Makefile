# SPDX-License-Identifier: GPL-2.0
#
# vpnfo top-level build.
#   make          module (kmod/vpnfo.ko) and userspace tools
#   make module-kernels   the module for every installed kernel, build/kmod/KVER/
#   make check    unit tests, then the kselftests inside QEMU
#   make demo     the failover lab in QEMU, as a timeline
#   make install  programs, man pages, systemd units, examples, completion (DESTDIR, PREFIX)
#   make dkms-install | modules_install   vpnfo.ko for the installed kernel
#
# The module builds for the running kernel when its headers are installed,
# otherwise for the newest kernel in /lib/modules that has headers; KVER=
# (a version in /lib/modules) or KDIR= (a kernel build tree) override it.
# `make module-kernels` builds it for every kernel with headers, each in
# build/kmod/KVER/ (what `make check` tests on 6.1 and 6.12).

KVERS := $(shell for d in /lib/modules/*/build; do [ -d "$$d" ] && \
	basename "$${d%/build}"; done 2>/dev/null | sort -V)
KVER ?= $(if $(filter $(shell uname -r),$(KVERS)),$(shell uname -r),$(lastword $(KVERS)))
KDIR ?= /lib/modules/$(KVER)/build
export KVER KDIR

.PHONY: all deps module module-kernels ctl pki check check-unit check-kselftest demo bench clean
.PHONY: install uninstall modules_install dkms-install dkms-uninstall

all: module ctl pki

deps:
	@scripts/install-deps

module:
	@[ -d "$(KDIR)" ] || { echo "module: no kernel build tree at '$(KDIR)'" \
		"(install linux-headers-amd64, or set KVER= / KDIR=)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

module-kernels:
	@[ -n "$(KVERS)" ] || { echo "module-kernels: no kernel headers in /lib/modules" >&2; exit 1; }
	@for k in $(KVERS); do scripts/module-build "$$k" || exit 1; done

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

# ---- installation ---------------------------------------------------------
# make install [DESTDIR=...] [PREFIX=/usr/local] installs what `make all`
# built (it does not build as root). Configuration examples go to
# SYSCONFDIR/vpnfo/*.example always, and as the real file only where none
# exists yet. The module: `make dkms-install` (DKMS) or `make modules_install`.

VERSION := $(shell cat $(CURDIR)/VERSION)
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/vpnfo
SYSCONFDIR ?= /etc
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSTEMDUNITDIR ?= $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
MODULESLOADDIR ?= $(or $(shell pkg-config --variable=modulesloaddir systemd 2>/dev/null),/usr/lib/modules-load.d)
SYSUSERSDIR ?= $(or $(shell pkg-config --variable=sysusersdir systemd 2>/dev/null),/usr/lib/sysusers.d)
INSTALL ?= install
DKMS ?= dkms
DKMSSRC ?= /usr/src/vpnfo-$(VERSION)

INSTALL_PROGS := ctl/vpnfoctl/vpnfoctl ctl/vpnfod/vpnfod pki/vpnfo-pki pki/vpnfo-pkid
INSTALL_UNITS := vpnfod-client.service vpnfod-gateway.service vpnfo-pkid.service
INSTALL_CONFS := vpnfod-client.conf vpnfod-gateway.conf vpnfo-pkid.env
INSTALL_DOCS := Documentation/vpnfod.md Documentation/pki.md Documentation/enrollment.md
INSTALL_MANS := $(wildcard Documentation/man/*.[578])

SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@DOCDIR@|$(DOCDIR)|g'

install:
	@for f in $(INSTALL_PROGS); do [ -x $$f ] || \
		{ echo "install: $$f is not built; run 'make all' first" >&2; exit 1; }; done
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(SYSCONFDIR)/vpnfo $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(MODULESLOADDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 0755 $(INSTALL_PROGS) $(DESTDIR)$(SBINDIR)/
	for u in $(INSTALL_UNITS); do \
		$(SUBST) dist/systemd/$$u.in > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp && \
		mv -f $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	for c in $(INSTALL_CONFS); do \
		d=$(DESTDIR)$(SYSCONFDIR)/vpnfo/$$c; \
		$(SUBST) dist/etc/$$c > $$d.example.tmp && chmod 0644 $$d.example.tmp && \
		mv -f $$d.example.tmp $$d.example || exit 1; \
		if [ -e $$d ]; then echo "install: keeping $$d (new version in $$d.example)"; \
		else $(INSTALL) -m 0644 $$d.example $$d || exit 1; fi; \
	done
	$(INSTALL) -m 0644 dist/bash-completion/vpnfoctl $(DESTDIR)$(BASHCOMPDIR)/vpnfoctl
# vpnfo-pki's was a link to vpnfoctl's file: install must not write through it.
	rm -f $(DESTDIR)$(BASHCOMPDIR)/vpnfo-pki
	$(INSTALL) -m 0644 dist/bash-completion/vpnfo-pki $(DESTDIR)$(BASHCOMPDIR)/vpnfo-pki
	$(INSTALL) -m 0644 dist/modules-load.d/vpnfo.conf $(DESTDIR)$(MODULESLOADDIR)/vpnfo.conf
	$(INSTALL) -m 0644 dist/sysusers.d/vpnfo.conf $(DESTDIR)$(SYSUSERSDIR)/vpnfo.conf
	$(INSTALL) -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/
	for m in $(INSTALL_MANS); do s=$${m##*.}; \
		$(INSTALL) -d -m 0755 $(DESTDIR)$(MANDIR)/man$$s && \
		$(INSTALL) -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	@if [ -z "$(DESTDIR)" ]; then \
		echo "install: now: systemd-sysusers; systemctl daemon-reload;" \
			"make dkms-install (or modules_install)"; fi

# Configuration files are removed only when unchanged from the example.
uninstall:
	for f in $(INSTALL_PROGS); do rm -f $(DESTDIR)$(SBINDIR)/$${f##*/}; done
	for u in $(INSTALL_UNITS); do rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; done
	for c in $(INSTALL_CONFS); do \
		d=$(DESTDIR)$(SYSCONFDIR)/vpnfo/$$c; \
		if [ -f $$d ] && [ -f $$d.example ] && cmp -s $$d $$d.example; then rm -f $$d; \
		elif [ -e $$d ]; then echo "uninstall: keeping changed $$d"; fi; \
		rm -f $$d.example; \
	done
	-rmdir $(DESTDIR)$(SYSCONFDIR)/vpnfo 2>/dev/null
	rm -f $(DESTDIR)$(BASHCOMPDIR)/vpnfoctl $(DESTDIR)$(BASHCOMPDIR)/vpnfo-pki
	rm -f $(DESTDIR)$(MODULESLOADDIR)/vpnfo.conf $(DESTDIR)$(SYSUSERSDIR)/vpnfo.conf
	for f in $(INSTALL_DOCS); do rm -f $(DESTDIR)$(DOCDIR)/$${f##*/}; done
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	for m in $(INSTALL_MANS); do f=$${m##*/}; rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$$f; done

# vpnfo.ko into /lib/modules/$(KVER)/updates/ (INSTALL_MOD_DIR), then depmod.
modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	if [ -z "$(INSTALL_MOD_PATH)" ]; then depmod -a $(KVER); \
	else depmod -a -b $(INSTALL_MOD_PATH) $(KVER); fi

# DKMS_KVER: the kernel to build for now (default: every installed one that
# has headers, as dkms autoinstall does; the running one if none is given).
dkms-install:
	rm -rf $(DESTDIR)$(DKMSSRC)
	$(INSTALL) -d $(DESTDIR)$(DKMSSRC)/kmod/uapi/linux
	$(INSTALL) -m 0644 Kbuild VERSION $(DESTDIR)$(DKMSSRC)/
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' dkms.conf \
		> $(DESTDIR)$(DKMSSRC)/dkms.conf
	$(INSTALL) -m 0644 kmod/Kbuild kmod/*.c kmod/*.h $(DESTDIR)$(DKMSSRC)/kmod/
	$(INSTALL) -m 0644 kmod/uapi/linux/*.h $(DESTDIR)$(DKMSSRC)/kmod/uapi/linux/
	if [ -z "$(DESTDIR)" ]; then \
		$(DKMS) add vpnfo/$(VERSION) && \
		$(DKMS) build vpnfo/$(VERSION) $(if $(DKMS_KVER),-k $(DKMS_KVER)) && \
		$(DKMS) install vpnfo/$(VERSION) $(if $(DKMS_KVER),-k $(DKMS_KVER)); fi

dkms-uninstall:
	-$(DKMS) remove vpnfo/$(VERSION) --all
	rm -rf $(DESTDIR)$(DKMSSRC)
