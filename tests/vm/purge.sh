#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "purge" VM group (purge.vm, purge.guest): firmware methods on QEMU's
# emulated NVMe controller.  Needs KESU, the path of the built binary.
exec "$(dirname "$0")/run.sh" purge
