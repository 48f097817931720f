#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "faults" VM group (faults.vm, faults.guest): kesu erase on disks with
# injected write and read errors.  Needs KESU, the path of the built binary.
exec "$(dirname "$0")/run.sh" faults
