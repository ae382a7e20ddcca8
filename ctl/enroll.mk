# SPDX-License-Identifier: GPL-2.0
# The enrollment client in vpnfoctl (included by ctl/Makefile). It reuses the
# pki's HTTP, JSON, CA and policy code, built here from ../pki sources so
# that both ends of the enrollment API parse and sign with the same code.

ENROLL_PKI_OBJS := pki_util.o pki_json.o pki_http.o pki_ca.o pki_policy.o

OBJS += enroll.o cmd_enroll.o $(ENROLL_PKI_OBJS)
LIBS += -lssl -lcrypto
CPPFLAGS += -DHAVE_CMD_ENROLL -I../pki
TESTS += tests/test_enroll
CLEAN += $(ENROLL_PKI_OBJS)

pki_%.o: ../pki/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<
