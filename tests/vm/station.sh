#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The "station" VM group (station.vm, station.guest): kesu station --auto with
# NVMe drives hot-plugged and pulled through QMP, DMI from -smbios.
# Needs KESU, the path of the built binary.
exec "$(dirname "$0")/run.sh" station
