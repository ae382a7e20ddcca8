#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module-less lab check (test-lab.sh) with IPv6 selectors and IPv6
# outer addresses.
LAB_FAMILY=6 exec "$(dirname "$0")/test-lab.sh"
