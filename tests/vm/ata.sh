#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "ata" VM group (ata.vm, ata.guest): the ATA part of kesu on QEMU's
# AHCI disks.  Needs KESU, the path of the built binary (ata_probe beside it).
exec "$(dirname "$0")/run.sh" ata
