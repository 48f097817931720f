#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "drives" VM group (drives.vm, drives.guest): kesu devices and the SCSI
# sanitize refusal against QEMU's emulated NVMe, AHCI and virtio-scsi disks.
# Needs KESU, the path of the built binary.
exec "$(dirname "$0")/run.sh" drives
